package lambda

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
)

// serveBatch answers POST /{version}/$batch (JSON batching). The batch is
// a request like any other — the same Authorization rule, body bound,
// Content-Encoding and Content-Type — and core does the rest
// (core.BuildBatch): every step is checked as if sent alone, refused
// steps and those depending on them are answered in the batch and never
// forwarded. What passed goes to Graph's $batch in one request; Graph's
// answer is shaped step by step (BuiltBatch.Absorb). The steps Graph
// throttled are sent again as a smaller batch, under the rules of a
// request alone (send, wait: Retry-After — the longest of the retried
// steps' — or backoff, the attempt bound counting every send, the
// deadline), and what is still throttled when they run out is answered
// as Graph answered it. The answer is 200 {"responses":[…]} in request
// order; each step gets its own log line (logSteps).
func (h *Handler) serveBatch(ctx context.Context, ev *events.APIGatewayV2HTTPRequest, in *incoming, x *exchange, route *core.Route) events.APIGatewayV2HTTPResponse {
	if err := core.CheckAuthorization(in.authorization); err != nil {
		return h.fail(x, core.AsError(err))
	}
	body, err := readBody(ev, h.cfg.MaxBody)
	if err != nil {
		return h.fail(x, err)
	}
	if err := checkJSONMediaType(in.contentType); err != nil {
		return h.fail(x, err)
	}
	// Each step is held to the policy its own route (drive, site) and
	// the batch's token (appid) choose, as it would be sent alone.
	x.pol.claims = readClaims(in.authorization)
	cctx := core.Context{Now: h.now(), Policy: h.cfg.Policy}
	b, berr := core.BuildBatchFor(body, route.Version, &cctx, func(r *core.Route) (*core.Policy, string) {
		return h.choosePolicy(r, &x.pol.claims)
	})
	if berr != nil {
		return h.fail(x, core.AsError(berr))
	}
	x.batch = &b
	if h.wantsDryRun(ev) { // dryrun.go
		return h.dryRunBatch(x, &b)
	}
	deadline := h.budget(ctx, x.start)
	var failed *core.Error // why the last send got no answer
	for pending := b.Pending(); len(pending) > 0; {
		up, err := b.AppendUpstream(make([]byte, 0, 256*len(pending)), pending)
		if err != nil {
			failed = core.AsError(err)
			break
		}
		req := core.Request{Method: "POST", Path: core.BatchPath(b.Version), ContentType: "application/json", Body: up}
		s := h.send(ctx, x, &req, "", in.authorization)
		if s.err != nil {
			failed = s.err
			break
		}
		retry := b.Absorb(pending, s.status, s.retry, s.body, h.now())
		if len(retry.Steps) == 0 || !h.wait(ctx, x, retry.After, retry.HasAfter, h.now(), deadline) {
			break
		}
		pending = retry.Steps
	}
	b.Finish(failed)
	return h.reply(x, 200, b.AppendAnswer(make([]byte, 0, 512*len(b.Steps))))
}

// logSteps writes one line per step of a batch, after the batch's own:
// the batch's ids, the step's index (never its id, which the caller
// chose), route, status, and for a failure error_code and error_target
// (core.Error.LogTarget) — never a url, a body or a header.
func (h *Handler) logSteps(ctx context.Context, x *exchange) {
	for i := range x.batch.Steps {
		st := &x.batch.Steps[i]
		level := slog.LevelInfo
		if st.Answer.Status >= 500 {
			level = slog.LevelWarn
		}
		attrs := make([]slog.Attr, 0, 12)
		attrs = append(attrs,
			slog.String("request_id", x.requestID),
			slog.String("client_request_id", x.clientRequestID),
			slog.Int("step", i),
			slog.Int("status", st.Answer.Status),
			slog.Bool("forwarded", st.Upstream),
		)
		if st.Route.Action != 0 {
			attrs = append(attrs, slog.String("route", st.Route.Action.String()), slog.String("version", x.batch.Version.String()))
		}
		if st.Sends > 1 {
			attrs = append(attrs, slog.Int("upstream_sends", st.Sends))
		}
		if st.Err != nil {
			attrs = append(attrs, slog.String("error_code", safeToken(st.Err.Code, 64)))
			if t := st.Err.LogTarget(); t != "" {
				attrs = append(attrs, slog.String("error_target", t))
			}
		}
		if st.Upstream && st.Answer.Status < 300 {
			for _, a := range st.Adjusted() {
				by := a.Rule
				if by == "" {
					by = a.By // Graph's own change, found in its answer
				}
				attrs = append(attrs, slog.String("adjusted", a.Property+" by "+by))
			}
		}
		if x.apigwRequestID != "" {
			attrs = append(attrs, slog.String("apigw_request_id", safeToken(x.apigwRequestID, 64)))
		}
		h.log.LogAttrs(ctx, level, "batch step", attrs...)
	}
}
