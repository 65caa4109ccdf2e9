package ops

import (
	"strconv"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// The generic pair of operations: any action of core's table, by method
// and path, so that a new action needs no new export.

var buildRequestFields = [...]field{
	{"method", gjson.String, true},
	{"path", gjson.String, true},
	{"body", gjson.JSON, false},
	{"headers", gjson.JSON, false},
	{"driveType", gjson.String, false},
	{"itemKind", gjson.String, false},
}

// BuildRequest: {"method","path","body"?,"headers"?,"driveType"?,"itemKind"?}
// → {"method","url","headers","body","adjusted"?}. The route names the
// action (any of core's table: createLink, invite, a permission's GET,
// PATCH or DELETE, revokeGrants, …); body is read for an action that
// takes one (a JSON value, or a string holding the raw text) and ignored
// otherwise. headers (names in any letter case, string values) gives the
// request headers the action forwards — If-Match, If-None-Match — which
// are checked; others are not forwarded. The output's headers hold
// Content-Type when there is a body, then the forwarded headers; body is
// the canonical body as a string, or null.
func BuildRequest(input []byte, cfg *Config) ([]byte, error) {
	var in [len(buildRequestFields)]gjson.Result
	if err := readEnvelope(input, buildRequestFields[:], in[:]); err != nil {
		return nil, err
	}
	ctx := core.Context{Now: cfg.Now, Policy: cfg.Policy}
	_, req, err := buildFrom(input, in[:], &ctx, cfg)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 128+len(req.Body)+len(cfg.GraphBaseURL)+len(req.Path))
	b = append(b, `{"method":`...)
	b = jsontext.AppendString(b, req.Method)
	b = jsontext.AppendKey(b, "url")
	b = jsontext.AppendString(b, cfg.GraphBaseURL+req.Path)
	b = append(b, `,"headers":{`...)
	n := 0
	if req.Body != nil {
		b = append(b, `"Content-Type":`...)
		b = jsontext.AppendString(b, req.ContentType)
		n++
	}
	for _, kv := range req.Headers {
		if n > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, kv[0])
		b = append(b, ':')
		b = jsontext.AppendString(b, kv[1])
		n++
	}
	b = append(b, `},"body":`...)
	if req.Body != nil {
		b = jsontext.AppendString(b, string(req.Body))
	} else {
		b = append(b, "null"...)
	}
	b = AppendAdjusted(b, req.Adjusted)
	return append(b, '}'), nil
}

// buildFrom is the request of an input read against the first six of
// buildRequestFields (method, path, body, headers, driveType, itemKind),
// with its route; ctx gets the drive type, item kind and headers.
func buildFrom(input []byte, in []gjson.Result, ctx *core.Context, cfg *Config) (core.Route, core.Request, error) {
	var err error
	if in[4].Exists() {
		if ctx.DriveType, err = core.ParseDriveType(in[4].Str); err != nil {
			return core.Route{}, core.Request{}, err
		}
	}
	if in[5].Exists() {
		if ctx.ItemKind, err = core.ParseItemKind(in[5].Str); err != nil {
			return core.Route{}, core.Request{}, err
		}
	}
	hdr, err := headerValues(in[3])
	if err != nil {
		return core.Route{}, core.Request{}, err
	}
	if hdr != nil {
		ctx.Header = func(name string) string {
			for _, kv := range hdr {
				if core.EqualFoldASCII(kv[0], name) {
					return kv[1]
				}
			}
			return ""
		}
	}
	route, err := core.ParseRouteVersion(in[0].Str, in[1].Str, cfg.APIVersion)
	if err != nil {
		return core.Route{}, core.Request{}, err
	}
	var body []byte
	if route.Action.TakesBody() {
		if !in[2].Exists() {
			return core.Route{}, core.Request{}, invalidInput("body", "the input needs 'body': "+route.Action.String()+" takes a request body")
		}
		body = bodyBytes(input, in[2])
	}
	ctx.Policy = cfg.PolicyFor(&route)
	req, err := core.Build(&route, body, ctx)
	return route, req, err
}

// headerValues reads a "headers" input: an object of string values, each
// name once in any letter case.
func headerValues(h gjson.Result) ([][2]string, error) {
	if !h.Exists() || h.Type == gjson.Null {
		return nil, nil
	}
	if !h.IsObject() {
		return nil, invalidInput("headers", "'headers' must be an object, not "+jsontext.TypeName(h))
	}
	out := [][2]string{}
	var err error
	h.ForEach(func(k, v gjson.Result) bool {
		target := "headers." + k.Str
		if v.Type != gjson.String {
			err = invalidInput(target, "a header value must be a string")
			return false
		}
		for _, kv := range out {
			if core.EqualFoldASCII(kv[0], k.Str) {
				err = invalidInput(target, "the header '"+k.Str+"' appears twice")
				return false
			}
		}
		if len(out) == 64 {
			err = invalidInput("headers", "'headers' has more than 64 members")
			return false
		}
		out = append(out, [2]string{k.Str, v.Str})
		return true
	})
	return out, err
}

var shapeResponseFields = [...]field{
	{"method", gjson.String, true},
	{"path", gjson.String, true},
	{"status", gjson.Number, true},
	{"body", gjson.JSON, false},
	{"headers", gjson.JSON, false},
}

// ShapeResponse: {"method","path","status","body"?,"headers"?} → Graph's
// answer to that route as the caller gets it. A 2xx, or a 304 to a read
// that forwards If-None-Match, is {"status","body"}: body the action's
// shaped answer (a permission, a collection, invite's 207 with its
// per-recipient errors, an item as Graph sent it) or null (204, 304).
// Anything else is Graph's error, as shape_error gives it:
// {"status","error","throttled","retryable","retryAfterSeconds"?}
// (headers: Retry-After, as for shape_error). body is a JSON value or a
// string holding the raw text; absent or null is an empty body.
func ShapeResponse(input []byte, cfg *Config) ([]byte, error) {
	var in [len(shapeResponseFields)]gjson.Result
	if err := readEnvelope(input, shapeResponseFields[:], in[:]); err != nil {
		return nil, err
	}
	route, err := core.ParseRouteVersion(in[0].Str, in[1].Str, cfg.APIVersion)
	if err != nil {
		return nil, err
	}
	status, err := statusInput(in[2])
	if err != nil {
		return nil, err
	}
	var body []byte
	if in[3].Exists() && in[3].Type != gjson.Null {
		body = bodyBytes(input, in[3])
	}
	if status >= 200 && status <= 299 || status == 304 {
		res, err := core.Shape(&route, status, body)
		if err != nil {
			return nil, err
		}
		b := make([]byte, 0, 32+len(res.Body))
		b = append(b, `{"status":`...)
		b = strconv.AppendInt(b, int64(res.Status), 10)
		b = append(b, `,"body":`...)
		if res.Body == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, res.Body...)
		}
		return append(b, '}'), nil
	}
	retryAfter, err := retryAfterHeader(in[4])
	if err != nil {
		return nil, err
	}
	return appendUpstream(core.ParseUpstreamError(status, retryAfter, body, cfg.Now)), nil
}

// appendUpstream writes Graph's error answer as shape_error and
// shape_response give it: {"status","error","throttled","retryable","retryAfterSeconds"?}.
func appendUpstream(u core.UpstreamError) []byte {
	b := make([]byte, 0, upstreamCap(&u))
	b = append(b, `{"status":`...)
	b = strconv.AppendInt(b, int64(u.Status), 10)
	b = append(b, `,"error":`...)
	b = u.AppendObject(b)
	b = u.AppendRetryFacts(b)
	return append(b, '}')
}
