package core

import (
	"strconv"
	"strings"
	"time"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Policy is an organisation's sharing rules, checked after validation and
// before anything goes upstream, and again on Graph's answer. The zero
// Policy allows everything Graph allows. Its JSON form (docs/policy.md
// describes every key):
//
//	{
//	  "allowedTypes": ["view", "edit"],
//	  "allowedScopes": ["organization", "users"],
//	  "denyAnonymous": true,
//	  "requireScope": true,
//	  "maxExpiryDays": 30,
//	  "expiryAction": "reject" | "clamp",
//	  "anonymous": {"requirePassword": true, "requireExpiry": true},
//	  "allowedRecipientDomains": ["contoso.com", "*.contoso.com"],
//	  "maxRecipients": 10,
//	  "allowedRoles": ["read"],
//	  "retainInheritedPermissions": "refuse-false" | "pin-true",
//	  "mode": "enforce" | "shadow" | "off",
//	  "modes": {"maxExpiryDays": "enforce"},
//	  "answer": "refuse" | "report",
//	  "answers": {"anonymous.requirePassword": "report"}
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
//
// Each rule has a Mode: "mode" sets it for every rule, "modes" per rule
// (the rule's name as "modes" spells it is its Rule's Name). A rule in
// shadow is evaluated and reported as a Finding, and changes nothing.
// "answer" and "answers" say what a violation found in Graph's answer
// does (CheckAnswer): refuse (403, the default) or report.
type Policy struct {
	AllowedTypes             []LinkType  // empty: all
	AllowedScopes            []LinkScope // empty: all
	DenyAnonymous            bool
	RequireScope             bool          // a createLink must name its scope
	MaxExpiry                time.Duration // 0: no maximum
	ClampExpiry              bool          // past MaxExpiry: clamp instead of reject
	AnonymousRequirePassword bool
	AnonymousRequireExpiry   bool
	AllowedRecipientDomains  []string // as domainKey writes them (lower-case ASCII, A-labels); "*.example.com" admits subdomains
	MaxRecipients            int      // 0: core's own bound
	AllowedRoles             []string // "read", "write"; empty: both
	RetainInherited          RetainRule
	// Modes holds each rule's mode, indexed by Rule; the zero value
	// enforces every rule.
	Modes [RuleCount]Mode
	// Answers holds what each rule does with a violation in Graph's
	// answer, indexed by Rule; the zero value refuses.
	Answers [RuleCount]AnswerAction

	// domains indexes AllowedRecipientDomains (ParsePolicy builds it), so
	// that a recipient's check costs the labels of its domain, not the
	// length of the list; a Policy written by hand is scanned instead.
	domains *domainIndex
}

// domainIndex is a list of allowed domains as sets: the exact domains,
// and the suffixes "*.example.com" admits (without "*."). n is the length
// of the list it was built from: a list changed since is scanned.
type domainIndex struct {
	exact, wild map[string]struct{}
	n           int
}

func newDomainIndex(list []string) *domainIndex {
	ix := &domainIndex{exact: make(map[string]struct{}), wild: make(map[string]struct{}), n: len(list)}
	for _, d := range list {
		if sub, ok := strings.CutPrefix(d, "*."); ok {
			ix.wild[sub] = struct{}{}
		} else {
			ix.exact[d] = struct{}{}
		}
	}
	return ix
}

// RetainRule is the policy's "retainInheritedPermissions".
type RetainRule uint8

const (
	RetainAny         RetainRule = iota // the caller's value is sent as given
	RetainRefuseFalse                   // "refuse-false": a request sending false is refused
	RetainPinTrue                       // "pin-true": false is rewritten to true, and reported
)

// Mode is how a rule applies.
type Mode uint8

const (
	ModeEnforce Mode = iota // refuse, clamp or rewrite (the default)
	ModeShadow              // evaluate and report what would have happened; change nothing
	ModeOff                 // not evaluated
)

var modeNames = [...]string{"enforce", "shadow", "off"}

func (m Mode) String() string { return enumName(modeNames[:], int(m)) }

// AnswerAction is what an enforced rule does when Graph's answer breaks it.
type AnswerAction uint8

const (
	AnswerRefuse AnswerAction = iota // 403 naming the rule and the permission id (the default)
	AnswerReport                     // pass the answer, and report the violation
)

var answerActionNames = [...]string{"refuse", "report"}

func (a AnswerAction) String() string { return enumName(answerActionNames[:], int(a)) }

// Rule is one rule of a Policy.
type Rule uint8

const (
	RuleAllowedTypes Rule = iota
	RuleAllowedScopes
	RuleDenyAnonymous
	RuleRequireScope
	RuleMaxExpiryDays
	RuleAnonymousRequirePassword
	RuleAnonymousRequireExpiry
	RuleAllowedRecipientDomains
	RuleMaxRecipients
	RuleAllowedRoles
	RuleRetainInheritedPermissions
	RuleCount // the number of rules
)

var ruleNames = [RuleCount]string{"allowedTypes", "allowedScopes", "denyAnonymous", "requireScope",
	"maxExpiryDays", "anonymous.requirePassword", "anonymous.requireExpiry",
	"allowedRecipientDomains", "maxRecipients", "allowedRoles", "retainInheritedPermissions"}

// Name is the rule's name in a policy document ("anonymous.requirePassword").
func (r Rule) Name() string {
	if r < RuleCount {
		return ruleNames[r]
	}
	return "unknown"
}

// Target is the rule as errors, findings and adjustments name it:
// "policy." + Name.
func (r Rule) Target() string { return "policy." + r.Name() }

// ModeOf is rule r's mode.
func (p *Policy) ModeOf(r Rule) Mode {
	if p == nil || r >= RuleCount {
		return ModeOff
	}
	return p.Modes[r]
}

// Adjustment reports a change made to a request, by the policy or (By
// "graph") by Graph, which changes some requests silently.
type Adjustment struct {
	Property string // "expirationDateTime", "scope", "type", "retainInheritedPermissions"
	Rule     string // "policy.maxExpiryDays"; empty for Graph's changes
	From, To string // RFC 3339 UTC for an expiry, the value's JSON text otherwise; From is empty when the caller gave none, To is "none" when Graph's answer has none
	By       string // "" (sharelink's policy) or "graph"
}

// AdjustedByGraph is Adjustment.By for a change Graph made.
const AdjustedByGraph = "graph"

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
	if len(b) > maxPolicyBytes {
		return nil, invalid("policy", "the policy document is larger than "+strconv.Itoa(maxPolicyBytes>>10)+" KiB")
	}
	return walker{}.policy(b)
}

