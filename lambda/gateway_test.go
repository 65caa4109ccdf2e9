package lambda

import (
	"context"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// Invite, PATCH with ETags, 304 and 412, revokeGrants and a list item's
// driveItem, through the handler to graphsim.
func TestGatewayActions(t *testing.T) {
	e := newEnv(t)
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID

	inv := e.do(req{method: "POST", path: item + "/microsoft.graph.invite",
		body: `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"],"requireSignIn":true,"sendInvitation":false}`})
	if inv.StatusCode != 200 || !strings.HasPrefix(inv.Body, `{"value":[{"id":`) || strings.Contains(inv.Body, "@odata") {
		t.Fatalf("invite: %d %s", inv.StatusCode, inv.Body)
	}
	perm := inv.json["value"].([]any)[0].(map[string]any)["id"].(string)
	permPath := item + "/permissions/" + perm

	got := e.do(req{path: permPath})
	tag := got.Headers["etag"]
	if got.StatusCode != 200 || tag == "" {
		t.Fatalf("GET: %d %v %s", got.StatusCode, got.Headers, got.Body)
	}
	// If-None-Match with the current tag: Graph's 304, passed on without a body
	resp, _ := e.h.Handle(context.Background(), e.event(req{path: permPath, headers: map[string]string{"if-none-match": tag}}))
	if resp.StatusCode != 304 || resp.Body != "" || resp.Headers["content-type"] != "" || resp.Headers["etag"] != tag {
		t.Fatalf("If-None-Match: %d %v %q", resp.StatusCode, resp.Headers, resp.Body)
	}
	// a stale If-Match: Graph's 412, shaped
	stale := e.do(req{method: "PATCH", path: permPath, body: `{"roles":["write"]}`, headers: map[string]string{"if-match": `"{00000000-0000-0000-0000-000000000000},9"`}})
	if stale.StatusCode != 412 {
		t.Fatalf("stale If-Match: %d %s", stale.StatusCode, stale.Body)
	}
	upd := e.do(req{method: "PATCH", path: permPath, body: `{"roles":["write"]}`, headers: map[string]string{"if-match": tag}})
	if upd.StatusCode != 200 || !strings.Contains(upd.Body, `"roles":["write"]`) || upd.Headers["etag"] == "" || upd.Headers["etag"] == tag {
		t.Fatalf("PATCH: %d %v %s", upd.StatusCode, upd.Headers, upd.Body)
	}
	// a malformed conditional header never goes upstream
	before := e.sim.Total()
	for _, bad := range []string{"x", "\"a\"\r\nX: y", `"a" "b"`} {
		r := e.do(req{method: "DELETE", path: permPath, headers: map[string]string{"if-match": bad}})
		if r.StatusCode != 400 || r.errTarget() != "If-Match" {
			t.Errorf("If-Match %q: %d %s", bad, r.StatusCode, r.Body)
		}
	}
	if e.sim.Total() != before {
		t.Fatal("a bad If-Match reached graphsim")
	}

	// revokeGrants (graphsim serves it under beta) on a users link
	link := e.createLink("/beta/me/drive/items/"+graphsim.DemoReportID+"/createLink", `{"type":"view","scope":"users","recipients":[{"email":"bob@contoso.com"}]}`)
	if link.StatusCode != 201 {
		t.Fatalf("createLink: %d %s", link.StatusCode, link.Body)
	}
	rv := e.do(req{method: "POST", path: "/beta/me/drive/items/" + graphsim.DemoReportID + "/permissions/" + link.json["id"].(string) + "/revokeGrants",
		body: `{"grantees":[{"email":"bob@contoso.com"}]}`})
	if rv.StatusCode != 200 || rv.json["id"] != link.json["id"] {
		t.Fatalf("revokeGrants: %d %s", rv.StatusCode, rv.Body)
	}

	// a list item's driveItem, and its permissions
	li := "/v1.0/sites/" + graphsim.DemoMarketingSiteID + "/lists/" + graphsim.DemoMarketingListID + "/items/" + graphsim.DemoBrandListItemID + "/driveItem"
	if r := e.do(req{path: li}); r.StatusCode != 200 || r.json["id"] != graphsim.DemoBrandID {
		t.Fatalf("list item driveItem: %d %s", r.StatusCode, r.Body)
	}
	if r := e.do(req{path: li + "/permissions"}); r.StatusCode != 200 {
		t.Fatalf("list item permissions: %d %s", r.StatusCode, r.Body)
	}
}
