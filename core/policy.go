package core

import (
	"strconv"
	"strings"
	"time"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Policy is an organisation's sharing rules, checked after validation and
// before anything goes upstream. The zero Policy allows everything Graph
// allows. Its JSON form:
//
//	{
//	  "allowedTypes": ["view", "edit"],
//	  "allowedScopes": ["organization", "users"],
//	  "denyAnonymous": true,
//	  "maxExpiryDays": 30,
//	  "expiryAction": "reject" | "clamp",
//	  "anonymous": {"requirePassword": true, "requireExpiry": true},
//	  "allowedRecipientDomains": ["contoso.com", "*.contoso.com"],
//	  "maxRecipients": 10
//	}
//
// Recipient domains are ASCII names (an internationalised domain in its
// xn-- form), compared without ASCII case; a recipient whose domain holds
// any other character is refused as an address (400) before the policy
// compares it.
//
// A violation is a 403 accessDenied whose target names the rule, e.g.
// "policy.allowedTypes". Graph clamps an expiry past the tenant's maximum
// silently; with "expiryAction": "clamp" sharelink clamps too, and reports
// it as an Adjustment.
type Policy struct {
	AllowedTypes             []LinkType  // empty: all
	AllowedScopes            []LinkScope // empty: all
	DenyAnonymous            bool
	MaxExpiry                time.Duration // 0: no maximum
	ClampExpiry              bool          // past MaxExpiry: clamp instead of reject
	AnonymousRequirePassword bool
	AnonymousRequireExpiry   bool
	AllowedRecipientDomains  []string // as domainKey writes them (lower-case ASCII, A-labels); "*.example.com" admits subdomains
	MaxRecipients            int      // 0: core's own bound
}

// Adjustment reports a change the policy made to a request.
type Adjustment struct {
	Property string // "expirationDateTime"
	Rule     string // "policy.maxExpiryDays"
	From, To string // RFC 3339 UTC; From is empty when the caller gave none
}

const maxExpiryDays = 36500

// ParsePolicy reads a policy document strictly: unknown rules, wrong types
// and duplicates are errors naming the rule, so a typo cannot silently
// turn a rule off.
func ParsePolicy(b []byte) (*Policy, error) {
	p, err := parsePolicy(b)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func parsePolicy(b []byte) (*Policy, *Error) {
	return walker{}.policy(b)
}

func (w walker) policy(b []byte) (*Policy, *Error) {
	if pr, key := jsontext.Check(b, 3); pr != jsontext.OK {
		e := bodyError(pr, key)
		e.Target = "policy" + dotted(e.Target)
		return nil, e
	}
	w = w.of(b)
	p := &Policy{}
	var err *Error
	dup, werr := w.members(jsontext.Parse(b), "policy", policyRule, func(k string, v gjson.Result) bool {
		t := "policy." + k
		switch k {
		case "allowedTypes":
			err = eachEnum(v, t, linkTypeNames[:], func(i int) { p.AllowedTypes = append(p.AllowedTypes, LinkType(i)) })
		case "allowedScopes":
			err = eachEnum(v, t, linkScopeNames[:], func(i int) { p.AllowedScopes = append(p.AllowedScopes, LinkScope(i)) })
		case "denyAnonymous":
			p.DenyAnonymous, err = boolRule(v, t)
		case "maxExpiryDays":
			n, e := intRule(v, t, 1, maxExpiryDays)
			p.MaxExpiry, err = time.Duration(n)*24*time.Hour, e
		case "expiryAction":
			switch {
			case v.Type == gjson.String && v.Str == "clamp":
				p.ClampExpiry = true
			case v.Type == gjson.String && v.Str == "reject":
			default:
				err = invalid(t, "'expiryAction' must be \"reject\" or \"clamp\"")
			}
		case "anonymous":
			err = p.parseAnonymous(w, v)
		case "allowedRecipientDomains":
			err = eachString(v, t, func(s string) *Error {
				sub, wild := strings.CutPrefix(s, "*.")
				key, problem := domainKey(sub)
				if problem != "" {
					return invalid(t, "'"+segmentForMessage(s)+"' is not a domain name: "+strings.TrimPrefix(problem, "its domain "))
				}
				if wild {
					key = "*." + key
				}
				p.AllowedRecipientDomains = append(p.AllowedRecipientDomains, key)
				return nil
			})
		case "maxRecipients":
			p.MaxRecipients, err = intRule(v, t, 1, maxRecipients)
		default:
			err = invalid("policy."+segmentForMessage(k), "'"+segmentForMessage(k)+"' is not a policy rule")
		}
		return err == nil
	})
	if werr != nil {
		return nil, werr
	}
	if dup != "" {
		return nil, invalid("policy."+dup, "the rule '"+dup+"' appears twice")
	}
	if err != nil {
		return nil, err
	}
	if p.ClampExpiry && p.MaxExpiry == 0 {
		return nil, invalid("policy.expiryAction", "\"clamp\" needs maxExpiryDays")
	}
	return p, nil
}

// policyRule is the target of the rule k.
func policyRule(k string) string { return "policy." + segmentForMessage(k) }

func dotted(s string) string {
	if s == "" || s == "body" {
		return ""
	}
	return "." + s
}

func (p *Policy) parseAnonymous(w walker, v gjson.Result) *Error {
	if !v.IsObject() {
		return invalid("policy.anonymous", "'anonymous' must be an object")
	}
	var err *Error
	dup, werr := w.members(v, "policy.anonymous", func(k string) string { return "policy.anonymous." + segmentForMessage(k) }, func(k string, v gjson.Result) bool {
		t := "policy.anonymous." + k
		switch k {
		case "requirePassword":
			p.AnonymousRequirePassword, err = boolRule(v, t)
		case "requireExpiry":
			p.AnonymousRequireExpiry, err = boolRule(v, t)
		default:
			err = invalid("policy.anonymous."+segmentForMessage(k), "'"+segmentForMessage(k)+"' is not an anonymous-link rule")
		}
		return err == nil
	})
	if werr != nil {
		return werr
	}
	if dup != "" {
		return invalid("policy.anonymous."+dup, "the rule '"+dup+"' appears twice")
	}
	return err
}

func boolRule(v gjson.Result, t string) (bool, *Error) {
	if v.Type != gjson.True && v.Type != gjson.False {
		return false, invalid(t, "'"+t+"' must be a boolean")
	}
	return v.Type == gjson.True, nil
}

func intRule(v gjson.Result, t string, lo, hi int) (int, *Error) {
	n, err := strconv.Atoi(v.Raw)
	if v.Type != gjson.Number || err != nil || n < lo || n > hi {
		return 0, invalid(t, "'"+t+"' must be a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
	}
	return n, nil
}

func eachString(v gjson.Result, t string, fn func(string) *Error) *Error {
	if !v.IsArray() {
		return invalid(t, "'"+t+"' must be an array of strings")
	}
	var err *Error
	v.ForEach(func(_, e gjson.Result) bool {
		switch {
		case e.Type != gjson.String:
			err = invalid(t, "'"+t+"' must be an array of strings")
		case jsontext.LoneSurrogate(e.Raw):
			err = stringText(e, t)
		default:
			err = fn(e.Str)
		}
		return err == nil
	})
	return err
}

func eachEnum(v gjson.Result, t string, names []string, add func(int)) *Error {
	return eachString(v, t, func(s string) *Error {
		i := enumIndex(names, s)
		if i == 0 {
			return invalid(t, "'"+segmentForMessage(s)+"' is not one of "+strings.Join(names[1:], ", "))
		}
		add(i)
		return nil
	})
}

func violation(rule, msg string) *Error {
	return denied("policy."+rule, "the organisation's sharing policy does not allow this: "+msg)
}

// checkCreateLink applies the policy to a valid createLink body, clamping
// the expiry where the policy says so.
func (p *Policy) checkCreateLink(c *CreateLink, now time.Time) ([]Adjustment, *Error) {
	if len(p.AllowedTypes) > 0 {
		if c.Type == 0 {
			return nil, violation("allowedTypes", "a link type must be given")
		}
		if !containsEnum(p.AllowedTypes, c.Type) {
			return nil, violation("allowedTypes", "'"+c.Type.String()+"' links")
		}
	}
	if len(p.AllowedScopes) > 0 || p.DenyAnonymous {
		if c.Scope == 0 {
			// The organisation's default scope may be anonymous: the
			// policy can only be checked on an explicit scope.
			return nil, violation(scopeRule(p), "a link scope must be given")
		}
		if p.DenyAnonymous && c.Scope == ScopeAnonymous {
			return nil, violation("denyAnonymous", "anonymous links")
		}
		if len(p.AllowedScopes) > 0 && !containsEnum(p.AllowedScopes, c.Scope) {
			return nil, violation("allowedScopes", "'"+c.Scope.String()+"' links")
		}
	}
	var adj []Adjustment
	if p.MaxExpiry > 0 {
		limit := now.Add(p.MaxExpiry).UTC().Truncate(time.Second)
		if last := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC); limit.After(last) {
			limit = last // the latest expiry four year digits write (see parseDateTime)
		}
		needs := c.Scope == ScopeAnonymous && p.AnonymousRequireExpiry
		switch {
		case c.Expiration.After(limit) && !p.ClampExpiry:
			return nil, violation("maxExpiryDays", "an expiry more than "+days(p.MaxExpiry)+" days ahead")
		case c.Expiration.After(limit), c.Expiration.IsZero() && needs && p.ClampExpiry:
			a := Adjustment{Property: "expirationDateTime", Rule: "policy.maxExpiryDays", To: limit.Format(time.RFC3339)}
			if !c.Expiration.IsZero() {
				a.From = c.Expiration.UTC().Format(time.RFC3339)
			}
			c.Expiration = limit
			adj = append(adj, a)
		}
	}
	if c.Scope == ScopeAnonymous {
		if p.AnonymousRequirePassword && c.Password == "" {
			return nil, violation("anonymous.requirePassword", "anonymous links without a password")
		}
		if p.AnonymousRequireExpiry && c.Expiration.IsZero() {
			return nil, violation("anonymous.requireExpiry", "anonymous links without an expiry")
		}
	}
	return adj, p.checkRecipients(c.Recipients)
}

func scopeRule(p *Policy) string {
	if len(p.AllowedScopes) > 0 {
		return "allowedScopes"
	}
	return "denyAnonymous"
}

func days(d time.Duration) string { return strconv.Itoa(int(d / (24 * time.Hour))) }

// checkRecipients applies the recipient rules to createLink and grant.
// Only an email has a domain: with a domain list, alias and objectId
// recipients cannot be checked and are refused.
func (p *Policy) checkRecipients(rs []Recipient) *Error {
	if p.MaxRecipients > 0 && len(rs) > p.MaxRecipients {
		return violation("maxRecipients", "more than "+strconv.Itoa(p.MaxRecipients)+" recipients")
	}
	if len(p.AllowedRecipientDomains) == 0 {
		return nil
	}
	for i, r := range rs {
		if r.Email == "" {
			return violation("allowedRecipientDomains", "recipient "+strconv.Itoa(i)+" has no email address whose domain could be checked")
		}
		if !p.domainAllowed(r.Email[strings.LastIndexByte(r.Email, '@')+1:]) {
			return violation("allowedRecipientDomains", "recipient "+strconv.Itoa(i)+"'s domain")
		}
	}
	return nil
}

// domainAllowed compares a recipient's domain with the list in the one
// form domainKey gives both: a domain without one is never allowed.
func (p *Policy) domainAllowed(domain string) bool {
	key, problem := domainKey(domain)
	if problem != "" {
		return false
	}
	for _, d := range p.AllowedRecipientDomains {
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

func containsEnum[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
