package lambda

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/sharelink/sharelink/core"
)

// policyState is what the policy did to one request: the policy chosen
// for it, the terms requested and applied, what Graph returned and every
// rule that fired, request and answer alike.
type policyState struct {
	policy *core.Policy
	name   string // the policy's name: "default" or the override's
	claims claims
	route  *core.Route
	built  bool
	dryRun bool // answered by a dry run: nothing sent
	// answerChecked: Graph answered 2xx and the answer was checked
	answerChecked bool
	requested     core.Terms
	applied       core.Terms
	answer        core.Answer
	findings      []core.Finding
}

// choose picks the request's policy, and reads the token's claims.
func (p *policyState) choose(h *Handler, route *core.Route, in *incoming) {
	p.claims = readClaims(in.authorization)
	p.route = route
	p.policy, p.name = h.choosePolicy(route, &p.claims)
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
	// Built, or refused by the policy: a body that did not parse has no
	// terms to record.
	p.built = req.Method != "" || len(req.Findings) > 0
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
	x.pol.answer, x.pol.answerChecked = a, true
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
	ShadowHeader   = core.ShadowHeader
	ReportedHeader = core.ReportedHeader
)

// headers adds sharelink-shadow and sharelink-reported (transport.go's
// corsExposeHeaders lets a listed browser origin read them).
func (p *policyState) headers(hd map[string]string, status int) {
	if v := core.FormatFindings(p.findings, true); v != "" {
		hd[ShadowHeader] = v
	}
	if v := core.FormatFindings(p.findings, false); v != "" && status < 300 {
		hd[ReportedHeader] = v
	}
}

// loadDecisionConfig reads SHARELINK_AUDIT_KEY and SHARELINK_DRY_RUN.
func loadDecisionConfig(c *Config, getenv func(string) string) error {
	if v := getenv(EnvAuditKey); v != "" {
		if len(v) < 16 {
			return fmt.Errorf("%s: the key must be at least 16 bytes (32 random hex digits, say)", EnvAuditKey)
		}
		c.AuditKey = []byte(v)
	}
	switch v := getenv(EnvDryRun); v {
	case "", "off":
	case "on":
		c.DryRun = true
	default:
		return fmt.Errorf("%s: %q must be on or off", EnvDryRun, safeToken(v, 16))
	}
	return nil
}

// DecisionVersion is the "v" of decision records (docs/decisions.md).
const DecisionVersion = 1

// termsRecord is requested or applied terms in a decision record.
type termsRecord struct {
	Type            string   `json:"type,omitempty"`
	Scope           string   `json:"scope,omitempty"`
	Roles           []string `json:"roles,omitempty"`
	Expiry          string   `json:"expiry,omitempty"`
	HasPassword     bool     `json:"has_password"`
	ExpiryRemoved   bool     `json:"expiry_removed,omitempty"`
	RetainInherited *bool    `json:"retain_inherited,omitempty"`
	Recipients      int      `json:"recipients"`
	Domains         []string `json:"domains,omitempty"`
	RecipientHMACs  []string `json:"recipient_hmacs,omitempty"`
}

type returnedRecord struct {
	PermissionID string   `json:"permission_id"`
	Kind         string   `json:"kind"`
	Type         string   `json:"type,omitempty"`
	Scope        string   `json:"scope,omitempty"`
	Expiry       string   `json:"expiry,omitempty"`
	HasPassword  bool     `json:"has_password"`
	Roles        []string `json:"roles,omitempty"`
}

type ruleRecord struct {
	Rule         string `json:"rule"`
	Stage        string `json:"stage"`
	Mode         string `json:"mode"`
	Effect       string `json:"effect"`
	PermissionID string `json:"permission_id,omitempty"`
}

type adjustedRecord struct {
	Property string `json:"property"`
	Rule     string `json:"rule,omitempty"`
	By       string `json:"by"`
	From     string `json:"from,omitempty"`
	To       string `json:"to"`
}

func (h *Handler) terms(t *core.Terms, hashes bool) termsRecord {
	r := termsRecord{Roles: t.Roles(), HasPassword: t.Password, Recipients: len(t.Recipients), ExpiryRemoved: t.ExpiryRemoved}
	if t.Type != 0 {
		r.Type = t.Type.String()
	}
	if t.Scope != 0 {
		r.Scope = t.Scope.String()
	}
	if !t.Expiration.IsZero() {
		r.Expiry = t.Expiration.UTC().Format(time.RFC3339)
	}
	if t.RetainInherited != core.Unset {
		b := t.RetainInherited == core.True
		r.RetainInherited = &b
	}
	for _, d := range t.Domains() {
		r.Domains = append(r.Domains, safeToken(d, 253))
	}
	if hashes && len(h.cfg.AuditKey) > 0 {
		for _, rc := range t.Recipients {
			v := rc.Email
			if v == "" {
				v = rc.Alias
			}
			if v == "" {
				v = rc.ObjectID
			}
			m := hmac.New(sha256.New, h.cfg.AuditKey)
			m.Write([]byte(strings.ToLower(v)))
			r.RecipientHMACs = append(r.RecipientHMACs, hex.EncodeToString(m.Sum(nil)))
		}
	}
	return r
}

