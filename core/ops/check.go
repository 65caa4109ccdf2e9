package ops

import (
	"strconv"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// checkAnswerFields are build_request's, then Graph's answer.
var checkAnswerFields = [len(buildRequestFields) + 2]field(append(buildRequestFields[:],
	field{"status", gjson.Number, true},
	field{"answer", gjson.JSON, false},
))

// CheckAnswer: {"method","path","body"?,"headers"?,"driveType"?,"itemKind"?,"status","answer"?}
// → {"status","body","adjusted"?,"findings"?}: Graph's answer to the
// request build_request builds from the same members, shaped as
// shape_response shapes it, and held to the configured policy
// (core.CheckAnswer): an existing link returned with 200 may predate the
// policy. adjusted lists what the policy changed in the request and what
// Graph changed on its own in the terms sent ("by":"graph": a clamped
// expiry, a defaulted scope); findings the rules that fired, on the
// request or on the answer ({"rule","mode","stage","effect","permission"?}).
// A rule broken in refuse mode is the error: a 403 accessDenied naming
// the rule, its message naming the permission Graph returned (it exists
// in Graph: the caller may remove it). A non-2xx answer is Graph's error,
// as shape_response gives it; nothing is checked.
func CheckAnswer(input []byte, cfg *Config) ([]byte, error) {
	var in [len(checkAnswerFields)]gjson.Result
	if err := readEnvelope(input, checkAnswerFields[:], in[:]); err != nil {
		return nil, err
	}
	ctx := core.Context{Now: cfg.Now, Policy: cfg.Policy}
	route, req, err := buildFrom(input, in[:len(buildRequestFields)], &ctx, cfg)
	if err != nil {
		return nil, err
	}
	status, err := statusInput(in[len(buildRequestFields)])
	if err != nil {
		return nil, err
	}
	var body []byte
	if a := in[len(buildRequestFields)+1]; a.Exists() && a.Type != gjson.Null {
		body = bodyBytes(input, a)
	}
	if !(status >= 200 && status <= 299 || status == 304) {
		return appendUpstream(core.ParseUpstreamError(status, "", body, cfg.Now)), nil
	}
	res, err := core.Shape(&route, status, body)
	if err != nil {
		return nil, err
	}
	a, err := core.CheckAnswer(&route, &req, &res.Shaped, &ctx)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 64+len(res.Body)+128*(len(req.Adjusted)+len(a.Adjusted)+len(req.Findings)+len(a.Findings)))
	b = append(b, `{"status":`...)
	b = strconv.AppendInt(b, int64(res.Status), 10)
	b = append(b, `,"body":`...)
	if res.Body == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, res.Body...)
	}
	b = AppendAdjusted(b, append(req.Adjusted[:len(req.Adjusted):len(req.Adjusted)], a.Adjusted...))
	b = AppendFindings(b, append(req.Findings[:len(req.Findings):len(req.Findings)], a.Findings...))
	return append(b, '}'), nil
}

// AppendFindings appends ,"findings":[…] when rules fired: each
// {"rule","mode","stage","effect","permission"?}, the permission being
// the id Graph returned for a finding on the answer.
func AppendFindings(dst []byte, fs []core.Finding) []byte {
	if len(fs) == 0 {
		return dst
	}
	dst = append(dst, `,"findings":[`...)
	for i := range fs {
		f := &fs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"rule":`...)
		dst = jsontext.AppendString(dst, f.Rule.Target())
		dst = jsontext.AppendKey(dst, "mode")
		dst = jsontext.AppendString(dst, f.Mode.String())
		dst = jsontext.AppendKey(dst, "stage")
		dst = jsontext.AppendString(dst, f.Stage.String())
		dst = jsontext.AppendKey(dst, "effect")
		dst = jsontext.AppendString(dst, f.Effect.String())
		if f.Permission != "" {
			dst = jsontext.AppendKey(dst, "permission")
			dst = jsontext.AppendString(dst, f.Permission)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
