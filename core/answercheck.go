package core

import (
	"time"

	"github.com/tidwall/gjson"
)

// Checking Graph's answer: an existing link returned with 200 may predate
// the policy, and Graph clamps expiries and defaults scopes silently. The
// action table says which rules an action's answer is held to (its row's
// checks); CheckAnswer applies them to the shaped permissions, so an
// action added to the table (invite, permission update) plugs in by
// naming its checks.

// answerChecks are the rule groups an action's answer is held to.
type answerChecks uint8

const (
	// checkLink: the answer's link (entry 0) against the type, scope,
	// expiry and anonymous rules, and Graph's changes to the terms sent
	// (type, scope, expiry) reported as adjustments by Graph.
	checkLink answerChecks = 1 << iota
	// checkRoles: every permission's roles against allowedRoles.
	checkRoles
	// checkDomains: every address Graph names (grantedToV2,
	// grantedToIdentitiesV2, invitation) against allowedRecipientDomains.
	checkDomains
)

// maxReturned bounds the permissions an Answer describes.
const maxReturned = 20

// Returned is one permission of Graph's answer, as the policy reads it:
// ids and enums, never a URL, a name or an address.
type Returned struct {
	ID          string
	Kind        PermissionKind
	Type        string // the link's type when it is one of LinkType's names, "other" for another, "" for none
	Scope       string // the link's scope: anonymous, organization, users, existingAccess, "other", ""
	Expiration  string // RFC 3339 as shaped; "" for none
	HasPassword bool
	Read, Write bool
}

// Answer is what CheckAnswer found: the permissions, Graph's own changes
// to the terms sent, and the rules that fired on the answer.
type Answer struct {
	Returned []Returned
	Adjusted []Adjustment // By AdjustedByGraph
	Findings []Finding
}

// CheckAnswer holds Graph's shaped answer to the route's action against
// the policy in ctx (nil: only Graph's changes are reported), given the
// request that was sent (Build's). An enforced rule whose answer action
// is refuse makes it return a 403 accessDenied naming the rule (target
// "policy.<rule>") and, in its message, the id of the permission Graph
// returned: the permission exists in Graph, and the caller can remove it.
// The Answer is returned either way, for the decision record.
func CheckAnswer(r *Route, req *Request, sh *Shaped, ctx *Context) (Answer, error) {
	a, err := checkAnswer(r.Action, req, sh, ctx)
	if err != nil {
		return a, err
	}
	return a, nil
}

// failedEntry says whether e is a recipient that failed in invite's 207
// answer ({"roles",…,"error":{…}}): no permission, nothing Graph made.
func failedEntry(e []byte) bool { return gjson.GetBytes(e, "error").Exists() }

func checkAnswer(act Action, req *Request, sh *Shaped, ctx *Context) (Answer, *Error) {
	checks := act.row().checks
	var a Answer
	n := len(sh.Kinds)
	for i := 0; i < n && len(a.Returned) < maxReturned; i++ {
		if e := sh.Entry(i); !failedEntry(e) {
			a.Returned = append(a.Returned, returned(e, sh.Kinds[i]))
		}
	}
	if checks == 0 || n == 0 {
		return a, nil
	}
	update := act == ActionUpdatePermission
	if checks&checkLink != 0 && len(a.Returned) > 0 {
		if update {
			// A PATCH names no type or scope: only an expiry it sent (or
			// removed) can have been changed by Graph.
			a.Adjusted = graphExpiryAdjustment(&req.Applied, &a.Returned[0])
		} else {
			a.Adjusted = graphAdjustments(&req.Applied, &a.Returned[0])
		}
	}
	p := ctx.Policy
	if p == nil {
		return a, nil
	}
	k := checker{p: p, stage: StageAnswer}
	for i := 0; i < n; i++ {
		e := sh.Entry(i)
		if failedEntry(e) {
			continue // a recipient Graph did not share with: nothing to hold
		}
		k.perm = gjson.GetBytes(e, "id").Str
		// The link rules hold the answer's link: createLink's always is
		// one; a PATCH may update a user grant or an invitation.
		isLink := !update || gjson.GetBytes(e, "link").Exists()
		if checks&checkLink != 0 && i == 0 && isLink && k.link(e, ctx.Now) {
			break
		}
		if gjson.GetBytes(e, "link.scope").Str == "existingAccess" {
			continue // grant's marker of the item's own URL: no permission of its own
		}
		if checks&checkRoles != 0 && k.answerRoles(e) {
			break
		}
		if checks&checkDomains != 0 && k.answerDomains(e) {
			break
		}
	}
	a.Findings = k.findings
	if k.err != nil {
		return a, k.err
	}
	return a, nil
}

func returned(e []byte, kind PermissionKind) Returned {
	v := gjson.ParseBytes(e)
	r := Returned{ID: v.Get("id").Str, Kind: kind, Expiration: v.Get("expirationDateTime").Str,
		HasPassword: v.Get("hasPassword").Type == gjson.True}
	if l := v.Get("link"); l.Exists() {
		r.Type = knownOr(l.Get("type"), linkTypeNames[1:])
		r.Scope = knownOr(l.Get("scope"), append(linkScopeNames[1:len(linkScopeNames):len(linkScopeNames)], "existingAccess"))
	}
	v.Get("roles").ForEach(func(_, x gjson.Result) bool {
		r.Read = r.Read || x.Str == "read"
		r.Write = r.Write || x.Str == "write"
		return true
	})
	return r
}

// knownOr is v's string when names holds it, "other" for another value,
// "" for none: Graph's text reaches no record unless it is a known word.
func knownOr(v gjson.Result, names []string) string {
	if !v.Exists() {
		return ""
	}
	for _, n := range names {
		if v.Type == gjson.String && v.Str == n {
			return n
		}
	}
	return "other"
}

