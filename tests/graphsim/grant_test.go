package graphsim_test

import (
	"strings"
	"testing"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func grantBody(roles []string, recipients ...map[string]any) map[string]any {
	rs := make([]any, len(recipients))
	for i, r := range recipients {
		rs[i] = r
	}
	return map[string]any{"recipients": rs, "roles": roles}
}

func email(a string) map[string]any { return map[string]any{"email": a} }

func TestGrantOnLink(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	l := e.link(alice, report, map[string]any{"type": "view", "scope": "users", "recipients": []any{email("dave@fabrikam.com")}}, 201)
	// through the link's URL and through its shareId
	for i, id := range []string{gs.EncodeSharingURL(l.s("link.webUrl")), l.s("shareId")} {
		rcpt := []map[string]any{email(gs.DemoBobUPN), {"objectId": gs.DemoBobID}}[i]
		r := e.do("POST", "/shares/"+id+"/permission/grant", alice, grantBody([]string{"read"}, rcpt)).must(t, 200)
		v := r.values()
		if len(v) != 1 || str(v[0], "id") != l.s("id") || str(v[0], "link.scope") != "users" || str(v[0], "link.webUrl") != l.s("link.webUrl") {
			t.Fatalf("grant answer: %s", r.raw)
		}
		ids := []string{}
		for _, g := range (&resp{body: v[0]}).list("grantedToIdentitiesV2") {
			m := g.(map[string]any)
			ids = append(ids, str(m, "user.id")+str(m, "user.email"))
		}
		if got := strings.Join(ids, " "); !strings.Contains(got, gs.DemoBobID) || !strings.Contains(got, "dave@fabrikam.com") || strings.Count(got, gs.DemoBobID) != 1 {
			t.Fatalf("identities %q", got)
		}
	}
	// bob can now use the link
	e.do("GET", "/shares/"+l.s("shareId")+"/driveItem", bob, nil).must(t, 200)
	// role mismatch
	e.do("POST", "/shares/"+l.s("shareId")+"/permission/grant", alice, grantBody([]string{"write"}, email(gs.DemoBobUPN))).graphErr(t, 400, "invalidRequest")
	e.do("POST", "/shares/"+l.s("shareId")+"/permission/grant", alice, grantBody([]string{"read", "write"}, email(gs.DemoBobUPN))).graphErr(t, 400, "invalidRequest")
	// an edit link takes write
	el := e.link(alice, report, map[string]any{"type": "edit", "scope": "organization"}, 201)
	e.do("POST", "/shares/"+el.s("shareId")+"/permission/grant", alice, grantBody([]string{"write"}, map[string]any{"alias": "bob"})).must(t, 200)
	e.do("POST", "/shares/"+el.s("shareId")+"/permission/grant", alice, grantBody([]string{"read"}, email(gs.DemoBobUPN))).graphErr(t, 400, "invalidRequest")
	// the granted identities persist in the permission list
	perms := e.do("GET", report+"/permissions", alice, nil).must(t, 200)
	found := false
	for _, p := range perms.values() {
		if str(p, "id") == l.s("id") {
			found = len((&resp{body: p}).list("grantedToIdentitiesV2")) == 2
		}
	}
	if !found {
		t.Fatalf("granted link not listed with its identities: %s", perms.raw)
	}
}

func TestGrantExistingAccess(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	item := e.do("GET", report, alice, nil).must(t, 200)
	share := gs.EncodeSharingURL(item.s("webUrl"))
	// bob cannot see the report yet
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, bob, nil).graphErr(t, 404, "itemNotFound")
	r := e.do("POST", "/shares/"+share+"/permission/grant", alice,
		grantBody([]string{"write"}, email(gs.DemoBobUPN), email("dave@fabrikam.com"), email(gs.DemoBobUPN))).must(t, 200)
	v := r.values()
	if len(v) != 3 {
		t.Fatalf("want existing access + user + invitation: %s", r.raw)
	}
	if str(v[0], "id") != "00000000-0000-0000-0000-000000000000" || str(v[0], "link.scope") != "existingAccess" ||
		str(v[0], "link.type") != "edit" || roles(v[0]) != "write" || str(v[0], "link.webUrl") != item.s("webUrl") {
		t.Fatalf("existing access link: %v", v[0])
	}
	if str(v[1], "grantedTo.user.id") != gs.DemoBobID || str(v[1], "grantedToV2.user.email") != gs.DemoBobUPN || roles(v[1]) != "write" || v[1]["link"] != nil {
		t.Fatalf("user grant: %v", v[1])
	}
	if v[2]["invitation"] == nil || str(v[2], "invitation.email") != "dave@fabrikam.com" || (&resp{body: v[2]}).get("invitation.signInRequired") != true ||
		str(v[2], "link.webUrl") == "" || str(v[2], "grantedToIdentitiesV2.0.user.email") != "dave@fabrikam.com" || str(v[2], "grantedToIdentities.0.user.email") != "dave@fabrikam.com" {
		t.Fatalf("invitation: %v", v[2])
	}
	// the grants persist and give access
	perms := e.do("GET", report+"/permissions", alice, nil).must(t, 200)
	ids := map[string]bool{}
	for _, p := range perms.values() {
		ids[str(p, "id")] = true
	}
	if !ids[str(v[1], "id")] || !ids[str(v[2], "id")] {
		t.Fatalf("grants not listed: %s", perms.raw)
	}
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, bob, nil).must(t, 200)
	e.link(bob, "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, view("organization"), 201)
	// the invitation link resolves (for the item's owner)
	e.do("GET", "/shares/"+gs.EncodeSharingURL(str(v[2], "link.webUrl"))+"/driveItem", alice, nil).must(t, 200)
	// existing access takes any role; a second read grant does not lower bob
	r = e.do("POST", "/shares/"+share+"/permission/grant", alice, grantBody([]string{"read"}, map[string]any{"objectId": gs.DemoBobID})).must(t, 200)
	if v := r.values(); len(v) != 2 || roles(v[0]) != "read" || roles(v[1]) != "write" {
		t.Fatalf("second grant: %s", r.raw)
	}
	// granting the owner changes nothing
	e.do("POST", "/shares/"+share+"/permission/grant", alice, grantBody([]string{"read"}, email(gs.DemoAliceUPN))).must(t, 200)
}

