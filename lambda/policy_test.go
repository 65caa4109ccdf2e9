package lambda

import (
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// newPolicyEnv is a handler with the policy document doc in front of a
// graphsim of DemoPolicySeed: the tenant clamps anonymous expiries to 30
// days, defaults the scope to anonymous and returns alice's legacy links
// on Report.docx with 200.
func newPolicyEnv(t *testing.T, doc string, configure ...func(*Config)) *env {
	t.Helper()
	sim := graphsim.New(graphsim.DemoPolicySeed())
	base, closeFn, err := graphsim.Serve(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = closeFn() })
	return newEnvOn(t, sim, base, append([]func(*Config){func(cfg *Config) {
		if doc == "" {
			return
		}
		set, err := core.ParsePolicySet([]byte(doc))
		if err != nil {
			t.Fatalf("policy %s: %v", doc, err)
		}
		cfg.Policy, cfg.Policies = set.Default, set
	}}, configure...)...)
}

var (
	reportLinks = "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	brandLinks  = "/v1.0/sites/" + graphsim.DemoMarketingSiteID + "/drive/items/" + graphsim.DemoBrandID + "/createLink"
	bobToken    = graphsim.DemoToken(graphsim.DemoBobUPN)
)

func days(n int) string {
	return time.Now().UTC().Add(time.Duration(n) * 24 * time.Hour).Format(time.RFC3339)
}