// itemRef says how the route addressed its item, and its id when it
// gave one: ids only, never a path or a name.
func itemRef(r *core.Route) (ref, id string) {
	if r.Item == "" {
		if r.ShareID != "" {
			return "share", "" // a share id encodes a sharing URL: never logged
		}
		return "", ""
	}
	seg := strings.Split(r.Item, "/")
	for i, s := range seg {
		switch {
		case strings.HasPrefix(s, "root:") || strings.HasSuffix(s, ":"):
			return "path", ""
		case s == "items" && i+1 < len(seg) && !strings.Contains(seg[i+1], ":"):
			return "id", safeID(seg[i+1])
		}
	}
	switch last := seg[len(seg)-1]; {
	case last == "root":
		return "root", ""
	case len(seg) >= 2 && seg[len(seg)-2] == "special":
		return "special", ""
	}
	return "other", ""
}

// outcome is the decision's one-word result.
func (x *exchange) outcome() string {
	switch {
	case x.pol.dryRun:
		return "dry-run"
	case x.errCode == core.CodeFailedDependency:
		return "failed-dependency" // a batch step not run: a step it depends on failed
	case x.status >= 200 && x.status < 300:
		return "allowed"
	case x.status == 401 && x.attempts == 0:
		return "unauthenticated"
	case x.errCode == core.CodeAccessDenied && strings.HasPrefix(x.errTarget, "policy."):
		for _, f := range x.pol.findings {
			if f.Effect == core.EffectRefused && f.Stage == core.StageAnswer {
				return "refused-answer"
			}
		}
		return "refused"
	case x.attempts > 0:
		return "upstream-error"
	case x.status < 500:
		return "invalid"
	}
	return "error"
}

// logDecision writes the request's decision record, for sharing actions
// (docs/decisions.md). Every field is chosen: ids, enums, counts, domains
// and keyed hashes; never a token, a password, a path, a name, a message
// or an address.
func (h *Handler) logDecision(ctx context.Context, x *exchange, route *core.Route) {
	if x.action.IsBatch() {
		if x.batch != nil {
			h.logStepDecisions(ctx, x)
		}
		return
	}
	if !x.action.Shares() {
		return
	}
	h.writeDecision(ctx, x, route, -1, x.requestID)
}

// logStepDecisions writes the decision record of each sharing step of a
// batch, as the step alone would have its own: the batch's request ids,
// the step's index (never its id or url, which the caller wrote), and
// Graph's request-id of the step when it answered one.
func (h *Handler) logStepDecisions(ctx context.Context, x *exchange) {
	for i := range x.batch.Steps {
		st := &x.batch.Steps[i]
		if !st.Route.Action.Shares() {
			continue
		}
		sx := exchange{action: st.Route.Action, version: x.batch.Version, requestID: x.requestID,
			clientRequestID: x.clientRequestID, status: st.Answer.Status}
		sx.pol = policyState{policy: st.Policy, name: st.PolicyName, claims: x.pol.claims, route: &st.Route,
			dryRun: x.pol.dryRun && st.Forward}
		sx.pol.request(&st.Request)
		if st.AnswerChecked {
			sx.pol.answer, sx.pol.answerChecked = st.Checked, true
			sx.pol.findings = st.Findings()
		}
		if st.Err == nil || st.AnswerChecked {
			sx.adjusted = st.Adjusted()
		}
		if st.Err != nil {
			sx.errCode, sx.errTarget = st.Err.Code, st.Err.Target
		}
		graphID := x.requestID
		if st.Upstream {
			sx.attempts, sx.upstreamStatus = st.Sends, st.UpstreamStatus
			if v, ok := st.Answer.Header("request-id"); ok && v != "" {
				graphID = v
			}
		}
		h.writeDecision(ctx, &sx, &st.Route, i, graphID)
	}
}

