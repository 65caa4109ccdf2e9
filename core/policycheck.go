package core

import (
	"strconv"
	"strings"
	"time"
)

// The request rules: a valid request checked against the policy before
// anything goes upstream, each rule in its mode.

// Stage is when a rule fired: on the request, or on Graph's answer.
type Stage uint8

const (
	StageRequest Stage = iota
	StageAnswer
)

var stageNames = [...]string{"request", "answer"}

func (s Stage) String() string { return enumName(stageNames[:], int(s)) }

// Effect is what a rule that fired did.
type Effect uint8

const (
	EffectRefused      Effect = iota // enforce: the request (or the answer) refused, 403
	EffectClamped                    // enforce: the expiry clamped
	EffectRewritten                  // enforce: a value rewritten (retainInheritedPermissions pin-true)
	EffectReported                   // enforce, answer "report": Graph's answer passed, the violation reported
	EffectWouldRefuse                // shadow: would have refused
	EffectWouldClamp                 // shadow: would have clamped
	EffectWouldRewrite               // shadow: would have rewritten
)

var effectNames = [...]string{"refused", "clamped", "rewritten", "reported", "would-refuse", "would-clamp", "would-rewrite"}

func (e Effect) String() string { return enumName(effectNames[:], int(e)) }

// Finding is one rule that fired, in its mode, with its effect. It holds
// no value of the request: a rule, a mode, a stage, an effect and, on the
// answer, the id of the permission Graph returned.
type Finding struct {
	Rule       Rule
	Mode       Mode
	Stage      Stage
	Effect     Effect
	Permission string // StageAnswer: the id of the permission Graph returned
}

// Shadow says whether f is a shadow finding: what would have happened.
func (f *Finding) Shadow() bool { return f.Mode == ModeShadow }

// Terms is what a sharing request asks for, as the policy reads it: the
// requested terms, or the applied ones after the policy. It holds no
// password (only whether there is one) and keeps the recipients for
// their count, domains and keyed hashes (RecipientMACs), never to be
// written out.
type Terms struct {
	Type            LinkType
	Scope           LinkScope
	Expiration      time.Time // zero: none
	ExpiryRemoved   bool      // a permission update's "expirationDateTime": null
	Password        bool
	Read, Write     bool // grant, invite and permission update roles
	RetainInherited Tri
	Recipients      []Recipient // revokeGrants: the grantees
}

