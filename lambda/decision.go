package lambda

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/sharelink/sharelink/core"
)

// policyState is what the policy did to one request: the policy chosen
// for it, the terms requested and applied, what Graph returned and every
// rule that fired, request and answer alike.
type policyState struct {
	policy    *core.Policy
	name      string // the policy's name: "default" or the override's
	claims    claims
	built     bool
	requested core.Terms
	applied   core.Terms
	answer    core.Answer
	findings  []core.Finding
}

// choose picks the request's policy, and reads the token's claims.
func (p *policyState) choose(h *Handler, route *core.Route, in *incoming) {
	p.claims = readClaims(in.authorization)
	p.policy, p.name = h.choosePolicy(route, &p.claims)
}

// policyFor is the policy a request is held to.
func (h *Handler) policyFor(route *core.Route, in *incoming) *core.Policy {
	c := readClaims(in.authorization)
	p, _ := h.choosePolicy(route, &c)
	return p
}

// choosePolicy is the policy the scoped document picks for the route and
// the token's (unverified) appid: the same token goes to Graph, which
// refuses a forged one, so a forged appid selects a policy for a request
// Graph will refuse (docs/policy.md).
func (h *Handler) choosePolicy(route *core.Route, c *claims) (*core.Policy, string) {
	if h.cfg.Policies == nil {
		return h.cfg.Policy, core.DefaultPolicyName
	}
	s := core.RouteSubject(route)
	s.AppID = c.AppID
	return h.cfg.Policies.For(s)
}

// claims are the token's claims a decision record and the policy choice
// read. They are not verified: Graph verifies the token it is sent.
type claims struct {
	TenantID string `json:"tid"`
	ObjectID string `json:"oid"`
	AppID    string `json:"appid"`
	AZP      string `json:"azp"` // v2.0 tokens' appid
}

// readClaims decodes the payload of a "Bearer <JWT>" without verifying
// it. Only id-like values are kept: anything else is dropped, never
// logged.
func readClaims(authorization string) claims {
	var c claims
	tok, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok {
		return c
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return c
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(b, &c) != nil {
		return claims{}
	}
	if c.AppID == "" {
		c.AppID = c.AZP
	}
	c.TenantID, c.ObjectID, c.AppID, c.AZP = idClaim(c.TenantID), idClaim(c.ObjectID), idClaim(c.AppID), ""
	return c
}

// idClaim keeps a GUID-like claim: hex digits and '-', at most 64.
func idClaim(s string) string {
	if len(s) > 64 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return ""
		}
	}
	return strings.ToLower(s)
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
