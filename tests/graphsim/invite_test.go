package graphsim_test

import (
	"strings"
	"testing"
	"time"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func inviteBody(roles []string, extra map[string]any, recipients ...map[string]any) map[string]any {
	b := grantBody(roles, recipients...)
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// Every item form graphsim resolves takes invite, under both versions and
// with the namespace-qualified name.
func TestInvitePathForms(t *testing.T) {
	e := newEnv(t)
	list := "/sites/" + gs.DemoMarketingSiteID + "/lists/" + gs.DemoMarketingListID + "/items/"
	for _, c := range []struct{ name, token, path string }{
		{"me items", alice, "/v1.0/me/drive/items/" + gs.DemoReportID},
		{"beta root path", alice, "/beta/me/drive/root:/Documents/Report.docx:"},
		{"drives", alice, "/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoBudgetID},
		{"users", app, "/users/" + gs.DemoAliceUPN + "/drive/items/" + gs.DemoReportID},
		{"sites", bob, "/sites/marketing/drive/items/" + gs.DemoBrandID},
		{"groups", bob, "/groups/" + gs.DemoMarketingGroupID + "/drive/items/" + gs.DemoBrandID},
		{"list item driveItem", bob, list + gs.DemoBrandListItemID + "/driveItem"},
		{"list item by driveItem id", bob, "/beta" + list + gs.DemoBrandID + "/driveItem"},
		{"list by title", bob, "/sites/marketing/lists/Documents/items/" + gs.DemoBrandListItemID + "/driveItem"},
		{"qualified", alice, "/me/drive/items/" + gs.DemoReportID + "/microsoft.graph.invite"},
		{"channel", bob, "/teams/" + gs.DemoMarketingGroupID + "/channels/" + enc(gs.DemoGeneralChannelID) + "/filesFolder"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if !strings.HasSuffix(path, "/microsoft.graph.invite") {
				path += "/invite"
			}
			r := e.do("POST", path, c.token, inviteBody([]string{"read"}, nil, email("erin@fabrikam.com"))).must(t, 200)
			v := r.values()
			if len(v) != 1 || str(v[0], "invitation.email") != "erin@fabrikam.com" || roles(v[0]) != "read" {
				t.Fatalf("answer: %s", r.raw)
			}
		})
	}
	if n := e.sim.Requests()["POST invite"]; n != 11 {
		t.Fatalf("POST invite counted %d", n)
	}
}

func TestInviteAnswers(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	exp := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	r := e.do("POST", report+"/invite", alice, inviteBody([]string{"write"},
		map[string]any{"requireSignIn": true, "sendInvitation": true, "message": "Here it is.", "expirationDateTime": exp},
		email(gs.DemoBobUPN), email("dave@fabrikam.com"), map[string]any{"alias": "bob"})).must(t, 200)
	v := r.values()
	if len(v) != 2 {
		t.Fatalf("want bob (once) and dave: %s", r.raw)
	}
	// a tenant user: a user grant, grantedToV2 with siteUser, no invitation,
	// no expiry (only sharing-link permissions take one on business drives)
	if str(v[0], "grantedToV2.user.id") != gs.DemoBobID || str(v[0], "grantedToV2.siteUser.loginName") == "" ||
		str(v[0], "grantedTo.user.id") != gs.DemoBobID || roles(v[0]) != "write" || v[0]["invitation"] != nil || v[0]["expirationDateTime"] != nil {
		t.Fatalf("user grant: %v", v[0])
	}
	// outside the tenant: an invitation with its link and the expiry
	if str(v[1], "invitation.email") != "dave@fabrikam.com" || v[1]["invitation"].(map[string]any)["signInRequired"] != true ||
		str(v[1], "link.webUrl") == "" || str(v[1], "expirationDateTime") != exp || str(v[1], "grantedToIdentitiesV2.0.user.email") != "dave@fabrikam.com" {
		t.Fatalf("invitation: %v", v[1])
	}
	if ctx, _ := r.body["@odata.context"].(string); !strings.Contains(ctx, "Collection(microsoft.graph.permission)") {
		t.Fatalf("context: %s", r.raw)
	}
	// bob can now read the report; the permissions list both
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, bob, nil).must(t, 200)
	perms := byID(e.do("GET", report+"/permissions", alice, nil).must(t, 200))
	if perms[str(v[0], "id")] == nil || perms[str(v[1], "id")] == nil {
		t.Fatalf("invite results not listed: %v", perms)
	}
	// requireSignIn:false: the invitation URL works for whoever holds it
	open := e.do("POST", report+"/invite", alice, inviteBody([]string{"read"}, map[string]any{"requireSignIn": false}, email("frank@fabrikam.com"))).must(t, 200).values()
	if open[0]["invitation"].(map[string]any)["signInRequired"] != false {
		t.Fatalf("signInRequired: %v", open[0])
	}
	e.do("GET", "/shares/"+gs.EncodeSharingURL(str(open[0], "link.webUrl"))+"/driveItem", carol, nil).must(t, 200)
	// personal drive: Microsoft accounts get user grants, a password is allowed
	trip := "/me/drive/items/" + gs.DemoTripID
	pr := e.do("POST", trip+"/invite", carol, inviteBody([]string{"read"}, map[string]any{"password": "s3cret"}, email("gina@outlook.com"))).must(t, 200).values()
	if pr[0]["hasPassword"] != true || str(pr[0], "invitation.email") != "gina@outlook.com" {
		t.Fatalf("personal invitation: %v", pr[0])
	}
}

func TestInvitePartialSuccess(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	// an unknown alias fails alone: 207, the failed recipient an entry with an error
	r := e.do("POST", report+"/invite", alice, inviteBody([]string{"read"}, nil, email(gs.DemoBobUPN), map[string]any{"alias": "nobody"})).must(t, 207)
	v := r.values()
	if len(v) != 2 || v[0]["error"] != nil || str(v[1], "error.code") != "invalidRequest" || v[1]["id"] != nil {
		t.Fatalf("207: %s", r.raw)
	}
	// applications cannot invite new guests, but can invite users and existing guests
	r = e.do("POST", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID+"/invite", app,
		inviteBody([]string{"read"}, nil, email("new@fabrikam.com"), email(gs.DemoBobUPN))).must(t, 207)
	if v := r.values(); str(v[0], "error.code") != "accessDenied" || str(v[0], "invitation.email") != "new@fabrikam.com" || str(v[1], "grantedToV2.user.id") != gs.DemoBobID {
		t.Fatalf("app-only: %s", r.raw)
	}
	e.do("POST", report+"/invite", alice, inviteBody([]string{"read"}, nil, email("guest@fabrikam.com"))).must(t, 200)
	e.do("POST", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoBudgetID+"/invite", app, inviteBody([]string{"read"}, nil, email("guest@fabrikam.com"))).must(t, 200)
	// all recipients failed: the request fails
	e.do("POST", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID+"/invite", app,
		inviteBody([]string{"read"}, nil, email("new@fabrikam.com"))).graphErr(t, 403, "accessDenied")
}

func TestInviteRefusals(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []struct {
		name, token, path string
		body              any
		status            int
		code              string
	}{
		{"no recipients", alice, report, inviteBody([]string{"read"}, nil), 400, "invalidRequest"},
		{"no roles", alice, report, map[string]any{"recipients": []any{email("a@b.com")}}, 400, "invalidRequest"},
		{"bad role", alice, report, inviteBody([]string{"owner"}, nil, email("a@b.com")), 400, "invalidRequest"},
		{"unknown property", alice, report, inviteBody([]string{"read"}, map[string]any{"scope": "users"}, email("a@b.com")), 400, "invalidRequest"},
		{"long message", alice, report, inviteBody([]string{"read"}, map[string]any{"message": strings.Repeat("x", 2001)}, email("a@b.com")), 400, "invalidRequest"},
		{"past expiry", alice, report, inviteBody([]string{"read"}, map[string]any{"expirationDateTime": past}, email("a@b.com")), 400, "invalidRequest"},
		{"password on business", alice, report, inviteBody([]string{"read"}, map[string]any{"password": "x"}, email("a@b.com")), 400, "invalidRequest"},
		{"personal root", carol, "/me/drive/root", inviteBody([]string{"read"}, nil, email("a@b.com")), 400, "invalidRequest"},
		{"read-only caller", bob, "/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoReportID, inviteBody([]string{"read"}, nil, email("a@b.com")), 404, "itemNotFound"},
		{"no token", "", report, inviteBody([]string{"read"}, nil, email("a@b.com")), 401, "InvalidAuthenticationToken"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.do("POST", c.path+"/invite", c.token, c.body).graphErr(t, c.status, c.code)
		})
	}
	r := e.do("GET", report+"/invite", alice, nil).graphErr(t, 405, "notAllowed")
	if r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	// read scopes are not enough
	ro := gs.Token(map[string]any{"tid": gs.DemoTenantID, "oid": gs.DemoAliceID, "upn": gs.DemoAliceUPN, "scp": "Files.Read.All"})
	e.do("POST", report+"/invite", ro, inviteBody([]string{"read"}, nil, email("a@b.com"))).graphErr(t, 403, "accessDenied")
}

// retainInheritedPermissions:false on the item's first share stops it
// inheriting, as for createLink.
func TestInviteRetainInheritedFalse(t *testing.T) {
	e := newEnv(t)
	q3 := "/me/drive/items/" + gs.DemoQ3ID
	e.do("POST", q3+"/invite", alice, inviteBody([]string{"read"}, map[string]any{"retainInheritedPermissions": false}, email("h@fabrikam.com"))).must(t, 200)
	for _, p := range e.do("GET", q3+"/permissions", alice, nil).must(t, 200).values() {
		if p["inheritedFrom"] != nil {
			t.Fatalf("still inherits: %v", p)
		}
	}
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoQ3ID, bob, nil).graphErr(t, 404, "itemNotFound")
}
