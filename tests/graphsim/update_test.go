package graphsim_test

import (
	"testing"
	"time"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func TestUpdatePermission(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	grant := e.do("POST", report+"/invite", alice, inviteBody([]string{"write"}, nil, email(gs.DemoBobUPN))).must(t, 200).values()[0]
	anon := e.link(alice, report, view("anonymous"), 201)
	org := e.link(alice, report, view("organization"), 201)
	exp := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	gid := report + "/permissions/" + str(grant, "id")
	for _, c := range []struct {
		name, path string
		body       any
		status     int
		check      func(r *resp) bool
	}{
		{"user roles", gid, map[string]any{"roles": []string{"read"}}, 200, func(r *resp) bool { return roles(r.body) == "read" && r.s("grantedToV2.user.id") == gs.DemoBobID }},
		{"anonymous expiry", report + "/permissions/" + anon.s("id"), map[string]any{"expirationDateTime": exp}, 200, func(r *resp) bool { return r.s("expirationDateTime") == exp }},
		{"anonymous expiry removed", report + "/permissions/" + anon.s("id"), map[string]any{"expirationDateTime": nil}, 200, func(r *resp) bool { return r.get("expirationDateTime") == nil }},
		{"other property", gid, map[string]any{"roles": []string{"read"}, "link": map[string]any{}}, 400, nil},
		{"empty body", gid, map[string]any{}, 400, nil},
		{"bad role", gid, map[string]any{"roles": []string{"owner"}}, 400, nil},
		{"expiry on a user", gid, map[string]any{"expirationDateTime": exp}, 400, nil},
		{"organization link", report + "/permissions/" + org.s("id"), map[string]any{"expirationDateTime": exp}, 400, nil},
		{"link roles", report + "/permissions/" + anon.s("id"), map[string]any{"roles": []string{"write"}}, 400, nil},
		{"past expiry", report + "/permissions/" + anon.s("id"), map[string]any{"expirationDateTime": "2001-01-01T00:00:00Z"}, 400, nil},
		{"unknown", report + "/permissions/nope", map[string]any{"roles": []string{"read"}}, 404, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("PATCH", c.path, alice, c.body)
			if c.status != 200 {
				r.graphErr(t, c.status, map[int]string{400: "invalidRequest", 404: "itemNotFound"}[c.status])
				return
			}
			r.must(t, 200)
			if !c.check(r) || r.header.Get("ETag") == "" {
				t.Fatalf("answer: %s %v", r.raw, r.header)
			}
		})
	}
	// the change is kept; bob now only reads
	if p := byID(e.do("GET", report+"/permissions", alice, nil).must(t, 200))[str(grant, "id")]; roles(p) != "read" {
		t.Fatalf("not kept: %v", p)
	}
	// owner: 403, inherited: 400, a reader: 403
	q3 := "/me/drive/items/" + gs.DemoQ3ID
	perms := e.do("GET", q3+"/permissions", alice, nil).must(t, 200).values()
	e.do("PATCH", q3+"/permissions/"+str(perms[0], "id"), alice, map[string]any{"roles": []string{"read"}}).graphErr(t, 403, "accessDenied")
	e.do("PATCH", q3+"/permissions/"+str(perms[1], "id"), alice, map[string]any{"roles": []string{"read"}}).graphErr(t, 400, "invalidRequest")
	e.do("PATCH", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID+"/permissions/"+str(grant, "id"), bob, map[string]any{"roles": []string{"write"}}).graphErr(t, 403, "accessDenied")
	if n := e.sim.Requests()["PATCH permission"]; n != 14 {
		t.Fatalf("PATCH permission counted %d", n)
	}
}

