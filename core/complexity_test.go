package core

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/internal/jsontext"
)

// The tests here count work, not time: the key comparisons of every
// duplicate check (and member visits where there is none), for a body of
// n keys and one of 4n. Linear reading costs about 4 times as much for
// the second; comparing each key with all the earlier ones cost 16 times.

// manyMembers writes n members "prefix0":0,"prefix1":1,…
func manyMembers(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s%d":%d`, prefix, i, i)
	}
	return b.String()
}

// growth runs work for n and 4n and fails when the second costs more
// than 5 times the first.
func growth(t *testing.T, name string, n int, work func(n int) int) {
	t.Helper()
	w1, w4 := work(n), work(4*n)
	t.Logf("%s: work %d for n=%d, %d for 4n (×%.2f)", name, w1, n, w4, float64(w4)/float64(max(w1, 1)))
	if w1 <= 0 || w4 > 5*w1 {
		t.Errorf("%s: work %d for n=%d, %d for 4n: not linear", name, w1, n, w4)
	}
}

// refused checks err is a 400 invalidRequest naming target.
func refused(t *testing.T, err *Error, target string) {
	t.Helper()
	if err == nil || err.Status != 400 || err.Code != CodeInvalidRequest || err.Target != target {
		t.Fatalf("got %+v, want 400 invalidRequest target %q", err, target)
	}
}

func TestRequestBodiesGrowLinearly(t *testing.T) {
	const n = 5000
	ctx := &Context{Now: testNow}
	for _, c := range []struct {
		name, target string
		body         func(n int) string
		parse        func(w walker, body []byte) *Error
	}{
		{"createLink, @odata keys", "body",
			func(n int) string { return `{"type":"view",` + manyMembers("@odata.k", n) + `}` },
			func(w walker, b []byte) *Error { _, err := w.createLink(V1, b, ctx); return err }},
		{"createLink beta, null properties then keys", "body",
			func(n int) string {
				return `{"type":null,"scope":null,` + manyMembers("@odata.k", n) + `,"type":"view"}`
			},
			func(w walker, b []byte) *Error { _, err := w.createLink(Beta, b, ctx); return err }},
		{"createLink, recipients[2]", "recipients[2]",
			func(n int) string {
				return `{"type":"view","scope":"users","recipients":[{"email":"a@contoso.com"},{"alias":"b"},{` + manyMembers("@odata.r", n) + `}]}`
			},
			func(w walker, b []byte) *Error { _, err := w.createLink(V1, b, ctx); return err }},
		{"grant, @odata keys", "body",
			func(n int) string { return `{"roles":["read"],` + manyMembers("@odata.g", n) + `}` },
			func(w walker, b []byte) *Error { _, err := w.grant(b); return err }},
		{"grant, recipients[0]", "recipients[0]",
			func(n int) string { return `{"recipients":[{` + manyMembers("@odata.r", n) + `}],"roles":["read"]}` },
			func(w walker, b []byte) *Error { _, err := w.grant(b); return err }},
		{"policy, unknown rules", "policy.x0",
			func(n int) string { return `{` + manyMembers("x", n) + `}` },
			func(w walker, b []byte) *Error { _, err := w.policy(b); return err }},
		{"policy, anonymous", "policy.anonymous.@odata.a0",
			func(n int) string { return `{"denyAnonymous":false,"anonymous":{` + manyMembers("@odata.a", n) + `}}` },
			func(w walker, b []byte) *Error { _, err := w.policy(b); return err }},
	} {
		growth(t, c.name, n, func(n int) int {
			work := 0
			refused(t, c.parse(walker{work: &work}, []byte(c.body(n))), c.target)
			return work + 1 // the bound makes it constant: never 0 below
		})
	}
}

func TestPolicyArraysGrowLinearly(t *testing.T) {
	growth(t, "policy, allowedRecipientDomains", 2000, func(n int) int {
		var b strings.Builder
		b.WriteString(`{"allowedRecipientDomains":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"d%d.contoso.com"`, i)
		}
		b.WriteString(`]}`)
		p, err := parsePolicy([]byte(b.String()))
		if err != nil || len(p.AllowedRecipientDomains) != n {
			t.Fatalf("%v", err)
		}
		// No duplicate check reads the array: the work is the array.
		return len(p.AllowedRecipientDomains)
	})
}