// graphLimit is the expiry DemoPolicySeed's tenant clamps to.
func graphLimit() string {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d+graphsim.DemoPolicyMaxExpiryDays, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

func (e *env) as(token string, r req) *response {
	e.t.Helper()
	if r.headers == nil {
		r.headers = map[string]string{}
	}
	r.headers["authorization"] = "Bearer " + token
	return e.do(r)
}

func wantRefusal(t *testing.T, r *response, rule, permission string) {
	t.Helper()
	if r.StatusCode != 403 || r.errCode() != core.CodeAccessDenied || r.errTarget() != rule {
		t.Fatalf("want 403 %s: %d %s", rule, r.StatusCode, r.Body)
	}
	if permission != "" && !strings.Contains(r.Body, permission) {
		t.Fatalf("the refusal does not name the permission %s: %s", permission, r.Body)
	}
}

// An existing link Graph answers with 200 may predate the policy: the
// answer is checked, and a link that breaks the policy is refused,
// naming the rule and the permission Graph returned.
func TestAnswerRefusesLegacyLinks(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":30,"anonymous":{"requirePassword":true,"requireExpiry":true}}`)
	near := days(2)
	// Asked with a password and a near expiry; Graph answers the legacy
	// anonymous link, without either.
	r := e.createLink(reportLinks, `{"type":"view","scope":"anonymous","expirationDateTime":"`+near+`","password":"pw-legacy-1"}`)
	wantRefusal(t, r, "policy.anonymous.requirePassword", graphsim.DemoLegacyAnonymousLinkID)
	// The legacy edit link expires in 2099.
	r = e.createLink(reportLinks, `{"type":"edit","scope":"organization","expirationDateTime":"`+near+`"}`)
	wantRefusal(t, r, "policy.maxExpiryDays", graphsim.DemoLegacyEditLinkID)
	if n := e.sim.Total(); n != 2 {
		t.Errorf("%d upstream requests, want 2", n)
	}
}

// "answers" lets a rule report instead: the answer passes, and
// sharelink-reported names the rule and the permission.
func TestAnswerReports(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":30,"answers":{"maxExpiryDays":"report"}}`)
	r := e.createLink(reportLinks, `{"type":"edit","scope":"organization","expirationDateTime":"`+days(2)+`"}`)
	if r.StatusCode != 200 || r.json["id"] != graphsim.DemoLegacyEditLinkID {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	want := "policy.maxExpiryDays=reported;stage=answer;permission=" + graphsim.DemoLegacyEditLinkID
	if got := r.Headers[ReportedHeader]; got != want {
		t.Errorf("%s: %q, want %q", ReportedHeader, got, want)
	}
	// Graph returned another expiry than the one sent: reported by=graph.
	if got := r.Headers[AdjustedHeader]; !strings.Contains(got, "expirationDateTime="+graphsim.DemoLegacyEditLinkExpiry+";by=graph;from=") {
		t.Errorf("%s: %q", AdjustedHeader, got)
	}
}

// Graph's silent changes are reported with by=graph: an expiry clamped
// by the tenant, a scope defaulted when none was sent.
func TestGraphAdjustmentsReported(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":365}`)
	far := days(200)
	r := e.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"anonymous","expirationDateTime":"` + far + `"}`})
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	want := "expirationDateTime=" + graphLimit() + ";by=graph;from=" + far
	if got := r.Headers[AdjustedHeader]; got != want {
		t.Errorf("clamped: %s: %q, want %q", AdjustedHeader, got, want)
	}
	r = e.as(bobToken, req{method: "POST", path: strings.Replace(brandLinks, "/v1.0/", "/beta/", 1), body: `{"type":"edit"}`})
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	want = "scope=anonymous;by=graph, expirationDateTime=" + graphLimit() + ";by=graph"
	if got := r.Headers[AdjustedHeader]; got != want {
		t.Errorf("defaulted: %s: %q, want %q", AdjustedHeader, got, want)
	}
}

// The request rules added for answers Graph would make: requireScope,
// retainInheritedPermissions, allowedRoles.
func TestNewRequestRules(t *testing.T) {
	e := newPolicyEnv(t, `{"requireScope":true,"retainInheritedPermissions":"refuse-false","allowedRoles":["read"]}`)
	wantRefusal(t, e.as(bobToken, req{method: "POST", path: strings.Replace(brandLinks, "/v1.0/", "/beta/", 1), body: `{"type":"view"}`}), "policy.requireScope", "")
	wantRefusal(t, e.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"organization","retainInheritedPermissions":false}`}), "policy.retainInheritedPermissions", "")
	link := e.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"organization","retainInheritedPermissions":true}`})
	if link.StatusCode != 201 {
		t.Fatalf("%d %s", link.StatusCode, link.Body)
	}
	if n := e.sim.Total(); n != 1 {
		t.Errorf("refused requests went upstream: %d requests", n)
	}
	share := core.EncodeSharingURL(link.json["link"].(map[string]any)["webUrl"].(string))
	g := e.as(bobToken, req{method: "POST", path: "/v1.0/shares/" + share + "/permission/grant", body: `{"recipients":[{"email":"alice@contoso.com"}],"roles":["write"]}`})
	wantRefusal(t, g, "policy.allowedRoles", "")
	g = e.as(bobToken, req{method: "POST", path: "/v1.0/shares/" + share + "/permission/grant", body: `{"recipients":[{"email":"alice@contoso.com"}],"roles":["read"]}`})
	if g.StatusCode != 200 {
		t.Fatalf("grant: %d %s", g.StatusCode, g.Body)
	}

	pin := newPolicyEnv(t, `{"retainInheritedPermissions":"pin-true"}`)
	r := pin.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"organization","retainInheritedPermissions":false}`})
	if r.StatusCode != 201 || !strings.Contains(r.Headers[AdjustedHeader], "retainInheritedPermissions=true;rule=policy.retainInheritedPermissions;from=false") {
		t.Fatalf("pin-true: %d %q %s", r.StatusCode, r.Headers[AdjustedHeader], r.Body)
	}
}

