package lambda

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
)

// respond turns the upstream outcome into the caller's response. A 2xx
// is answered as the route's action says (core.Shape: a permission or a
// collection shaped, an item checked and passed through, or no body);
// Graph's errors are shaped by ParseUpstreamError.
func (h *Handler) respond(x *exchange, route *core.Route, s *sent) events.APIGatewayV2HTTPResponse {
	if s.err != nil {
		return h.fail(x, s.err)
	}
	if s.etag != "" && route.Action.Forwards() {
		// Graph's ETag of a permission, for the caller's next If-Match:
		// passed on only when it is an entity tag.
		if tag, err := core.CheckConditional("ETag", s.etag); err == nil && tag != "*" && !strings.Contains(tag, `", `) {
			x.etag = tag
		}
	}
	if s.status == http.StatusNotModified {
		// Graph's 304 to If-None-Match: no body (core.Shape says whether
		// the action can have one).
		r, err := core.Shape(route, s.status, s.body)
		if err != nil {
			return h.fail(x, core.AsError(err))
		}
		return h.reply(x, r.Status, nil)
	}
	if s.upstream != nil {
		return h.upstreamError(x, s.upstream, s.retry)
	}
	if s.status < 200 || s.status > 299 {
		// A 1xx or 3xx: ParseUpstreamError reports it as a 502.
		u := core.ParseUpstreamError(s.status, "", s.body, h.now())
		return h.upstreamError(x, &u, "")
	}
	r, err := core.Shape(route, s.status, s.body)
	if err != nil {
		return h.fail(x, core.AsError(err))
	}
	if e := h.checkAnswer(x, route, &r.Shaped); e != nil { // decision.go
		return h.fail(x, e)
	}
	return h.reply(x, r.Status, r.Body)
}

// upstreamError answers with Graph's error, shaped, and its Retry-After
// (as whole seconds) when Graph gave one.
func (h *Handler) upstreamError(x *exchange, u *core.UpstreamError, retryAfter string) events.APIGatewayV2HTTPResponse {
	x.errCode = u.Code
	resp := h.reply(x, u.Status, u.AppendJSON(make([]byte, 0, 256)))
	if u.HasRetryAfter && retryAfter != "" {
		resp.Headers["retry-after"] = strconv.FormatInt(u.RetryAfterSeconds(), 10)
	}
	return resp
}

// fail answers with one of sharelink's own errors (or core's).
func (h *Handler) fail(x *exchange, e *core.Error) events.APIGatewayV2HTTPResponse {
	x.errCode, x.errTarget = e.Code, e.Target
	resp := h.reply(x, e.Status, e.AppendJSON(make([]byte, 0, 96+len(e.Message))))
	if e.Allow != "" {
		resp.Headers["allow"] = e.Allow // every 405 says what the route answers (RFC 9110 §15.5.6)
	}
	return resp
}

// reply writes status, body and the headers every response carries —
// request-id (Graph's, or ours when nothing went upstream),
// client-request-id, Cache-Control: no-store, X-Content-Type-Options:
// nosniff — and those that apply: content-type, etag, the CORS headers
// for a listed origin, sharelink-adjusted when the policy or Graph changed
// the request, the policy's sharelink-shadow and sharelink-reported.
func (h *Handler) reply(x *exchange, status int, body []byte) events.APIGatewayV2HTTPResponse {
	if x.requestID == "" {
		x.requestID = h.newID()
	}
	hd := make(map[string]string, 10)
	hd["request-id"] = x.requestID
	hd["client-request-id"] = x.clientRequestID
	hd["cache-control"] = "no-store"
	hd["x-content-type-options"] = "nosniff"
	if x.origin != "" {
		setCORS(hd, x.origin)
	}
	if body != nil {
		hd["content-type"] = "application/json"
	}
	if status == http.StatusUnauthorized && x.errCode == core.CodeUnauthenticated {
		hd["www-authenticate"] = "Bearer"
	}
	if x.etag != "" && (status < 300 || status == http.StatusNotModified) {
		hd["etag"] = x.etag
	}
	if len(x.adjusted) > 0 && status < 300 {
		hd[AdjustedHeader] = formatAdjusted(x.adjusted)
	}
	x.pol.headers(hd, status) // decision.go: sharelink-shadow, sharelink-reported
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: hd, Body: string(body)}
}

// AdjustedHeader reports what the policy changed in a request that
// succeeded, one entry per change, comma-separated:
//
//	sharelink-adjusted: expirationDateTime=2026-12-25T17:00:00Z;rule=policy.maxExpiryDays;from=2027-06-01T00:00:00Z
//
// from is absent when the caller gave no value. Graph clamps silently;
// sharelink says so: Graph's own changes, found in its answer, carry
// by=graph and no rule (a batch step's answer carries the header too):
//
//	sharelink-adjusted: scope=anonymous;by=graph, expirationDateTime=2026-12-31T00:00:00Z;by=graph;from=2027-06-01T00:00:00Z
const AdjustedHeader = core.AdjustedHeader

func formatAdjusted(adj []core.Adjustment) string { return core.FormatAdjusted(adj) }