// Domains are the recipients' email domains, lower-case, each once, in
// order of appearance; alias and objectId recipients have none.
func (t *Terms) Domains() []string {
	var out []string
	for _, r := range t.Recipients {
		if r.Email == "" {
			continue
		}
		d := strings.ToLower(r.Email[strings.LastIndexByte(r.Email, '@')+1:])
		if !containsEnum(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// Roles are the roles asked for ("read", "write").
func (t *Terms) Roles() []string {
	var out []string
	if t.Read {
		out = append(out, "read")
	}
	if t.Write {
		out = append(out, "write")
	}
	return out
}

func createLinkTerms(c *CreateLink) Terms {
	return Terms{Type: c.Type, Scope: c.Scope, Expiration: c.Expiration, Password: c.Password != "",
		RetainInherited: c.RetainInherited, Recipients: c.Recipients}
}

func inviteTerms(in *Invite) Terms {
	return Terms{Expiration: in.Expiration, Password: in.Password != "", Read: in.Read, Write: in.Write,
		RetainInherited: in.RetainInherited, Recipients: in.Recipients}
}

func updateTerms(u *PermissionUpdate) Terms {
	return Terms{Expiration: u.Expiration, ExpiryRemoved: u.ClearExpiration && u.Expiration.IsZero(),
		Read: u.HasRoles && u.Read, Write: u.HasRoles && u.Write}
}

func revokeTerms(r *RevokeGrants) Terms { return Terms{Recipients: r.Grantees} }

func grantTerms(g *Grant) Terms {
	return Terms{Read: g.Read, Write: g.Write, Recipients: g.Recipients}
}

// checker applies rules in their modes and records what fired.
type checker struct {
	p        *Policy
	stage    Stage
	perm     string // the answer's permission id
	findings []Finding
	err      *Error
}

// refuse reports a violation of r: an enforced rule refuses (and the
// check stops: refuse returns true), a shadow one is recorded as what
// would have happened, an off one is not evaluated at all.
func (k *checker) refuse(r Rule, msg string) bool {
	if k.fired(r) && k.p.ModeOf(r) != ModeEnforce {
		return false // one finding per rule (a shadow domain rule and ten recipients)
	}
	switch k.p.ModeOf(r) {
	case ModeOff:
		return false
	case ModeShadow:
		k.findings = append(k.findings, Finding{Rule: r, Mode: ModeShadow, Stage: k.stage, Effect: EffectWouldRefuse, Permission: k.perm})
		return false
	}
	if k.stage == StageAnswer && k.p.Answers[r] == AnswerReport {
		k.findings = append(k.findings, Finding{Rule: r, Stage: k.stage, Effect: EffectReported, Permission: k.perm})
		return false
	}
	k.findings = append(k.findings, Finding{Rule: r, Stage: k.stage, Effect: EffectRefused, Permission: k.perm})
	if k.stage == StageAnswer {
		k.err = denied(r.Target(), "the organisation's sharing policy does not allow this: Graph answered with permission '"+k.perm+"', "+msg+
			"; the permission exists in Graph: remove or change it (its id is '"+k.perm+"')")
	} else {
		k.err = violation(r.Name(), msg)
	}
	return true
}

func (k *checker) fired(r Rule) bool {
	for _, f := range k.findings {
		if f.Rule == r && f.Permission == k.perm {
			return true
		}
	}
	return false
}

// change reports a change of r (clamp, rewrite): true when it is to be
// made (enforce), false in shadow (recorded) and off.
func (k *checker) change(r Rule, done, would Effect) bool {
	switch k.p.ModeOf(r) {
	case ModeOff:
		return false
	case ModeShadow:
		k.findings = append(k.findings, Finding{Rule: r, Mode: ModeShadow, Stage: k.stage, Effect: would})
		return false
	}
	k.findings = append(k.findings, Finding{Rule: r, Stage: k.stage, Effect: done})
	return true
}

func violation(rule, msg string) *Error {
	return denied("policy."+rule, "the organisation's sharing policy does not allow this: "+msg)
}

// checkCreateLink applies the policy to a valid createLink body, clamping
// the expiry and rewriting retainInheritedPermissions where the policy
// says so and enforces the rule.
func (p *Policy) checkCreateLink(c *CreateLink, now time.Time) ([]Adjustment, []Finding, *Error) {
	k := checker{p: p}
	adj := k.createLink(c, now)
	if k.err != nil {
		return nil, k.findings, k.err
	}
	return adj, k.findings, nil
}

func (k *checker) createLink(c *CreateLink, now time.Time) []Adjustment {
	p := k.p
	if len(p.AllowedTypes) > 0 {
		if c.Type == 0 {
			if k.refuse(RuleAllowedTypes, "a link type must be given") {
				return nil
			}
		} else if !containsEnum(p.AllowedTypes, c.Type) && k.refuse(RuleAllowedTypes, "'"+c.Type.String()+"' links") {
			return nil
		}
	}
	if c.Scope == 0 {
		// The organisation's default scope may be anonymous: the
		// policy can only be checked on an explicit scope.
		if p.RequireScope && k.refuse(RuleRequireScope, "a link scope must be given") {
			return nil
		}
		if len(p.AllowedScopes) > 0 || p.DenyAnonymous {
			if k.refuse(scopeRule(p), "a link scope must be given") {
				return nil
			}
		}
	} else {
		if p.DenyAnonymous && c.Scope == ScopeAnonymous && k.refuse(RuleDenyAnonymous, "anonymous links") {
			return nil
		}
		if len(p.AllowedScopes) > 0 && !containsEnum(p.AllowedScopes, c.Scope) && k.refuse(RuleAllowedScopes, "'"+c.Scope.String()+"' links") {
			return nil
		}
	}
	var adj []Adjustment
	if p.MaxExpiry > 0 && p.ModeOf(RuleMaxExpiryDays) != ModeOff {
		limit := expiryLimit(p, now)
		needs := c.Scope == ScopeAnonymous && p.AnonymousRequireExpiry
		switch {
		case c.Expiration.After(limit) && !p.ClampExpiry:
			if k.refuse(RuleMaxExpiryDays, "an expiry more than "+days(p.MaxExpiry)+" days ahead") {
				return nil
			}
		case c.Expiration.After(limit), c.Expiration.IsZero() && needs && p.ClampExpiry:
			if k.change(RuleMaxExpiryDays, EffectClamped, EffectWouldClamp) {
				a := Adjustment{Property: "expirationDateTime", Rule: RuleMaxExpiryDays.Target(), To: limit.Format(time.RFC3339)}
				if !c.Expiration.IsZero() {
					a.From = c.Expiration.UTC().Format(time.RFC3339)
				}
				c.Expiration = limit
				adj = append(adj, a)
			}
		}
	}
	if c.Scope == ScopeAnonymous {
		if p.AnonymousRequirePassword && c.Password == "" && k.refuse(RuleAnonymousRequirePassword, "anonymous links without a password") {
			return nil
		}
		if p.AnonymousRequireExpiry && c.Expiration.IsZero() && k.refuse(RuleAnonymousRequireExpiry, "anonymous links without an expiry") {
			return nil
		}
	}
	if c.RetainInherited == False {
		switch p.RetainInherited {
		case RetainRefuseFalse:
			if k.refuse(RuleRetainInheritedPermissions, "'retainInheritedPermissions': false (it removes the item's inherited access)") {
				return nil
			}
		case RetainPinTrue:
			if k.change(RuleRetainInheritedPermissions, EffectRewritten, EffectWouldRewrite) {
				c.RetainInherited = True
				adj = append(adj, Adjustment{Property: "retainInheritedPermissions", Rule: RuleRetainInheritedPermissions.Target(), From: "false", To: "true"})
			}
		}
	}
	k.recipients(c.Recipients)
	return adj
}

// expiryLimit is the latest expiry the policy allows from now.
func expiryLimit(p *Policy, now time.Time) time.Time {
	limit := now.Add(p.MaxExpiry).UTC().Truncate(time.Second)
	if last := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC); limit.After(last) {
		limit = last // the latest expiry four year digits write (see parseDateTime)
	}
	return limit
}

func scopeRule(p *Policy) Rule {
	if len(p.AllowedScopes) > 0 {
		return RuleAllowedScopes
	}
	return RuleDenyAnonymous
}

func days(d time.Duration) string { return strconv.Itoa(int(d / (24 * time.Hour))) }

// checkGrant applies the recipient and role rules to a valid grant.
func (p *Policy) checkGrant(g *Grant) ([]Finding, *Error) {
	return p.checkAccess(g.Recipients, g.Read, g.Write)
}

// checkAccess applies the recipient and role rules to what grant, invite
// and a permission update give: recipients (none for an update) and the
// roles read and write.
func (p *Policy) checkAccess(rs []Recipient, read, write bool) ([]Finding, *Error) {
	k := checker{p: p}
	if k.recipients(rs) {
		return k.findings, k.err
	}
	k.roles(read, write)
	return k.findings, k.err
}

// roles applies allowedRoles; true when it refused.
func (k *checker) roles(read, write bool) bool {
	if len(k.p.AllowedRoles) == 0 {
		return false
	}
	if read && !containsEnum(k.p.AllowedRoles, "read") && k.refuse(RuleAllowedRoles, "the role 'read'") {
		return true
	}
	return write && !containsEnum(k.p.AllowedRoles, "write") && k.refuse(RuleAllowedRoles, "the role 'write'")
}

// recipients applies the recipient rules to createLink and grant; true
// when it refused. Only an email has a domain: with a domain list, alias
// and objectId recipients cannot be checked and are refused.
func (k *checker) recipients(rs []Recipient) bool {
	p := k.p
	if p.MaxRecipients > 0 && len(rs) > p.MaxRecipients && k.refuse(RuleMaxRecipients, "more than "+strconv.Itoa(p.MaxRecipients)+" recipients") {
		return true
	}
	if len(p.AllowedRecipientDomains) == 0 {
		return false
	}
	for i, r := range rs {
		if r.Email == "" {
			if k.refuse(RuleAllowedRecipientDomains, "recipient "+strconv.Itoa(i)+" has no email address whose domain could be checked") {
				return true
			}
			continue
		}
		if !p.domainAllowed(r.Email[strings.LastIndexByte(r.Email, '@')+1:]) {
			if k.refuse(RuleAllowedRecipientDomains, "recipient "+strconv.Itoa(i)+"'s domain") {
				return true
			}
		}
	}
	return false
}

// domainAllowed compares a recipient's domain with the list in the one
// form domainKey gives both: a domain without one is never allowed.
func (p *Policy) domainAllowed(domain string) bool { return p.domainAllowedWork(domain, nil) }

// domainAllowedWork is domainAllowed, counting in work (when not nil) the
// entries of the list it compares.
func (p *Policy) domainAllowedWork(domain string, work *int) bool {
	key, problem := domainKey(domain)
	if problem != "" {
		return false
	}
	if ix := p.domains; ix != nil && ix.n == len(p.AllowedRecipientDomains) {
		// The domain itself, then each suffix after a dot ("b.c" and "c"
		// of "a.b.c"): "*.b.c" admits "a.b.c", never "b.c" itself.
		count := func() {
			if work != nil {
				*work++
			}
		}
		count()
		if _, ok := ix.exact[key]; ok {
			return true
		}
		for i := 0; i < len(key); i++ {
			if key[i] == '.' && i > 0 {
				count()
				if _, ok := ix.wild[key[i+1:]]; ok {
					return true
				}
			}
		}
		return false
	}
	for _, d := range p.AllowedRecipientDomains {
		if work != nil {
			*work++
		}
		if sub, ok := strings.CutPrefix(d, "*."); ok {
			if len(key) > len(sub)+1 && strings.HasSuffix(key, sub) && key[len(key)-len(sub)-1] == '.' {
				return true
			}
			continue
		}
		if key == d {
			return true
		}
	}
	return false
}

// ShadowHeader lists what rules in shadow mode would have done, on any
// answer; ReportedHeader the violations in Graph's answer that rules with
// "answer": "report" let through, on a success (FormatFindings writes
// both). A batch step's answer carries them as a request alone does.
const (
	ShadowHeader   = "sharelink-shadow"
	ReportedHeader = "sharelink-reported"
)

// FormatFindings writes the shadow findings of fs (shadow), or the
// reported ones, as ShadowHeader and ReportedHeader write them: one entry
// per finding, comma-separated, the permission id when the finding is on
// Graph's answer (an id of other characters than Graph's ids use is
// written "(redacted)"):
//
//	policy.denyAnonymous=would-refuse;stage=request, policy.allowedRoles=would-refuse;stage=answer;permission=9d8c…
func FormatFindings(fs []Finding, shadow bool) string {
	var b strings.Builder
	for i := range fs {
		f := &fs[i]
		if f.Shadow() != shadow || !shadow && f.Effect != EffectReported {
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
			// ',' parts the header's entries and ';' an entry's fields: an
			// id holding either would read as more entries than fired.
			id := SafeID(f.Permission)
			if strings.ContainsAny(id, ",;") {
				id = "(redacted)"
			}
			b.WriteString(";permission=")
			b.WriteString(id)
		}
	}
	return b.String()
}

// SafeID is s when it is made of the characters Graph's ids use (letters,
// digits, "-_.=!,"; drive ids hold '!') and at most 128 bytes; else the
// placeholder "(redacted)". Headers and logs write Graph's ids through it.
func SafeID(s string) string {
	if len(s) > 128 {
		return "(redacted)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.=!,", c) >= 0) {
			return "(redacted)"
		}
	}
	return s
}