func TestGrantRefusals(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	l := e.link(alice, report, view("anonymous"), 201)
	grant := "/shares/" + l.s("shareId") + "/permission/grant"
	ok := grantBody([]string{"read"}, email(gs.DemoBobUPN))
	cases := []struct {
		name, token, path string
		body              any
		status            int
		code              string
	}{
		{"no recipients", alice, grant, grantBody([]string{"read"}), 400, "invalidRequest"},
		{"no roles", alice, grant, map[string]any{"recipients": []any{email("a@b.com")}}, 400, "invalidRequest"},
		{"bad role", alice, grant, grantBody([]string{"owner"}, email("a@b.com")), 400, "invalidRequest"},
		{"role not a string", alice, grant, `{"recipients":[{"email":"a@b.com"}],"roles":[1]}`, 400, "invalidRequest"},
		{"unknown property", alice, grant, `{"recipients":[{"email":"a@b.com"}],"roles":["read"],"sendInvitation":true}`, 400, "invalidRequest"},
		{"unknown alias", alice, grant, grantBody([]string{"read"}, map[string]any{"alias": "nobody"}), 400, "invalidRequest"},
		{"malformed share", alice, "/shares/u!***/permission/grant", ok, 400, "invalidRequest"},
		{"unknown share", alice, "/shares/" + gs.EncodeSharingURL("https://contoso.sharepoint.com/nothing") + "/permission/grant", ok, 404, "itemNotFound"},
		{"unknown shareId", alice, "/shares/s!AAAAAAAAAAAAAAAA/permission/grant", ok, 404, "itemNotFound"},
		{"no right to share", bob, grant, ok, 403, "accessDenied"},
		{"personal account", carol, grant, ok, 501, "notSupported"},
		{"wrong method", alice, grant, nil, 405, "notAllowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := "POST"
			if c.status == 405 {
				method = "GET"
			}
			e.do(method, c.path, c.token, c.body).graphErr(t, c.status, c.code)
		})
	}
	// a link on carol's personal drive: grant is not supported there, whoever asks
	cl := e.link(carol, "/me/drive/items/"+gs.DemoTripID, view("anonymous"), 201)
	e.do("POST", "/shares/"+cl.s("shareId")+"/permission/grant", carol, ok).graphErr(t, 501, "notSupported")
	e.do("POST", "/shares/"+cl.s("shareId")+"/permission/grant", alice, ok).graphErr(t, 501, "notSupported")
}

// An invitation is followed by its invitee only; inviting again raises it in place.
func TestInvitationFollowedByInvitee(t *testing.T) {
	e := newEnv(t)
	item := e.do("GET", "/sites/marketing/drive/items/"+gs.DemoBrandID, alice, nil).must(t, 200)
	share := "/shares/" + gs.EncodeSharingURL(item.s("webUrl")) + "/permission/grant"
	// carol@outlook.com is a Microsoft account, not a tenant user: she is invited
	r := e.do("POST", share, alice, grantBody([]string{"read"}, email(gs.DemoCarolUPN))).must(t, 200).values()
	if len(r) != 2 || str(r[1], "invitation.email") != gs.DemoCarolUPN || str(r[1], "link.type") != "view" {
		t.Fatalf("invitation: %v", r)
	}
	inv := gs.EncodeSharingURL(str(r[1], "link.webUrl"))
	e.do("GET", "/shares/"+inv+"/driveItem", carol, nil).must(t, 200)
	e.do("GET", "/shares/"+inv+"/driveItem", gs.DemoToken("zed@contoso.com"), nil).graphErr(t, 403, "accessDenied")
	again := e.do("POST", share, alice, grantBody([]string{"write"}, email(strings.ToUpper(gs.DemoCarolUPN)))).must(t, 200).values()
	if str(again[1], "id") != str(r[1], "id") || roles(again[1]) != "write" || str(again[1], "link.type") != "edit" {
		t.Fatalf("re-invitation: %v", again)
	}
}