// maxPolicyBytes bounds a policy document (a scoped one with hundreds of
// overrides and domain lists is tens of KiB): read once at start, but
// from a file or a variable an operator may have got wrong.
const maxPolicyBytes = 1 << 20

func (w walker) policy(b []byte) (*Policy, *Error) {
	if pr, key := jsontext.Check(b, 3); pr != jsontext.OK {
		e := bodyError(pr, key)
		e.Target = "policy" + dotted(e.Target)
		return nil, e
	}
	w = w.of(b)
	p := &Policy{}
	var err *Error
	var mode Mode
	var answer AnswerAction
	var modes, answers gjson.Result
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
		case "requireScope":
			p.RequireScope, err = boolRule(v, t)
		case "allowedRoles":
			err = eachString(v, t, func(s string) *Error {
				if s != "read" && s != "write" {
					return invalid(t, "'"+segmentForMessage(s)+"' is not one of read, write")
				}
				if !containsEnum(p.AllowedRoles, s) { // each once: the list is scanned per request
					p.AllowedRoles = append(p.AllowedRoles, s)
				}
				return nil
			})
		case "retainInheritedPermissions":
			switch {
			case v.Type == gjson.String && v.Str == "refuse-false":
				p.RetainInherited = RetainRefuseFalse
			case v.Type == gjson.String && v.Str == "pin-true":
				p.RetainInherited = RetainPinTrue
			default:
				err = invalid(t, "'retainInheritedPermissions' must be \"refuse-false\" or \"pin-true\"")
			}
		case "mode":
			var m int
			if m, err = enumRule(v, t, modeNames[:]); err == nil {
				mode = Mode(m)
			}
		case "answer":
			var a int
			if a, err = enumRule(v, t, answerActionNames[:]); err == nil {
				answer = AnswerAction(a)
			}
		case "modes":
			modes = v
		case "answers":
			answers = v
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
	for r := range p.Modes {
		p.Modes[r], p.Answers[r] = mode, answer
	}
	if modes.Exists() {
		if err := w.perRule(modes, "modes", modeNames[:], func(r Rule, i int) { p.Modes[r] = Mode(i) }); err != nil {
			return nil, err
		}
	}
	if answers.Exists() {
		if err := w.perRule(answers, "answers", answerActionNames[:], func(r Rule, i int) { p.Answers[r] = AnswerAction(i) }); err != nil {
			return nil, err
		}
	}
	if len(p.AllowedRecipientDomains) > 0 {
		p.domains = newDomainIndex(p.AllowedRecipientDomains)
	}
	return p, nil
}

// perRule reads "modes" or "answers": an object from rule names to one
// of names.
func (w walker) perRule(v gjson.Result, key string, names []string, set func(Rule, int)) *Error {
	at := "policy." + key
	if !v.IsObject() {
		return invalid(at, "'"+key+"' must be an object from rule names to "+strings.Join(names, ", "))
	}
	var err *Error
	dup, werr := w.members(v, at, func(k string) string { return at + "." + segmentForMessage(k) }, func(k string, v gjson.Result) bool {
		r := ruleNamed(k)
		if r == RuleCount {
			err = invalid(at+"."+segmentForMessage(k), "'"+segmentForMessage(k)+"' is not a policy rule")
			return false
		}
		var i int
		if i, err = enumRule(v, at+"."+k, names); err == nil {
			set(r, i)
		}
		return err == nil
	})
	if werr != nil {
		return werr
	}
	if dup != "" {
		return invalid(at+"."+dup, "the rule '"+dup+"' appears twice")
	}
	return err
}

func ruleNamed(k string) Rule {
	for r, n := range ruleNames {
		if n == k {
			return Rule(r)
		}
	}
	return RuleCount
}

// enumRule reads a string that must be one of names; its index.
func enumRule(v gjson.Result, t string, names []string) (int, *Error) {
	if v.Type == gjson.String {
		for i, n := range names {
			if v.Str == n {
				return i, nil
			}
		}
	}
	return 0, invalid(t, "'"+t+"' must be one of "+strings.Join(names, ", "))
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

// eachEnum calls add once per value of names the list holds: a value
// repeated is added once, so the lists the checks scan on every request
// are never longer than names.
func eachEnum(v gjson.Result, t string, names []string, add func(int)) *Error {
	seen := make([]bool, len(names))
	return eachString(v, t, func(s string) *Error {
		i := enumIndex(names, s)
		if i == 0 {
			return invalid(t, "'"+segmentForMessage(s)+"' is not one of "+strings.Join(names[1:], ", "))
		}
		if !seen[i] {
			seen[i] = true
			add(i)
		}
		return nil
	})
}

func containsEnum[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
