package lambda

import (
	"encoding/json"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
	"github.com/tidwall/gjson"
)

// DryRunPreference is the Prefer token that asks for a dry run: with
// SHARELINK_DRY_RUN=on, the request is checked and built as usual, and
// answered 200 with what would have been sent upstream, without sending
// it. Without SHARELINK_DRY_RUN=on the token is ignored (Prefer is a
// preference) and the request goes to Graph.
const DryRunPreference = "sharelink-dry-run"

// PasswordPlaceholder replaces a password in a dry run's body.
const PasswordPlaceholder = "(redacted)"

// dryRunAnswer is a dry run's body.
type dryRunAnswer struct {
	DryRun  bool             `json:"dryRun"`
	Request dryRunRequest    `json:"request"`
	Adjust  []adjustedRecord `json:"adjusted"`
	Rules   []ruleRecord     `json:"decisions"`
}

type dryRunRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// wantsDryRun says whether the request asks for a dry run and may have one.
func (h *Handler) wantsDryRun(ev *events.APIGatewayV2HTTPRequest) bool {
	if !h.cfg.DryRun {
		return false
	}
	for _, pref := range strings.Split(header(ev.Headers, "prefer"), ",") {
		tok, _, _ := strings.Cut(pref, ";")
		if strings.EqualFold(strings.TrimSpace(tok), DryRunPreference) {
			return true
		}
	}
	return false
}

// dryRun answers a built request without sending it: its method, path
// (relative to the Graph base) and body with any password replaced, the
// adjustments and the rules that fired. The policy it shows is the one
// the token's unverified claims chose: it names no policy and no other
// override (docs/policy.md).
func (h *Handler) dryRun(x *exchange, req *core.Request) events.APIGatewayV2HTTPResponse {
	x.pol.dryRun = true
	a := dryRunAnswer{DryRun: true, Request: dryRunRequest{Method: req.Method, Path: req.Path}, Adjust: []adjustedRecord{}, Rules: []ruleRecord{}}
	if len(req.Body) > 0 {
		a.Request.Body = redactPassword(req.Body)
	}
	a.Adjust = append(a.Adjust, adjustedRecords(x.adjusted)...)
	a.Rules = append(a.Rules, ruleRecords(x.pol.findings)...)
	b, err := json.Marshal(a)
	if err != nil { // only raw bodies could fail, and core writes them
		return h.fail(x, &core.Error{Status: 500, Code: "generalException", Message: "the dry run could not be written"})
	}
	resp := h.reply(x, 200, b)
	resp.Headers["preference-applied"] = DryRunPreference
	return resp
}

// redactPassword replaces the value of a top-level "password" (core's
// canonical bodies have at most one) with PasswordPlaceholder.
func redactPassword(body []byte) []byte {
	v := gjson.GetBytes(body, "password")
	if !v.Exists() || v.Index <= 0 {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:v.Index]...)
	out = append(out, `"`+PasswordPlaceholder+`"`...)
	return append(out, body[v.Index+len(v.Raw):]...)
}

// dryRunBatchAnswer is a batch's dry run: the upstream batch that would
// be sent, and per step (in request order) either the step it would
// send, or the answer sharelink would give it itself (a step refused or
// not run), each with its adjustments and the rules that fired.
type dryRunBatchAnswer struct {
	DryRun  bool          `json:"dryRun"`
	Request dryRunRequest `json:"request"`
	Steps   []dryRunStep  `json:"steps"`
}

type dryRunStep struct {
	ID        string           `json:"id"`
	Request   *dryRunStepSent  `json:"request,omitempty"`
	Answer    *dryRunStepLocal `json:"answer,omitempty"`
	DependsOn []string         `json:"dependsOn,omitempty"`
	Adjust    []adjustedRecord `json:"adjusted"`
	Rules     []ruleRecord     `json:"decisions"`
}

// dryRunStepSent is a step as it would go in the upstream batch: its url
// relative to the version, as Graph's $batch reads it.
type dryRunStepSent struct {
	Method string          `json:"method"`
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body,omitempty"`
}

type dryRunStepLocal struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// dryRunBatch answers a built batch without sending it.
func (h *Handler) dryRunBatch(x *exchange, b *core.BuiltBatch) events.APIGatewayV2HTTPResponse {
	x.pol.dryRun = true
	a := dryRunBatchAnswer{DryRun: true, Request: dryRunRequest{Method: "POST", Path: core.BatchPath(b.Version)},
		Steps: make([]dryRunStep, 0, len(b.Steps))}
	for i := range b.Steps {
		st := &b.Steps[i]
		s := dryRunStep{ID: st.ID, Adjust: []adjustedRecord{}, Rules: append([]ruleRecord{}, ruleRecords(st.Findings())...)}
		if st.Forward {
			s.Request = &dryRunStepSent{Method: st.Request.Method, URL: core.BatchURL(st.Request.Path) + st.Query}
			if len(st.Request.Body) > 0 {
				s.Request.Body = redactPassword(st.Request.Body)
			}
			s.Adjust = append(s.Adjust, adjustedRecords(st.Request.Adjusted)...)
			for _, j := range st.DependsOn {
				s.DependsOn = append(s.DependsOn, b.Steps[j].ID)
			}
		} else {
			s.Answer = &dryRunStepLocal{Status: st.Answer.Status, Body: st.Answer.Body}
		}
		a.Steps = append(a.Steps, s)
	}
	body, err := json.Marshal(a)
	if err != nil {
		return h.fail(x, &core.Error{Status: 500, Code: "generalException", Message: "the dry run could not be written"})
	}
	resp := h.reply(x, 200, body)
	resp.Headers["preference-applied"] = DryRunPreference
	return resp
}
