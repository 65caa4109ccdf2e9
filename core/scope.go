package core

import (
	"strconv"
	"strings"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Scoped policies: one document, a default and overrides matched by the
// caller's application (the token's appid claim), by drive id and by site
// (hostname, or hostname and site id). The most specific override that
// matches a request is its policy; none: the default. Its JSON form:
//
//	{
//	  "default": {"denyAnonymous": true, "maxExpiryDays": 30},
//	  "overrides": [
//	    {"name": "backup", "match": {"appid": "5e0c8f7a-…"}, "policy": {…}},
//	    {"name": "hr", "match": {"driveId": "b!wuLi…"}, "policy": {…}},
//	    {"match": {"site": "contoso.sharepoint.com,2c7a3f1e-…"}, "policy": {…}},
//	    {"match": {"site": "partners.sharepoint.com", "appid": "…"}, "policy": {…}}
//	  ]
//	}
//
// A document without "default" and "overrides" is a flat policy, the
// default of a set with no overrides (the form ParsePolicy reads). An
// override's policy replaces the default whole: it is read alone, as a
// flat document, so what applies to a request is one document, never a
// merge.
//
// Specificity: each match key has a weight, driveId 8, site with a site
// id 4, site as a hostname alone 2, appid 1; an override's specificity is
// the sum of its keys' weights, and the matching override of the highest
// specificity wins. Every set of keys has its own sum, so two overrides
// that tie would match the same requests with the same keys: two such
// overrides are refused at start, as is an override with no key.
type PolicySet struct {
	Default   *Policy
	Overrides []Override
}

// Override is a policy for the requests its match selects. Empty match
// fields are not compared.
type Override struct {
	Name    string // its name in logs: "name", or "overrides[i]"
	AppID   string // lower-case
	DriveID string
	Host    string // lower-case
	SiteID  string // lower-case; only with Host
	Policy  *Policy
}

// Subject is what a request is matched on: the token's appid claim and
// what its route names (RouteSubject).
type Subject struct {
	AppID, DriveID, Host, SiteID string
}

// DefaultPolicyName is the name PolicySet.For gives the default.
const DefaultPolicyName = "default"

func (o *Override) specificity() int {
	n := 0
	if o.DriveID != "" {
		n += 8
	}
	switch {
	case o.SiteID != "":
		n += 4
	case o.Host != "":
		n += 2
	}
	if o.AppID != "" {
		n++
	}
	return n
}

func (o *Override) matches(s *Subject) bool {
	return (o.AppID == "" || strings.EqualFold(o.AppID, s.AppID)) &&
		(o.DriveID == "" || o.DriveID == s.DriveID) &&
		(o.Host == "" || strings.EqualFold(o.Host, s.Host)) &&
		(o.SiteID == "" || strings.EqualFold(o.SiteID, s.SiteID))
}

// For is the policy of a request and its name ("default", or the
// override's).
func (ps *PolicySet) For(s Subject) (*Policy, string) {
	best := -1
	for i := range ps.Overrides {
		o := &ps.Overrides[i]
		if o.matches(&s) && (best < 0 || o.specificity() > ps.Overrides[best].specificity()) {
			best = i
		}
	}
	if best < 0 {
		return ps.Default, DefaultPolicyName
	}
	return ps.Overrides[best].Policy, ps.Overrides[best].Name
}

// RouteSubject is what a route says about where it shares: the drive id
// of a drives/{id} route, the hostname and site id of a
// sites/{host,site-id,web-id} route. Other forms (me/drive, users/…,
// groups/…, shares/…, a site by path) name neither, and are matched by
// appid and the default alone: drive and site overrides bind only the
// routes that name their drive or site (docs/policy.md).
func RouteSubject(r *Route) Subject {
	var s Subject
	seg := strings.SplitN(r.Item, "/", 3)
	if len(seg) < 2 {
		return s
	}
	id, ok := percentDecode(seg[1])
	if !ok {
		return s
	}
	switch seg[0] {
	case "drives":
		s.DriveID = id
	case "sites":
		s.Host, s.SiteID = splitSiteID(id)
	}
	return s
}

// splitSiteID reads "host,site-id,web-id" (or "host,site-id", or "host");
// anything else (a site by path, "root", a bare name) names no host.
func splitSiteID(id string) (host, site string) {
	h, rest, _ := strings.Cut(id, ",")
	if !strings.Contains(h, ".") || strings.ContainsAny(h, ":/") {
		return "", ""
	}
	site, _, _ = strings.Cut(rest, ",")
	return strings.ToLower(h), strings.ToLower(site)
}

// ParsePolicySet reads a scoped policy document, or a flat policy as the
// default of a set without overrides. Every override is parsed and
// checked here: an error names it ("policy.overrides[2].policy.maxExpiryDays").
func ParsePolicySet(b []byte) (*PolicySet, error) {
	ps, err := walker{}.policySet(b)
	if err != nil {
		return nil, err
	}
	return ps, nil
}

// policySetDepth: overrides[] of {match, policy{modes{}}}.
const policySetDepth = 5

func (w walker) policySet(b []byte) (*PolicySet, *Error) {
	if len(b) > maxPolicyBytes {
		return nil, invalid("policy", "the policy document is larger than "+strconv.Itoa(maxPolicyBytes>>10)+" KiB")
	}
	if pr, key := jsontext.Check(b, policySetDepth); pr != jsontext.OK {
		e := bodyError(pr, key)
		e.Target = "policy" + dotted(e.Target)
		return nil, e
	}
	root := jsontext.Parse(b)
	if !root.IsObject() || !root.Get("default").Exists() && !root.Get("overrides").Exists() {
		p, err := w.policy(b)
		if err != nil {
			return nil, err
		}
		return &PolicySet{Default: p}, nil
	}
	w = w.of(b)
	ps := &PolicySet{Default: &Policy{}}
	var err *Error
	dup, werr := w.members(root, "policy", policyRule, func(k string, v gjson.Result) bool {
		switch k {
		case "default":
			ps.Default, err = subPolicy(w, v, "policy.default")
		case "overrides":
			err = ps.parseOverrides(w, v)
		default:
			err = invalid("policy."+segmentForMessage(k), "'"+segmentForMessage(k)+"' is not a key of a scoped policy (\"default\", \"overrides\"); rules go in \"default\"")
		}
		return err == nil
	})
	switch {
	case werr != nil:
		return nil, werr
	case dup != "":
		return nil, invalid("policy."+dup, "'"+dup+"' appears twice")
	case err != nil:
		return nil, err
	}
	return ps, nil
}

// subPolicy reads a policy inside the set, its errors' targets under at.
func subPolicy(w walker, v gjson.Result, at string) (*Policy, *Error) {
	if !v.IsObject() {
		return nil, invalid(at, "'"+at+"' must be a policy object")
	}
	p, err := w.policy([]byte(v.Raw))
	if err != nil {
		e := *err
		e.Target = at + strings.TrimPrefix(e.Target, "policy")
		if e.Target == at {
			e.Message = at + ": " + e.Message
		}
		return nil, &e
	}
	return p, nil
}

func (ps *PolicySet) parseOverrides(w walker, v gjson.Result) *Error {
	if !v.IsArray() {
		return invalid("policy.overrides", "'overrides' must be an array")
	}
	var err *Error
	i := 0
	v.ForEach(func(_, e gjson.Result) bool {
		at := "policy.overrides[" + strconv.Itoa(i) + "]"
		var o Override
		o, err = parseOverride(w, e, at)
		if err == nil {
			if o.Name == "" {
				o.Name = "overrides[" + strconv.Itoa(i) + "]"
			}
			for j := range ps.Overrides {
				p := &ps.Overrides[j]
				if p.Name == o.Name {
					err = invalid(at+".name", "two overrides are named '"+o.Name+"'")
				} else if strings.EqualFold(p.AppID, o.AppID) && p.DriveID == o.DriveID && p.Host == o.Host && p.SiteID == o.SiteID {
					err = invalid(at+".match", "overrides "+p.Name+" and "+o.Name+" match the same requests")
				}
			}
		}
		if err == nil {
			ps.Overrides = append(ps.Overrides, o)
		}
		i++
		return err == nil && i <= 256
	})
	if err == nil && i > 256 {
		err = invalid("policy.overrides", "more than 256 overrides")
	}
	return err
}

func parseOverride(w walker, v gjson.Result, at string) (Override, *Error) {
	var o Override
	if !v.IsObject() {
		return o, invalid(at, "each override must be an object with \"match\" and \"policy\"")
	}
	var err *Error
	seen := map[string]bool{}
	dup, werr := w.members(v, at, func(k string) string { return at + "." + segmentForMessage(k) }, func(k string, v gjson.Result) bool {
		t := at + "." + k
		seen[k] = true
		switch k {
		case "name":
			if v.Type != gjson.String || !plainName(v.Str) {
				err = invalid(t, "'name' must be 1 to 64 letters, digits, '-', '_' or '.'")
			}
			o.Name = v.Str
		case "match":
			err = o.parseMatch(w, v, t)
		case "policy":
			o.Policy, err = subPolicy(w, v, t)
		default:
			err = invalid(at+"."+segmentForMessage(k), "'"+segmentForMessage(k)+"' is not a key of an override (\"name\", \"match\", \"policy\")")
		}
		return err == nil
	})
	switch {
	case werr != nil:
		return o, werr
	case dup != "":
		return o, invalid(at+"."+dup, "'"+dup+"' appears twice")
	case err != nil:
		return o, err
	case !seen["match"]:
		return o, invalid(at+".match", "the override has no \"match\"")
	case !seen["policy"]:
		return o, invalid(at+".policy", "the override has no \"policy\"")
	}
	return o, nil
}

func (o *Override) parseMatch(w walker, v gjson.Result, at string) *Error {
	if !v.IsObject() {
		return invalid(at, "'match' must be an object of appid, driveId, site")
	}
	var err *Error
	dup, werr := w.members(v, at, func(k string) string { return at + "." + segmentForMessage(k) }, func(k string, v gjson.Result) bool {
		t := at + "." + k
		if v.Type != gjson.String || v.Str == "" || len(v.Str) > maxID || !plainID(v.Str) {
			err = invalid(t, "'"+k+"' must be a non-empty id without '/', '?', '#', '%', spaces or control characters")
			return false
		}
		switch k {
		case "appid":
			o.AppID = strings.ToLower(v.Str)
		case "driveId":
			o.DriveID = v.Str
		case "site":
			o.Host, o.SiteID = splitSiteID(v.Str)
			if o.Host == "" || strings.Count(v.Str, ",") > 1 {
				err = invalid(t, "'site' must be a hostname (contoso.sharepoint.com) or a hostname and a site id (contoso.sharepoint.com,2c7a3f1e-…)")
			}
		default:
			err = invalid(at+"."+segmentForMessage(k), "'"+segmentForMessage(k)+"' is not a match key (appid, driveId, site)")
		}
		return err == nil
	})
	switch {
	case werr != nil:
		return werr
	case dup != "":
		return invalid(at+"."+dup, "'"+dup+"' appears twice")
	case err != nil:
		return err
	case o.AppID == "" && o.DriveID == "" && o.Host == "":
		return invalid(at, "'match' names nothing: give appid, driveId or site")
	}
	return nil
}

func plainName(s string) bool {
	if s == "" || len(s) > 64 || s == DefaultPolicyName {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func plainID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("/?#%\\\"", c) >= 0 {
			return false
		}
	}
	return true
}