// shapeCounting shapes body with sh.work and sh.ix.Work counting.
func shapeCounting(body []byte) (Shaped, *Error, int) {
	work := 0
	sh := permShaper{index: -1}
	sh.ix.Work = &work
	s, err := sh.shape(200, body)
	return s, err, work
}

func TestShapingGrowsLinearly(t *testing.T) {
	const n = 5000
	// A permission of n unknown members, a link of n, n distinct roles
	// and an unknown object member of n keys: all kept.
	body := func(n int) []byte {
		var roles []string
		for i := range n {
			roles = append(roles, fmt.Sprintf(`"r%d"`, i))
		}
		return []byte(`{"id":"1","roles":[` + strings.Join(roles, ",") + `,"r0"],"link":{"type":"view",` + manyMembers("x", n) +
			`},` + manyMembers("u", n) + `,"facet":{` + manyMembers("f", n) + `}}`)
	}
	growth(t, "ShapePermission, many unknown members", n, func(n int) int {
		s, err, work := shapeCounting(body(n))
		if err != nil {
			t.Fatal(err)
		}
		// encoding/json reads the output: every member is there once,
		// the repeated role dropped.
		var got struct {
			Roles []string                   `json:"roles"`
			Link  map[string]json.RawMessage `json:"link"`
			Facet map[string]json.RawMessage `json:"facet"`
		}
		var all map[string]json.RawMessage
		if json.Unmarshal(s.Body, &got) != nil || json.Unmarshal(s.Body, &all) != nil {
			t.Fatalf("output is not JSON")
		}
		if len(got.Roles) != n || len(got.Link) != n+1 || len(got.Facet) != n || len(all) != n+4 {
			t.Fatalf("roles %d, link %d, facet %d, members %d", len(got.Roles), len(got.Link), len(got.Facet), len(all))
		}
		return work
	})
	// A repeat after n keys is found, at each level, and named.
	for _, c := range []struct {
		name, body, target string
	}{
		{"top", `{"id":"1",` + manyMembers("u", n) + `,"u7":0}`, "u7"},
		{"link", `{"link":{` + manyMembers("x", n) + `,"x9":0}}`, "link.x9"},
		{"unknown object", `{"facet":{` + manyMembers("f", n) + `,"f3":0}}`, "facet"},
		{"collection entry", `{"value":[{"id":"a"},{` + manyMembers("u", n) + `,"u1":0}]}`, "value[1].u1"},
	} {
		_, err, _ := shapeCounting([]byte(c.body))
		if err == nil || err.Status != 502 || err.Target != c.target {
			t.Errorf("%s: %+v, want 502 target %q", c.name, err, c.target)
		}
	}
}

func TestUpstreamErrorGrowsLinearly(t *testing.T) {
	growth(t, "ParseUpstreamError, many members", 5000, func(n int) int {
		body := []byte(`{"error":{"code":"accessDenied","message":"no",` + manyMembers("k", n) +
			`,"innerError":{` + manyMembers("j", n) + `,"code":"inner","innererror":{` + manyMembers("i", n) + `,"code":"deep"}}}}`)
		work := 0
		var ix jsontext.Index
		ix.Work = &work
		var u UpstreamError
		if why := u.readIndexed(body, &ix); why != "" || u.Code != "accessDenied" || strings.Join(u.InnerCodes, ",") != "inner,deep" {
			t.Fatalf("%q %+v", why, u)
		}
		return work
	})
}

// The bound refuses a request body of many members whatever its size:
// allocations do not grow with it.
func TestManyMembersAllocateAlike(t *testing.T) {
	ctx := &Context{Now: testNow}
	allocs := func(n int) float64 {
		body := []byte(`{"type":"view",` + manyMembers("@odata.k", n) + `}`)
		return testing.AllocsPerRun(5, func() { _, _ = parseCreateLink(V1, body, ctx) })
	}
	if a1, a4 := allocs(10000), allocs(40000); a4 > a1 {
		t.Errorf("allocations %v for n, %v for 4n", a1, a4)
	}
}

