package lambda

import (
	"strings"

	"github.com/sharelink/sharelink/core"
)

// policyState is what the policy did to one request: the policy chosen
// for it, the terms requested and applied, what Graph returned and every
// rule that fired, request and answer alike.
type policyState struct {
	policy    *core.Policy
	built     bool
	requested core.Terms
	applied   core.Terms
	answer    core.Answer
	findings  []core.Finding
}

// choose picks the request's policy.
func (p *policyState) choose(h *Handler, route *core.Route, in *incoming) {
	p.policy = h.policyFor(route, in)
}

// policyFor is the policy a request is held to.
func (h *Handler) policyFor(_ *core.Route, _ *incoming) *core.Policy {
	return h.cfg.Policy
}

// request records what Build made of the request (on a refusal too).
func (p *policyState) request(req *core.Request) {
	p.built = true
	p.requested, p.applied = req.Requested, req.Applied
	p.findings = append(p.findings, req.Findings...)
}

// checkAnswer holds Graph's shaped answer to the policy: Graph's own
// changes join the adjustments, the answer's findings the request's; a
// refusal is the error to answer with.
func (h *Handler) checkAnswer(x *exchange, route *core.Route, sh *core.Shaped) *core.Error {
	req := core.Request{Applied: x.pol.applied}
	ctx := core.Context{Now: h.now(), Policy: x.pol.policy}
	a, err := core.CheckAnswer(route, &req, sh, &ctx)
	x.pol.answer = a
	x.pol.findings = append(x.pol.findings, a.Findings...)
	x.adjusted = append(x.adjusted, a.Adjusted...)
	if err != nil {
		return core.AsError(err)
	}
	return nil
}

// ShadowHeader lists what rules in shadow mode would have done, on any
// answer; ReportedHeader the violations in Graph's answer that rules
// with "answer": "report" let through. One entry per rule, comma-separated:
//
//	sharelink-shadow: policy.denyAnonymous=would-refuse;stage=request, policy.maxExpiryDays=would-clamp;stage=request
//	sharelink-reported: policy.anonymous.requirePassword=reported;stage=answer;permission=9d8c7b6a-…
const (
	ShadowHeader   = "sharelink-shadow"
	ReportedHeader = "sharelink-reported"
)

// headers adds sharelink-shadow and sharelink-reported.
func (p *policyState) headers(hd map[string]string, status int) {
	var shadow, reported strings.Builder
	for i := range p.findings {
		f := &p.findings[i]
		var b *strings.Builder
		switch {
		case f.Shadow():
			b = &shadow
		case f.Effect == core.EffectReported && status < 300:
			b = &reported
		default:
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Rule.Target())
		b.WriteByte('=')
		b.WriteString(f.Effect.String())
		b.WriteString(";stage=")
		b.WriteString(f.Stage.String())
		if f.Permission != "" {
			b.WriteString(";permission=")
			b.WriteString(safeToken(f.Permission, 128))
		}
	}
	if shadow.Len() > 0 {
		hd[ShadowHeader] = shadow.String()
	}
	if reported.Len() > 0 {
		hd[ReportedHeader] = reported.String()
	}
}
