package lambda

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// The answer check and the decision record of invite, permission update
// and revokeGrants, against graphsim's DemoPolicySeed.

var (
	plansInvite    = "/v1.0/me/drive/items/" + graphsim.DemoPlansID + "/invite"
	appPlansInvite = "/v1.0/drives/" + graphsim.DemoAliceDriveID + "/items/" + graphsim.DemoPlansID + "/invite"
	legacyAnonym   = "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions/" + graphsim.DemoLegacyAnonymousLinkID
)

// Invite's answer is held to the roles rule: bob already writes on
// Plans, and Graph keeps the higher role when he is invited to read, so
// the answer holds a write grant the policy does not allow: refused,
// naming the rule and the permission Graph answered with.
func TestInviteAnswerRoles(t *testing.T) {
	e := newPolicyEnv(t, `{"allowedRoles":["read"]}`)
	r := e.do(req{method: "POST", path: plansInvite,
		body: `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"],"requireSignIn":true,"sendInvitation":false}`})
	wantRefusal(t, r, "policy.allowedRoles", "")
	if !strings.Contains(r.Body, "Graph answered with permission '") {
		t.Errorf("the refusal names no permission: %s", r.Body)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 1 || ds[0]["outcome"] != "refused-answer" || ds[0]["action"] != "invite" {
		t.Fatalf("decisions %v", ds)
	}
	if got := dig(ds[0], "returned.0.roles"); !equalJSON(got, []string{"write"}) {
		t.Errorf("returned roles %v", got)
	}
	if got := dig(ds[0], "rules.0.permission_id"); got == nil || got == "" {
		t.Errorf("the answer's rule names no permission: %v", ds[0]["rules"])
	}
}

// Graph's 207: only the recipients Graph shared with are held to the
// policy; an entry with an error (a new guest an application may not
// invite) is not a permission and is skipped. The shadow domain rule
// fires on the request (the guest's domain), and on the answer not at
// all: bob's grant is in contoso.com, the guest's failed entry is not
// judged.
func TestInvite207ChecksOnlyTheSuccesses(t *testing.T) {
	e := newPolicyEnv(t, `{"allowedRecipientDomains":["contoso.com"],"modes":{"allowedRecipientDomains":"shadow"}}`)
	r := e.as(graphsim.DemoAppToken(), req{method: "POST", path: appPlansInvite,
		body: `{"recipients":[{"email":"bob@contoso.com"},{"email":"dana@fabrikam.example"}],"roles":["read"],"sendInvitation":false}`})
	if r.StatusCode != 207 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if got, want := r.Headers[ShadowHeader], "policy.allowedRecipientDomains=would-refuse;stage=request"; got != want {
		t.Errorf("%s: %q, want %q", ShadowHeader, got, want)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 1 {
		t.Fatalf("%d decisions", len(ds))
	}
	if n := len(ds[0]["returned"].([]any)); n != 1 {
		t.Errorf("%d returned permissions, want bob's alone: %v", n, ds[0]["returned"])
	}
	// The same answer with the roles rule enforced: bob's grant holds
	// write (kept from before), the 207 is refused for it.
	e2 := newPolicyEnv(t, `{"allowedRoles":["read"]}`)
	r = e2.as(graphsim.DemoAppToken(), req{method: "POST", path: appPlansInvite,
		body: `{"recipients":[{"email":"bob@contoso.com"},{"email":"dana@fabrikam.example"}],"roles":["read"],"sendInvitation":false}`})
	wantRefusal(t, r, "policy.allowedRoles", "")
}

// A shadow domain rule sees an address of Graph's answer: the invitation
// made for an outside address.
func TestInviteAnswerDomainsShadow(t *testing.T) {
	e := newPolicyEnv(t, `{"allowedRecipientDomains":["contoso.com"],"mode":"shadow"}`)
	r := e.do(req{method: "POST", path: plansInvite,
		body: `{"recipients":[{"email":"dana@fabrikam.example"}],"roles":["read"],"sendInvitation":false}`})
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	got := r.Headers[ShadowHeader]
	if !strings.Contains(got, "policy.allowedRecipientDomains=would-refuse;stage=request") ||
		!strings.Contains(got, "policy.allowedRecipientDomains=would-refuse;stage=answer;permission=") {
		t.Errorf("%s: %q", ShadowHeader, got)
	}
}

// PATCH's answer: the updated link is held to the link rules and the
// roles rule, and refused naming the permission.
func TestUpdateAnswerRefused(t *testing.T) {
	for _, tt := range []struct{ doc, rule string }{
		{`{"anonymous":{"requirePassword":true}}`, "policy.anonymous.requirePassword"},
		{`{"allowedRoles":["write"]}`, "policy.allowedRoles"},
		{`{"denyAnonymous":true}`, "policy.denyAnonymous"},
	} {
		e := newPolicyEnv(t, tt.doc)
		r := e.do(req{method: "PATCH", path: legacyAnonym, body: `{"expirationDateTime":"` + days(5) + `"}`})
		wantRefusal(t, r, tt.rule, graphsim.DemoLegacyAnonymousLinkID)
		ds := decisions(e.logs.Lines())
		if len(ds) != 1 || ds[0]["outcome"] != "refused-answer" || ds[0]["action"] != "updatePermission" ||
			ds[0]["permission_id"] != graphsim.DemoLegacyAnonymousLinkID {
			t.Errorf("%s: decisions %v", tt.doc, ds)
		}
	}
}

// An expiry past the maximum in Graph's answer to a PATCH, in shadow:
// the request and the answer would be refused; the answer names the link.
func TestUpdateAnswerExpiryShadow(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":10,"modes":{"maxExpiryDays":"shadow"}}`)
	r := e.do(req{method: "PATCH", path: legacyAnonym, body: `{"expirationDateTime":"` + days(20) + `"}`})
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	want := "policy.maxExpiryDays=would-refuse;stage=request, policy.maxExpiryDays=would-refuse;stage=answer;permission=" + graphsim.DemoLegacyAnonymousLinkID
	if got := r.Headers[ShadowHeader]; got != want {
		t.Errorf("%s: %q, want %q", ShadowHeader, got, want)
	}
}

// Graph clamps an anonymous link's expiry on PATCH too, silently:
// reported by=graph. An expiry removed (null) and set back by the policy
// is then clamped by Graph again; both changes are reported.
func TestUpdateGraphClamps(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":90}`)
	far := days(60)
	r := e.do(req{method: "PATCH", path: legacyAnonym, body: `{"expirationDateTime":"` + far + `"}`})
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if got, want := r.Headers[AdjustedHeader], "expirationDateTime="+graphLimit()+";by=graph;from="+far; got != want {
		t.Errorf("%s: %q, want %q", AdjustedHeader, got, want)
	}
	e = newPolicyEnv(t, `{"maxExpiryDays":60,"expiryAction":"clamp"}`)
	r = e.do(req{method: "PATCH", path: legacyAnonym, body: `{"expirationDateTime":null}`})
	if r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	got := r.Headers[AdjustedHeader]
	if !strings.Contains(got, ";rule=policy.maxExpiryDays") || !strings.Contains(got, "expirationDateTime="+graphLimit()+";by=graph;from=") {
		t.Errorf("%s: %q", AdjustedHeader, got)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 1 || dig(ds[0], "requested.expiry_removed") != true || dig(ds[0], "applied.expiry") == nil {
		t.Errorf("decision %v", ds)
	}
	// A PATCH that sends no expiry reports none of Graph's.
	e = newPolicyEnv(t, ``)
	r = e.do(req{method: "PATCH", path: "/v1.0/me/drive/items/" + graphsim.DemoPlansID + "/permissions/" + bobGrant(t, e), body: `{"roles":["read"]}`})
	if r.StatusCode != 200 || r.Headers[AdjustedHeader] != "" {
		t.Errorf("%d %q %s", r.StatusCode, r.Headers[AdjustedHeader], r.Body)
	}
}

// bobGrant is the id of bob's grant on Plans.
func bobGrant(t *testing.T, e *env) string {
	t.Helper()
	r := e.do(req{path: "/v1.0/me/drive/items/" + graphsim.DemoPlansID + "/permissions"})
	var c struct {
		Value []struct {
			ID          string
			GrantedToV2 struct{ User struct{ Email string } }
		}
	}
	_ = json.Unmarshal([]byte(r.Body), &c)
	for _, p := range c.Value {
		if strings.EqualFold(p.GrantedToV2.User.Email, graphsim.DemoBobUPN) {
			return p.ID
		}
	}
	t.Fatalf("no grant of bob's on Plans: %s", r.Body)
	return ""
}

// The decision records of invite, update and revokeGrants: the terms as
// requested and applied — recipients counted, their domains, their
// keyed hashes, roles, expiry, whether a password was given — and never
// an address, the message or the password.
func TestDecisionRecordsOfGatewayActions(t *testing.T) {
	key := "audit-key-0123456789abcdef"
	e := newPolicyEnv(t, `{"maxExpiryDays":30,"expiryAction":"clamp"}`, func(c *Config) { c.AuditKey = []byte(key) })
	far := days(90)
	r := e.do(req{method: "POST", path: plansInvite,
		body: `{"recipients":[{"email":"Dana@Fabrikam.example"},{"email":"bob@contoso.com"}],"roles":["write"],"expirationDateTime":"` + far +
			`","message":"plans-message-secret","sendInvitation":false}`})
	if r.StatusCode != 200 {
		t.Fatalf("invite %d %s", r.StatusCode, r.Body)
	}
	grant := bobGrant(t, e)
	r = e.do(req{method: "PATCH", path: "/v1.0/me/drive/items/" + graphsim.DemoPlansID + "/permissions/" + grant, body: `{"roles":["read"]}`})
	if r.StatusCode != 200 {
		t.Fatalf("update %d %s", r.StatusCode, r.Body)
	}
	r = e.createLink(reportLinks, `{"type":"view","scope":"users","recipients":[{"email":"erin@fabrikam.example"}]}`)
	if r.StatusCode != 201 {
		t.Fatalf("createLink %d %s", r.StatusCode, r.Body)
	}
	link, _ := r.json["id"].(string)
	r = e.do(req{method: "POST", path: "/beta/me/drive/items/" + graphsim.DemoReportID + "/permissions/" + link + "/revokeGrants",
		body: `{"grantees":[{"email":"erin@fabrikam.example"}]}`})
	if r.StatusCode != 200 {
		t.Fatalf("revokeGrants %d %s", r.StatusCode, r.Body)
	}
	ds := decisions(e.logs.Lines())
	byAction := map[string]map[string]any{}
	for _, d := range ds {
		byAction[d["action"].(string)] = d
	}
	inv := byAction["invite"]
	b, _ := json.Marshal(inv)
	t.Logf("invite: %s", b)
	for path, want := range map[string]any{
		"requested.recipients": 2.0, "requested.domains": []string{"fabrikam.example", "contoso.com"},
		"requested.roles": []string{"write"}, "requested.expiry": far, "requested.has_password": false,
		"applied.recipients": 2.0, "applied.roles": []string{"write"}, "adjusted.0.rule": "policy.maxExpiryDays",
		"rules.0.effect": "clamped", "outcome": "allowed", "status": 200.0, "item_id": graphsim.DemoPlansID,
	} {
		if got := dig(inv, path); !equalJSON(got, want) {
			t.Errorf("invite %s: %v, want %v", path, got, want)
		}
	}
	if hs, _ := dig(inv, "requested.recipient_hmacs").([]any); len(hs) != 2 {
		t.Errorf("invite hmacs %v", hs)
	}
	if dig(inv, "applied.recipient_hmacs") != nil || dig(inv, "applied.expiry") == far {
		t.Errorf("invite applied %v", inv["applied"])
	}
	upd := byAction["updatePermission"]
	if p, _ := upd["permission_id"].(string); !equalJSON(dig(upd, "requested.roles"), []string{"read"}) || !strings.HasPrefix(p, "hmac:") || len(p) != 37 || upd["outcome"] != "allowed" {
		t.Errorf("update %v", upd)
	}
	rv := byAction["revokeGrants"]
	if dig(rv, "requested.recipients") != 1.0 || !equalJSON(dig(rv, "requested.domains"), []string{"fabrikam.example"}) || rv["outcome"] != "allowed" {
		t.Errorf("revokeGrants %v", rv)
	}
	for _, l := range e.logs.Lines() {
		// bob's grant id is SharePoint's base64 of his claim, address
		// included: hashed in the records.
		for _, s := range []string{"dana", "Dana", "erin@", "bob@contoso.com", "plans-message-secret", key, e.token, grant} {
			if strings.Contains(l, s) {
				t.Errorf("a log line holds %q: %s", s, l)
			}
		}
	}
}

// Each sharing step of a batch is held to the policy as it would be
// alone: the policy its own route chooses (a site override here), the
// answer check (a legacy link refused inside the batch, naming the rule
// and the permission), the adjustments and shadow findings in the step's
// own headers, and one decision record per sharing step with the batch's
// request ids and the step's index — never the caller's step id or url.
func TestBatchStepsHeldToPolicy(t *testing.T) {
	doc := `{"default":{"anonymous":{"requirePassword":true},"denyAnonymous":true,"maxExpiryDays":30,"expiryAction":"clamp",
	  "modes":{"denyAnonymous":"shadow"}},
	 "overrides":[{"name":"marketing","match":{"site":"` + graphsim.DemoMarketingSiteID[:strings.LastIndexByte(graphsim.DemoMarketingSiteID, ',')] + `"},
	  "policy":{"allowedTypes":["view"]}}]}`
	e := newPolicyEnv(t, doc)
	far := days(90)
	budget := "/me/drive/items/" + graphsim.DemoBudgetID + "/createLink"
	brand := "/sites/" + graphsim.DemoMarketingSiteID + "/drive/items/" + graphsim.DemoBrandID + "/createLink"
	resp := e.do(req{method: "POST", path: "/v1.0/$batch", body: `{"requests":[
	 {"id":"caller-step-alpha","method":"POST","url":"` + reportPath("/createLink") + `","headers":{"Content-Type":"application/json"},
	  "body":{"type":"view","scope":"anonymous","password":"batch-pw-secret","expirationDateTime":"` + days(2) + `"}},
	 {"id":"caller-step-beta","method":"POST","url":"` + budget + `","headers":{"Content-Type":"application/json"},
	  "body":{"type":"edit","scope":"organization","expirationDateTime":"` + far + `"}},
	 {"id":"caller-step-gamma","method":"POST","url":"` + brand + `","headers":{"Content-Type":"application/json"},
	  "body":{"type":"edit","scope":"organization"}},
	 {"id":"caller-step-delta","method":"GET","url":"` + reportPath("/permissions") + `"}
	]}`})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	var a struct{ Responses []stepAnswer }
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil || len(a.Responses) != 4 {
		t.Fatalf("%v %s", err, resp.Body)
	}
	rs := a.Responses
	if code, target := rs[0].errCode(); rs[0].Status != 403 || code != "accessDenied" || target != "policy.anonymous.requirePassword" ||
		!strings.Contains(string(rs[0].Body), graphsim.DemoLegacyAnonymousLinkID) {
		t.Errorf("step 0: %d %s", rs[0].Status, rs[0].Body)
	}
	wantShadow := "policy.denyAnonymous=would-refuse;stage=request, policy.denyAnonymous=would-refuse;stage=answer;permission=" + graphsim.DemoLegacyAnonymousLinkID
	if got := rs[0].Headers[ShadowHeader]; got != wantShadow {
		t.Errorf("step 0 %s: %q, want %q", ShadowHeader, got, wantShadow)
	}
	if rs[1].Status != 201 || !strings.Contains(rs[1].Headers[AdjustedHeader], ";rule=policy.maxExpiryDays;from="+far) {
		t.Errorf("step 1: %d %v %s", rs[1].Status, rs[1].Headers, rs[1].Body)
	}
	if code, target := rs[2].errCode(); rs[2].Status != 403 || code != "accessDenied" || target != "policy.allowedTypes" {
		t.Errorf("step 2 (the marketing override): %d %s", rs[2].Status, rs[2].Body)
	}
	if rs[3].Status != 200 {
		t.Errorf("step 3: %d %s", rs[3].Status, rs[3].Body)
	}
	// The batch's own headers carry no step's findings.
	if resp.Headers[ShadowHeader] != "" || resp.Headers[AdjustedHeader] != "" {
		t.Errorf("batch headers %v", resp.Headers)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 3 {
		t.Fatalf("%d decision records, want one per sharing step: %v", len(ds), ds)
	}
	want := []struct {
		step            float64
		policy, outcome string
	}{{0, "default", "refused-answer"}, {1, "default", "allowed"}, {2, "marketing", "refused"}}
	for i, w := range want {
		d := ds[i]
		if d["batch_step"] != w.step || d["policy"] != w.policy || d["outcome"] != w.outcome || d["action"] != "createLink" ||
			d["request_id"] != resp.Headers["request-id"] || d["client_request_id"] != resp.Headers["client-request-id"] {
			b, _ := json.Marshal(d)
			t.Errorf("record %d: %s", i, b)
		}
	}
	if dig(ds[0], "rules.2.permission_id") != graphsim.DemoLegacyAnonymousLinkID || dig(ds[0], "upstream_status") != 200.0 || ds[0]["status"] != 403.0 {
		t.Errorf("record 0: %v", ds[0])
	}
	if dig(ds[1], "adjusted.0.rule") != "policy.maxExpiryDays" || dig(ds[1], "applied.expiry") == far {
		t.Errorf("record 1: %v", ds[1])
	}
	if ds[2]["site_id"] == nil || ds[2]["applied"] != nil {
		t.Errorf("record 2: %v", ds[2])
	}
	b, _ := json.Marshal(ds[1])
	t.Logf("batch step: %s", b)
	for _, l := range e.logs.Lines() {
		for _, s := range []string{"caller-step-", "batch-pw-secret", "/createLink", "/permissions", "/me/drive", e.token} {
			if strings.Contains(l, s) {
				t.Errorf("a log line holds %q: %s", s, l)
			}
		}
	}
}

// A dry run of a batch: each step's local answer, or the step it would
// send (the password replaced), with its adjustments and the rules that
// fired; nothing reaches Graph.
func TestBatchDryRun(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":30,"expiryAction":"clamp","allowedTypes":["view","edit"]}`, func(c *Config) { c.DryRun = true })
	far := days(90)
	resp := e.do(req{method: "POST", path: "/v1.0/$batch", headers: map[string]string{"prefer": "sharelink-dry-run"}, body: `{"requests":[
	 {"id":"1","method":"POST","url":"` + reportPath("/createLink") + `","headers":{"Content-Type":"application/json"},
	  "body":{"type":"view","scope":"anonymous","password":"dry-pw-secret","expirationDateTime":"` + far + `"}},
	 {"id":"2","method":"POST","url":"` + reportPath("/createLink") + `","headers":{"Content-Type":"application/json"},"body":{"type":"embed"}},
	 {"id":"3","method":"GET","url":"` + reportPath("/permissions") + `","dependsOn":["2"]},
	 {"id":"4","method":"GET","url":"` + reportPath("/permissions") + `","dependsOn":["1"]}
	]}`})
	if resp.StatusCode != 200 || resp.Headers["preference-applied"] != DryRunPreference {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	if n := e.sim.Total(); n != 0 {
		t.Errorf("%d requests reached graphsim", n)
	}
	if strings.Contains(resp.Body, "dry-pw-secret") || !strings.Contains(resp.Body, `"password":"(redacted)"`) {
		t.Errorf("password: %s", resp.Body)
	}
	for path, want := range map[string]any{
		"dryRun": true, "request.path": "/v1.0/$batch",
		"steps.0.request.method": "POST", "steps.0.request.url": reportPath("/createLink"),
		"steps.0.adjusted.0.rule": "policy.maxExpiryDays", "steps.0.decisions.0.effect": "clamped",
		"steps.1.answer.status": 403.0, "steps.1.answer.body.error.target": "policy.allowedTypes",
		"steps.2.answer.status": 424.0, "steps.3.dependsOn": []string{"1"}, "steps.3.request.url": reportPath("/permissions"),
	} {
		if got := dig(resp.json, path); !equalJSON(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 2 || ds[0]["outcome"] != "dry-run" || ds[1]["outcome"] != "refused" {
		t.Errorf("decisions %v", ds)
	}
}

// A dry run of invite, permission update and revokeGrants: what would be
// sent, the password replaced, nothing sent.
func TestDryRunGatewayActions(t *testing.T) {
	e := newPolicyEnv(t, `{"maxExpiryDays":30,"expiryAction":"clamp"}`, func(c *Config) { c.DryRun = true })
	dry := map[string]string{"prefer": "return=minimal, sharelink-dry-run"}
	for _, tt := range []struct{ method, path, body, want string }{
		{"POST", plansInvite, `{"recipients":[{"email":"dana@fabrikam.example"}],"roles":["read"],"password":"invite-pw-secret","sendInvitation":false}`,
			`"password":"(redacted)"`},
		{"PATCH", legacyAnonym, `{"expirationDateTime":null}`, `"expirationDateTime":"`},
		{"POST", "/beta/me/drive/items/" + graphsim.DemoReportID + "/permissions/" + graphsim.DemoLegacyAnonymousLinkID + "/revokeGrants",
			`{"grantees":[{"email":"dana@fabrikam.example"}]}`, `"grantees":[{"email":"dana@fabrikam.example"}]`},
	} {
		r := e.do(req{method: tt.method, path: tt.path, body: tt.body, headers: dry})
		if r.StatusCode != 200 || r.Headers["preference-applied"] != DryRunPreference || !strings.Contains(r.Body, tt.want) ||
			strings.Contains(r.Body, "invite-pw-secret") || dig(r.json, "request.method") != tt.method {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, r.StatusCode, r.Body)
		}
	}
	if n := e.sim.Total(); n != 0 {
		t.Errorf("%d requests reached graphsim", n)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 3 {
		t.Fatalf("%d decisions", len(ds))
	}
	for _, d := range ds {
		if d["outcome"] != "dry-run" {
			t.Errorf("decision %v", d)
		}
	}
	if dig(ds[1], "adjusted.0.rule") != "policy.maxExpiryDays" || dig(ds[1], "requested.expiry_removed") != true {
		t.Errorf("update's dry run: %v", ds[1])
	}
}

// The rules a batch's steps fire are counted as alone, under the step's
// action.
func TestBatchStepRuleMetrics(t *testing.T) {
	e := newPolicyEnv(t, `{"denyAnonymous":true,"mode":"shadow"}`)
	e.batch("/v1.0/$batch", `{"requests":[{"id":"1","method":"POST","url":"`+reportPath("/createLink")+`","headers":{"Content-Type":"application/json"},"body":{"type":"view","scope":"anonymous"}}]}`, 0)
	n := 0
	for _, l := range e.logs.Lines() {
		if strings.Contains(l, `"RuleFired":1`) && strings.Contains(l, `"action":"createLink"`) && strings.Contains(l, `"rule":"policy.denyAnonymous"`) {
			n++
		}
	}
	if n != 2 { // the request, and the legacy anonymous link Graph answered with
		t.Errorf("%d RuleFired lines of the step, want 2: %v", n, e.logs.Lines())
	}
}

// A sharing step not run because the step it depends on was refused
// has its record too: it shared nothing, and says why.
func TestBatchStepNotRunRecorded(t *testing.T) {
	e := newPolicyEnv(t, `{"denyAnonymous":true}`)
	rs := e.batch("/v1.0/$batch", `{"requests":[
	 {"id":"1","method":"POST","url":"`+reportPath("/createLink")+`","headers":{"Content-Type":"application/json"},"body":{"type":"view","scope":"anonymous"}},
	 {"id":"2","method":"POST","url":"`+reportPath("/invite")+`","headers":{"Content-Type":"application/json"},
	  "body":{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]},"dependsOn":["1"]}]}`, 0)
	if rs[0].Status != 403 || rs[1].Status != 424 {
		t.Fatalf("%d %d", rs[0].Status, rs[1].Status)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 2 || ds[1]["action"] != "invite" || ds[1]["outcome"] != "failed-dependency" || ds[1]["batch_step"] != 1.0 ||
		ds[1]["status"] != 424.0 || ds[1]["requested"] != nil || ds[0]["outcome"] != "refused" {
		t.Errorf("decisions %v", ds)
	}
	if n := e.sim.Total(); n != 0 {
		t.Errorf("%d requests reached graphsim", n)
	}
}