func TestMemberBound(t *testing.T) {
	ctx := &Context{Now: testNow}
	at := func(n int) string { return manyMembers("@odata.k", n) }
	for _, c := range []struct {
		name, body, target string
		grant              bool
	}{
		{"64 members pass", `{"type":"view",` + at(63) + `}`, "", false},
		{"65 members", `{"type":"view",` + at(64) + `}`, "body", false},
		{"recipient of 65", `{"type":"view","scope":"users","recipients":[{"email":"a@contoso.com",` + at(64) + `}]}`, "recipients[0]", false},
		{"recipient of 64", `{"type":"view","scope":"users","recipients":[{"email":"a@contoso.com",` + at(63) + `}]}`, "", false},
		{"grant of 65", `{"recipients":[{"alias":"a"}],"roles":["read"],` + at(63) + `}`, "body", true},
		{"grant recipient of 65", `{"recipients":[{"alias":"a"},{"alias":"b",` + at(64) + `}],"roles":["read"]}`, "recipients[1]", true},
	} {
		var err *Error
		if c.grant {
			_, err = parseGrant([]byte(c.body))
		} else {
			_, err = parseCreateLink(V1, []byte(c.body), ctx)
		}
		if c.target == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || err.Status != 400 || err.Target != c.target || !strings.Contains(err.Message, "more than 64 members") {
			t.Errorf("%s: %+v, want 400 target %q", c.name, err, c.target)
		}
	}
	// A policy has no annotations: its 65th distinct key is an unknown
	// rule, refused as such before the bound.
}

// TestDomainCheckDoesNotScanTheList: checking a recipient's domain costs
// the same whatever the length of allowedRecipientDomains (a policy file
// may list many partners; each of a batch's steps checks up to 100
// recipients, in the request and again in Graph's answer).
func TestDomainCheckDoesNotScanTheList(t *testing.T) {
	policy := func(n int) *Policy {
		var b strings.Builder
		b.WriteString(`{"allowedRecipientDomains":[`)
		for i := range n {
			fmt.Fprintf(&b, `"d%d.contoso.com","*.w%d.contoso.com",`, i, i)
		}
		b.WriteString(`"last.example.com"]}`)
		p, err := parsePolicy([]byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	const n = 2000
	small, large := policy(n), policy(4*n)
	for _, c := range []struct {
		domain string
		want   bool
	}{
		{"last.example.com", true}, {"LAST.example.com", true}, {"a.b.w1999.contoso.com", true}, {"w1999.contoso.com", false},
		{"d1999.contoso.com", true}, {"x.d1999.contoso.com", false}, {"example.com", false}, {"evil.com", false},
	} {
		var w1, w4 int
		if got := small.domainAllowedWork(c.domain, &w1); got != c.want {
			t.Errorf("%s: allowed %v under the small list", c.domain, got)
		}
		if got := large.domainAllowedWork(c.domain, &w4); got != c.want {
			t.Errorf("%s: allowed %v under the large list", c.domain, got)
		}
		if w4 > w1+1 || w1 > 16 {
			t.Errorf("%s: %d look-ups for %d domains, %d for %d", c.domain, w1, 2*n+1, w4, 8*n+1)
		}
	}
	// A policy written as a Go value, without ParsePolicy, is checked the same.
	p := &Policy{AllowedRecipientDomains: []string{"contoso.com", "*.fabrikam.com"}}
	for d, want := range map[string]bool{"contoso.com": true, "a.contoso.com": false, "a.fabrikam.com": true, "fabrikam.com": false} {
		if got := p.domainAllowed(d); got != want {
			t.Errorf("hand-written policy, %s: allowed %v", d, got)
		}
	}
}

// TestPolicyEnumListsKeepEachValueOnce: allowedTypes, allowedScopes and
// allowedRoles are checked on every request by a scan; a document that
// repeats a value (10,000 "view") keeps it once, so the scan is as short
// as the enum.
func TestPolicyEnumListsKeepEachValueOnce(t *testing.T) {
	rep := func(v string, n int) string { return strings.TrimSuffix(strings.Repeat(`"`+v+`",`, n), ",") }
	p, err := parsePolicy([]byte(`{"allowedTypes":[` + rep("view", 10000) + `,"edit"],"allowedScopes":[` + rep("users", 10000) + `],"allowedRoles":[` + rep("read", 10000) + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.AllowedTypes) != 2 || len(p.AllowedScopes) != 1 || len(p.AllowedRoles) != 1 {
		t.Fatalf("types %d, scopes %d, roles %d entries", len(p.AllowedTypes), len(p.AllowedScopes), len(p.AllowedRoles))
	}
	if p.AllowedTypes[0] != TypeView || p.AllowedRoles[0] != "read" {
		t.Fatalf("%v %v", p.AllowedTypes, p.AllowedRoles)
	}
}