// graphAdjustments are the differences between the terms sent and the
// link Graph returned: a type or scope Graph chose (none was sent, or
// another), an expiry Graph shortened, set or dropped.
func graphAdjustments(sent *Terms, got *Returned) []Adjustment {
	var adj []Adjustment
	if got.Type != "" && got.Type != sent.Type.String() {
		adj = append(adj, graphAdjustment("type", enumOrEmpty(sent.Type.String(), sent.Type != 0), got.Type))
	}
	if got.Scope != "" && got.Scope != sent.Scope.String() {
		adj = append(adj, graphAdjustment("scope", enumOrEmpty(sent.Scope.String(), sent.Scope != 0), got.Scope))
	}
	from := ""
	if !sent.Expiration.IsZero() {
		from = sent.Expiration.UTC().Format(time.RFC3339)
	}
	to := got.Expiration
	if t, err := time.Parse(time.RFC3339Nano, to); err == nil {
		to = t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	switch {
	case from == to:
	case to == "":
		adj = append(adj, graphAdjustment("expirationDateTime", from, "none"))
	default:
		adj = append(adj, graphAdjustment("expirationDateTime", from, to))
	}
	return adj
}

// graphExpiryAdjustment is Graph's change to the expiry a permission
// update sent: shortened (a tenant's maximum), set where the update
// removed it (From "none"), or dropped. An update that sent no expiry
// changed none.
func graphExpiryAdjustment(sent *Terms, got *Returned) []Adjustment {
	if sent.Expiration.IsZero() && !sent.ExpiryRemoved {
		return nil
	}
	from := "none"
	if !sent.Expiration.IsZero() {
		from = sent.Expiration.UTC().Format(time.RFC3339)
	}
	to := got.Expiration
	if t, err := time.Parse(time.RFC3339Nano, to); err == nil {
		to = t.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	if to == "" {
		to = "none"
	}
	if from == to {
		return nil
	}
	return []Adjustment{graphAdjustment("expirationDateTime", from, to)}
}

func enumOrEmpty(s string, ok bool) string {
	if ok {
		return s
	}
	return ""
}

func graphAdjustment(prop, from, to string) Adjustment {
	return Adjustment{Property: prop, From: from, To: to, By: AdjustedByGraph}
}

// link holds the answer's link to the link rules; true when it refused.
func (k *checker) link(e []byte, now time.Time) bool {
	p := k.p
	v := gjson.ParseBytes(e)
	typ, scope := v.Get("link.type"), v.Get("link.scope").Str
	if len(p.AllowedTypes) > 0 {
		t := LinkType(enumIndex(linkTypeNames[:], typ.Str))
		if (typ.Type != gjson.String || !containsEnum(p.AllowedTypes, t)) && k.refuse(RuleAllowedTypes, "a '"+knownOr(typ, linkTypeNames[1:])+"' link") {
			return true
		}
	}
	anonymous := scope == ScopeAnonymous.String()
	if p.DenyAnonymous && anonymous && k.refuse(RuleDenyAnonymous, "an anonymous link") {
		return true
	}
	if len(p.AllowedScopes) > 0 {
		s := LinkScope(enumIndex(linkScopeNames[:], scope))
		if !containsEnum(p.AllowedScopes, s) && k.refuse(RuleAllowedScopes, "a '"+knownOr(v.Get("link.scope"), linkScopeNames[1:])+"' link") {
			return true
		}
	}
	exp := v.Get("expirationDateTime").Str
	if p.MaxExpiry > 0 && exp != "" {
		t, err := time.Parse(time.RFC3339Nano, exp)
		if (err != nil || t.After(expiryLimit(p, now))) && k.refuse(RuleMaxExpiryDays, "a link expiring more than "+days(p.MaxExpiry)+" days ahead") {
			return true
		}
	}
	if anonymous {
		if p.AnonymousRequirePassword && v.Get("hasPassword").Type != gjson.True && k.refuse(RuleAnonymousRequirePassword, "an anonymous link without a password") {
			return true
		}
		if p.AnonymousRequireExpiry && exp == "" && k.refuse(RuleAnonymousRequireExpiry, "an anonymous link without an expiry") {
			return true
		}
	}
	return false
}

// answerRoles holds a permission's roles to allowedRoles; true when it
// refused.
func (k *checker) answerRoles(e []byte) bool {
	if len(k.p.AllowedRoles) == 0 {
		return false
	}
	var read, write bool
	gjson.GetBytes(e, "roles").ForEach(func(_, x gjson.Result) bool {
		read = read || x.Str == "read"
		write = write || x.Str == "write"
		return true
	})
	return k.roles(read, write)
}

// answerDomains holds the addresses a permission names to
// allowedRecipientDomains; true when it refused. Identities without an
// address (Graph often gives only an id and a name) are not judged.
func (k *checker) answerDomains(e []byte) bool {
	if len(k.p.AllowedRecipientDomains) == 0 {
		return false
	}
	v := gjson.ParseBytes(e)
	emails := []gjson.Result{v.Get("grantedToV2.user.email"), v.Get("invitation.email")}
	v.Get("grantedToIdentitiesV2").ForEach(func(_, x gjson.Result) bool {
		emails = append(emails, x.Get("user.email"))
		return true
	})
	for _, m := range emails {
		if m.Type != gjson.String || m.Str == "" {
			continue
		}
		at := -1
		for i := len(m.Str) - 1; i >= 0; i-- {
			if m.Str[i] == '@' {
				at = i
				break
			}
		}
		if !k.p.domainAllowed(m.Str[at+1:]) && k.refuse(RuleAllowedRecipientDomains, "a recipient whose domain the policy does not list") {
			return true
		}
	}
	return false
}