// writeDecision writes one record; step is the index of a batch step (-1
// for a request alone), graphID Graph's request-id when it answered.
func (h *Handler) writeDecision(ctx context.Context, x *exchange, route *core.Route, step int, graphID string) {
	p := &x.pol
	attrs := make([]slog.Attr, 0, 26)
	attrs = append(attrs,
		slog.String("kind", "decision"),
		slog.Int("v", DecisionVersion),
		slog.String("request_id", x.requestID),
		slog.String("client_request_id", x.clientRequestID),
	)
	if step >= 0 {
		attrs = append(attrs, slog.Int("batch_step", step))
	}
	attrs = append(attrs,
		slog.String("action", x.action.String()),
		slog.String("version", x.version.String()),
		slog.String("tenant", p.claims.TenantID),
		slog.Group("actor", slog.String("oid", p.claims.ObjectID), slog.String("appid", p.claims.AppID), slog.String("claims", "unverified")),
		slog.String("policy", p.name),
	)
	if route != nil {
		s := core.RouteSubject(route)
		if s.DriveID != "" {
			attrs = append(attrs, slog.String("drive_id", safeID(s.DriveID)))
		}
		if s.SiteID != "" {
			attrs = append(attrs, slog.String("site_id", safeID(s.SiteID)))
		}
		ref, id := itemRef(route)
		if ref != "" {
			attrs = append(attrs, slog.String("item_ref", ref))
		}
		if id != "" {
			attrs = append(attrs, slog.String("item_id", id))
		}
		if route.PermissionID != "" {
			attrs = append(attrs, slog.String("permission_id", h.permissionID(route.PermissionID)))
		}
	}
	if p.built {
		attrs = append(attrs, slog.Any("requested", h.terms(&p.requested, true)))
		if x.errTarget == "" || !strings.HasPrefix(x.errTarget, "policy.") || p.answerChecked {
			attrs = append(attrs, slog.Any("applied", h.terms(&p.applied, false)))
		}
	}
	if len(p.answer.Returned) > 0 {
		rs := make([]returnedRecord, 0, len(p.answer.Returned))
		for _, r := range p.answer.Returned {
			rr := returnedRecord{PermissionID: h.permissionID(r.ID), Kind: r.Kind.String(), Type: r.Type, Scope: r.Scope, HasPassword: r.HasPassword}
			if _, err := time.Parse(time.RFC3339Nano, r.Expiration); err == nil {
				rr.Expiry = r.Expiration
			}
			if r.Read {
				rr.Roles = append(rr.Roles, "read")
			}
			if r.Write {
				rr.Roles = append(rr.Roles, "write")
			}
			rs = append(rs, rr)
		}
		attrs = append(attrs, slog.Any("returned", rs))
	}
	rules := ruleRecords(p.findings)
	for i := range rules {
		rules[i].PermissionID = h.permissionID(rules[i].PermissionID)
	}
	attrs = append(attrs, slog.Any("rules", rules))
	if len(x.adjusted) > 0 {
		attrs = append(attrs, slog.Any("adjusted", adjustedRecords(x.adjusted)))
	}
	if x.attempts > 0 {
		attrs = append(attrs, slog.String("graph_request_id", safeID(graphID)), slog.Int("upstream_status", x.upstreamStatus))
	}
	attrs = append(attrs, slog.Int("status", x.status), slog.String("outcome", x.outcome()))
	if x.errCode != "" {
		attrs = append(attrs, slog.String("error_code", safeToken(x.errCode, 64)))
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.AwsRequestID != "" {
		attrs = append(attrs, slog.String("aws_request_id", safeToken(lc.AwsRequestID, 64)))
	}
	h.log.LogAttrs(ctx, slog.LevelInfo, "decision", attrs...)
}

// permissionID is a permission id as a record writes it. SharePoint's
// ids of user grants are the base64 of the grantee's claim
// ("i:0#.f|membership|bob@contoso.com"): an address in all but name. Such
// an id (one that decodes to text holding '@') is written as its keyed
// hash, "hmac:" and 32 hex digits, under SHARELINK_AUDIT_KEY (the same id
// gives the same hash, so records still correlate), or "(redacted)"
// without a key. Other ids are written as safeID writes them.
func (h *Handler) permissionID(s string) string {
	s = safeID(s)
	if !encodesAddress(s) {
		return s
	}
	if len(h.cfg.AuditKey) == 0 {
		return "(redacted)"
	}
	m := hmac.New(sha256.New, h.cfg.AuditKey)
	m.Write([]byte("permission:" + s))
	return "hmac:" + hex.EncodeToString(m.Sum(nil))[:32]
}

// encodesAddress says whether s is base64 (either alphabet, padded or
// not) of bytes holding '@'.
func encodesAddress(s string) bool {
	t := strings.TrimRight(s, "=")
	for _, enc := range [...]*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(t); err == nil && bytes.IndexByte(b, '@') >= 0 {
			return true
		}
	}
	return false
}

// safeID keeps an id Graph or a route gave when it is made of the
// characters Graph's ids use (drive ids hold '!'); else a placeholder.
func safeID(s string) string { return core.SafeID(s) }

func ruleRecords(fs []core.Finding) []ruleRecord {
	rules := make([]ruleRecord, 0, len(fs))
	for _, f := range fs {
		rules = append(rules, ruleRecord{Rule: f.Rule.Target(), Stage: f.Stage.String(), Mode: f.Mode.String(),
			Effect: f.Effect.String(), PermissionID: safeID(f.Permission)})
	}
	return rules
}

func adjustedRecords(as []core.Adjustment) []adjustedRecord {
	adj := make([]adjustedRecord, 0, len(as))
	for _, a := range as {
		by := a.By
		if by == "" {
			by = "policy"
		}
		adj = append(adj, adjustedRecord{Property: a.Property, Rule: a.Rule, By: by, From: a.From, To: a.To})
	}
	return adj
}