func TestPermissionETags(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	l := e.link(alice, report, view("anonymous"), 201)
	p := report + "/permissions/" + l.s("id")
	g := e.do("GET", p, alice, nil).must(t, 200)
	tag := g.header.Get("ETag")
	if tag == "" || tag[0] != '"' {
		t.Fatalf("ETag %q", tag)
	}
	// GET: If-None-Match → 304 without a body; If-Match that does not match → 412
	nm := e.do("GET", p, alice, nil, "If-None-Match", tag).must(t, 304)
	if len(nm.raw) != 0 || nm.header.Get("ETag") != tag {
		t.Fatalf("304: %q %v", nm.raw, nm.header)
	}
	e.do("GET", p, alice, nil, "If-None-Match", `"other"`).must(t, 200)
	e.do("GET", p, alice, nil, "If-Match", `"other"`).graphErr(t, 412, "preconditionFailed")
	e.do("GET", p, alice, nil, "If-Match", `"x", W/`+tag).must(t, 200)
	e.do("GET", p, alice, nil, "If-Match", "*").must(t, 200)
	// PATCH changes the ETag; the old one no longer matches
	exp := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	u := e.do("PATCH", p, alice, map[string]any{"expirationDateTime": exp}, "If-Match", tag).must(t, 200)
	tag2 := u.header.Get("ETag")
	if tag2 == "" || tag2 == tag {
		t.Fatalf("ETag after PATCH %q (was %q)", tag2, tag)
	}
	e.do("PATCH", p, alice, map[string]any{"expirationDateTime": nil}, "If-Match", tag).graphErr(t, 412, "preconditionFailed")
	if e.do("GET", p, alice, nil).must(t, 200).s("expirationDateTime") != exp {
		t.Fatal("a refused PATCH changed the permission")
	}
	// DELETE honours If-Match
	e.do("DELETE", p, alice, nil, "If-Match", tag).graphErr(t, 412, "preconditionFailed")
	e.do("DELETE", p, alice, nil, "If-Match", tag2).must(t, 204)
}

func TestRevokeGrants(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	l := e.link(alice, report, map[string]any{"type": "view", "scope": "users",
		"recipients": []any{email(gs.DemoBobUPN), email("dave@fabrikam.com")}}, 201)
	e.do("GET", "/shares/"+l.s("shareId")+"/driveItem", bob, nil).must(t, 200)
	p := report + "/permissions/" + l.s("id")
	tag := e.do("GET", p, alice, nil).must(t, 200).header.Get("ETag")
	// v1.0 and beta alike; an unknown grantee changes nothing
	e.do("POST", "/v1.0"+p+"/revokeGrants", alice, map[string]any{"grantees": []any{email("nobody@contoso.com")}}).must(t, 200)
	r := e.do("POST", "/beta"+p+"/revokeGrants", alice, map[string]any{"grantees": []any{map[string]any{"objectId": gs.DemoBobID}}}).must(t, 200)
	ids := r.list("grantedToIdentitiesV2")
	if r.s("id") != l.s("id") || len(ids) != 1 || str(ids[0].(map[string]any), "user.email") != "dave@fabrikam.com" || r.header.Get("ETag") == tag {
		t.Fatalf("revokeGrants: %s", r.raw)
	}
	e.do("GET", "/shares/"+l.s("shareId")+"/driveItem", bob, nil).graphErr(t, 403, "accessDenied")
	// qualified name, the list-item form
	e.do("POST", "/beta"+p+"/microsoft.graph.revokeGrants", alice, map[string]any{"grantees": []any{email("dave@fabrikam.com")}}).must(t, 200)
	ul := e.link(bob, "/sites/marketing/drive/items/"+gs.DemoBrandID, map[string]any{"type": "view", "scope": "users", "recipients": []any{email(gs.DemoAliceUPN)}}, 201)
	lp := "/beta/sites/" + gs.DemoMarketingSiteID + "/lists/" + gs.DemoMarketingListID + "/items/" + gs.DemoBrandListItemID + "/driveItem/permissions/" + ul.s("id") + "/revokeGrants"
	if len(e.do("POST", lp, bob, map[string]any{"grantees": []any{email(gs.DemoAliceUPN)}}).must(t, 200).list("grantedToIdentitiesV2")) != 0 {
		t.Fatal("list-item revokeGrants kept the grantee")
	}
	// refusals
	org := e.link(alice, report, view("organization"), 201)
	for _, c := range []struct {
		name, token, path string
		body              any
		status            int
		code              string
	}{
		{"not a users link", alice, report + "/permissions/" + org.s("id"), map[string]any{"grantees": []any{email(gs.DemoBobUPN)}}, 400, "invalidRequest"},
		{"no grantees", alice, p, map[string]any{"grantees": []any{}}, 400, "invalidRequest"},
		{"other property", alice, p, map[string]any{"grantees": []any{email(gs.DemoBobUPN)}, "roles": []string{"read"}}, 400, "invalidRequest"},
		{"personal", carol, "/me/drive/items/" + gs.DemoTripID + "/permissions/x", map[string]any{"grantees": []any{email("a@b.com")}}, 501, "notSupported"},
		{"unknown permission", alice, report + "/permissions/nope", map[string]any{"grantees": []any{email(gs.DemoBobUPN)}}, 404, "itemNotFound"},
		{"stale If-Match", alice, p, map[string]any{"grantees": []any{email(gs.DemoBobUPN)}}, 412, "preconditionFailed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.do("POST", "/beta"+c.path+"/revokeGrants", c.token, c.body, "If-Match", map[bool]string{true: tag, false: ""}[c.code == "preconditionFailed"]).graphErr(t, c.status, c.code)
		})
	}
	if n := e.sim.Requests()["POST revokeGrants"]; n != 10 {
		t.Fatalf("POST revokeGrants counted %d: %v", n, e.sim.Requests())
	}
}