// Graph's answer to a grant lists every recipient of the link, those
// added before the policy too: an address outside allowedRecipientDomains
// is refused, naming the link.
func TestAnswerDomains(t *testing.T) {
	open := newPolicyEnv(t, "")
	link := open.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"users","recipients":[{"email":"erin@fabrikam.example"}]}`})
	if link.StatusCode != 201 {
		t.Fatalf("%d %s", link.StatusCode, link.Body)
	}
	id := link.json["id"].(string)
	share := core.EncodeSharingURL(link.json["link"].(map[string]any)["webUrl"].(string))
	// The same graphsim, behind a handler with the policy.
	pol, _ := core.ParsePolicy([]byte(`{"allowedRecipientDomains":["contoso.com"]}`))
	cfg := DefaultConfig()
	cfg.GraphBaseURL, cfg.Policy = open.base, pol
	strict := &env{t: t, sim: open.sim, base: open.base, clock: &fakeClock{}, logs: &logcapture.Buffer{}}
	strict.h = New(cfg, WithLogger(NewLogger(strict.logs)))
	g := strict.as(bobToken, req{method: "POST", path: "/v1.0/shares/" + share + "/permission/grant", body: `{"recipients":[{"email":"alice@contoso.com"}],"roles":["read"]}`})
	wantRefusal(t, g, "policy.allowedRecipientDomains", id)
}

// Shadow: the request passes unchanged, and sharelink-shadow says what
// every rule in shadow would have done, on the request and on the answer.
func TestShadowPassesWithHeader(t *testing.T) {
	e := newPolicyEnv(t, `{"mode":"shadow","denyAnonymous":true,"maxExpiryDays":30,"expiryAction":"clamp"}`)
	far := days(200)
	r := e.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"organization","expirationDateTime":"` + far + `"}`})
	if r.StatusCode != 201 || r.json["expirationDateTime"] != far {
		t.Fatalf("the request was changed: %d %s", r.StatusCode, r.Body)
	}
	want := "policy.maxExpiryDays=would-clamp;stage=request, policy.maxExpiryDays=would-refuse;stage=answer;permission=" + r.json["id"].(string)
	if got := r.Headers[ShadowHeader]; got != want {
		t.Errorf("%s: %q\nwant %q", ShadowHeader, got, want)
	}
	if r.Headers[AdjustedHeader] != "" {
		t.Errorf("shadow adjusted: %q", r.Headers[AdjustedHeader])
	}
	// A listed browser origin may read it.
	e.h.cfg.CORSOrigins = []string{"https://app.contoso.com"}
	r = e.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"organization","expirationDateTime":"` + far + `"}`,
		headers: map[string]string{"origin": "https://app.contoso.com"}})
	if !strings.Contains(r.Headers["access-control-expose-headers"], ShadowHeader) {
		t.Errorf("%s is not exposed: %v", ShadowHeader, r.Headers)
	}
	// The legacy anonymous link: would be refused on the request and on
	// the answer, and passes.
	r = e.createLink(reportLinks, `{"type":"view","scope":"anonymous"}`)
	if r.StatusCode != 200 || r.json["id"] != graphsim.DemoLegacyAnonymousLinkID {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	want = "policy.denyAnonymous=would-refuse;stage=request, policy.denyAnonymous=would-refuse;stage=answer;permission=" + graphsim.DemoLegacyAnonymousLinkID
	if got := r.Headers[ShadowHeader]; got != want {
		t.Errorf("%s: %q\nwant %q", ShadowHeader, got, want)
	}
}

// One rule enforced in a shadow policy: it alone refuses; "off" is not
// evaluated.
func TestModesPerRule(t *testing.T) {
	e := newPolicyEnv(t, `{"mode":"shadow","modes":{"denyAnonymous":"enforce","maxExpiryDays":"off"},"denyAnonymous":true,"maxExpiryDays":30}`)
	wantRefusal(t, e.createLink(reportLinks, `{"type":"view","scope":"anonymous"}`), "policy.denyAnonymous", "")
	if e.sim.Total() != 0 {
		t.Errorf("an enforced refusal went upstream")
	}
	r := e.as(bobToken, req{method: "POST", path: brandLinks, body: `{"type":"view","scope":"organization","expirationDateTime":"` + days(200) + `"}`})
	if r.StatusCode != 201 || r.Headers[ShadowHeader] != "" {
		t.Fatalf("an off rule fired: %d %q", r.StatusCode, r.Headers[ShadowHeader])
	}
}