// The list-item forms and the namespace-qualified action names reach the
// same handlers as the plain forms.
func TestListItemsAndQualifiedActions(t *testing.T) {
	e := newEnv(t)
	site := "/sites/" + gs.DemoMarketingSiteID
	list := site + "/lists/" + gs.DemoMarketingListID + "/items/"
	// the list item's driveItem is the item
	if e.do("GET", list+gs.DemoBrandListItemID+"/driveItem", bob, nil).must(t, 200).s("id") != gs.DemoBrandID {
		t.Fatal("list item driveItem")
	}
	e.do("GET", list+"1/driveItem/children", bob, nil).must(t, 200)
	// beta listItem createLink answers as createLink; 200 for the same link again
	l := e.do("POST", "/beta"+list+gs.DemoBrandListItemID+"/createLink", bob, view("organization")).must(t, 201)
	again := e.do("POST", list+gs.DemoBrandListItemID+"/driveItem/microsoft.graph.createLink", bob, view("organization")).must(t, 200)
	if again.s("id") != l.s("id") {
		t.Fatal("not the same link")
	}
	if byID(e.do("GET", list+gs.DemoBrandListItemID+"/driveItem/permissions", bob, nil).must(t, 200))[l.s("id")] == nil {
		t.Fatal("list item permissions")
	}
	e.do("POST", "/me/drive/items/"+gs.DemoReportID+"/microsoft.graph.createLink", alice, view("anonymous")).must(t, 201)
	users := e.link(alice, "/me/drive/items/"+gs.DemoReportID, map[string]any{"type": "view", "scope": "users", "recipients": []any{email("x@fabrikam.com")}}, 201)
	e.do("POST", "/shares/"+users.s("shareId")+"/permission/microsoft.graph.grant", alice, grantBody([]string{"read"}, email(gs.DemoBobUPN))).must(t, 200)
	// misses
	for _, p := range []string{
		site + "/lists/nope/items/1/driveItem", list + "99/driveItem", list + gs.DemoMarketingRootID + "/driveItem",
		list + gs.DemoReportID + "/driveItem", "/sites/nope/lists/Documents/items/1/driveItem",
	} {
		e.do("GET", p, bob, nil).graphErr(t, 404, "itemNotFound")
	}
	for _, p := range []string{list + "1", list + "1/bogus", site + "/lists/x", "/me/drive/items/" + gs.DemoReportID + "/microsoft.graph.bogus"} {
		e.do("GET", p, bob, nil).graphErr(t, 404, "invalidRequest")
	}
	counts := e.sim.Requests()
	if counts["POST createLink"] != 4 || counts["POST grant"] != 1 {
		t.Fatalf("counters: %v", counts)
	}
}
