package graphsim_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func TestAuthRejects(t *testing.T) {
	e := newEnv(t)
	p := "/me/drive/items/" + gs.DemoReportID + "/createLink"
	body := view("anonymous")
	cases := []struct {
		name, auth string
		status     int
		code       string
	}{
		{"no header", "", 401, "InvalidAuthenticationToken"},
		{"not bearer", "Basic YWxpY2U6cHc=", 401, "InvalidAuthenticationToken"},
		{"garbage", "Bearer not-a-jwt", 401, "InvalidAuthenticationToken"},
		{"bad base64", "Bearer a.b!.c", 401, "InvalidAuthenticationToken"},
		{"claims not an object", "Bearer " + enc64(`{"alg":"none"}`) + "." + enc64(`[1]`) + ".", 401, "InvalidAuthenticationToken"},
		{"no scp or roles", "Bearer " + gs.Token(map[string]any{"tid": gs.DemoTenantID, "oid": gs.DemoAliceID}), 401, "InvalidAuthenticationToken"},
		{"expired", "Bearer " + gs.Token(map[string]any{"tid": gs.DemoTenantID, "oid": gs.DemoAliceID, "scp": "Files.ReadWrite", "exp": time.Now().Add(-time.Minute).Unix()}), 401, "InvalidAuthenticationToken"},
		{"unknown tenant", "Bearer " + gs.Token(map[string]any{"tid": "11111111-1111-1111-1111-111111111111", "oid": gs.DemoAliceID, "scp": "Files.ReadWrite"}), 401, "InvalidAuthenticationToken"},
		{"no user", "Bearer " + gs.Token(map[string]any{"tid": gs.DemoTenantID, "scp": "Files.ReadWrite"}), 401, "InvalidAuthenticationToken"},
		{"app without appid", "Bearer " + gs.Token(map[string]any{"tid": gs.DemoTenantID, "roles": []string{"Files.ReadWrite.All"}}), 401, "InvalidAuthenticationToken"},
		{"unsupported claims", "Bearer " + gs.Token(map[string]any{"x": func() {}}), 401, "InvalidAuthenticationToken"},
		{"delegated without a write scope", "Bearer " + scoped("User.Read Files.Read.All"), 403, "accessDenied"},
		{"personal with Sites scope only", "Bearer " + gs.Token(map[string]any{"tid": gs.MSATenantID, "oid": gs.DemoCarolID, "scp": "Sites.ReadWrite.All"}), 403, "accessDenied"},
		{"app with read role only", "Bearer " + gs.Token(map[string]any{"tid": gs.DemoTenantID, "appid": gs.DemoAppID, "roles": []string{"Sites.Read.All"}}), 403, "accessDenied"},
		{"app with delegated-only role", "Bearer " + gs.Token(map[string]any{"tid": gs.DemoTenantID, "appid": gs.DemoAppID, "roles": []string{"Files.ReadWrite"}}), 403, "accessDenied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", p, "", body, "Authorization", c.auth).graphErr(t, c.status, c.code)
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
		})
	}
	if e.sim.Total() != len(cases) {
		t.Fatalf("total %d, want %d", e.sim.Total(), len(cases))
	}
	// nothing was created by the refused calls
	e.link(alice, "/me/drive/items/"+gs.DemoReportID, body, 201)
}

func enc64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func scoped(scp string) string {
	return gs.Token(map[string]any{"tid": gs.DemoTenantID, "oid": gs.DemoAliceID, "upn": gs.DemoAliceUPN, "appid": gs.DemoAppID, "scp": scp})
}

func TestAuthAccepts(t *testing.T) {
	p := "/me/drive/items/" + gs.DemoReportID
	cases := []struct {
		name, token string
	}{
		{"Files.ReadWrite", scoped("Files.ReadWrite")},
		{"Files.ReadWrite.All", scoped("openid Files.ReadWrite.All")},
		{"Sites.ReadWrite.All", scoped("Sites.ReadWrite.All")},
		{"user found by upn", gs.Token(map[string]any{"tid": gs.DemoTenantID, "upn": "Alice@Contoso.com", "scp": "Files.ReadWrite"})},
		{"user found by preferred_username", gs.Token(map[string]any{"tid": gs.DemoTenantID, "preferred_username": gs.DemoAliceUPN, "scp": "Files.ReadWrite"})},
		{"oid wins over upn", gs.Token(map[string]any{"tid": gs.DemoTenantID, "oid": gs.DemoAliceID, "upn": "someone@else.com", "scp": "Files.ReadWrite"})},
		{"tid taken from the user", gs.Token(map[string]any{"oid": gs.DemoAliceID, "scp": "Files.ReadWrite"})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.link(c.token, p, view("anonymous"), 201)
		})
	}
	// reads accept the Read scopes; writes do not
	e := newEnv(t)
	e.do("GET", p+"/permissions", scoped("Files.Read"), nil).must(t, 200)
	e.do("POST", p+"/createLink", scoped("Files.Read"), view("anonymous")).graphErr(t, 403, "accessDenied")
	// a personal account with Files.ReadWrite
	e.link(gs.Token(map[string]any{"tid": gs.MSATenantID, "oid": gs.DemoCarolID, "scp": "Files.ReadWrite"}), "/me/drive/items/"+gs.DemoTripID, view("anonymous"), 201)
}

func TestApplicationTokens(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{
		"/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoReportID,
		"/users/" + gs.DemoBobUPN + "/drive/items/" + gs.DemoNotesID,
		"/sites/" + gs.DemoMarketingSiteID + "/drive/items/" + gs.DemoBrandID,
		"/groups/" + gs.DemoMarketingGroupID + "/drive/root",
	} {
		r := e.link(app, p, view("organization"), 201)
		if r.s("link.application.id") != gs.DemoAppID {
			t.Fatalf("%s: %s", p, r.raw)
		}
		e.do("GET", p+"/permissions", app, nil).must(t, 200)
	}
	e.do("POST", "/me/drive/items/"+gs.DemoReportID+"/createLink", app, view("organization")).graphErr(t, 400, "BadRequest")
	e.do("GET", "/me/drive", app, nil).graphErr(t, 400, "BadRequest")
	e.do("GET", "/me/joinedGroups/"+gs.DemoMarketingGroupID+"/drive/root", app, nil).graphErr(t, 400, "BadRequest")
	// personal drives are outside the tenant
	e.do("POST", "/drives/"+gs.DemoCarolDriveID+"/items/"+gs.DemoTripID+"/createLink", app, view("anonymous")).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/drives/"+gs.DemoCarolDriveID, app, nil).graphErr(t, 404, "itemNotFound")
	// application grant on an item URL
	item := e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, app, nil).must(t, 200)
	e.do("POST", "/shares/"+gs.EncodeSharingURL(item.s("webUrl"))+"/permission/grant", app,
		map[string]any{"recipients": []any{map[string]any{"email": gs.DemoBobUPN}}, "roles": []string{"read"}}).must(t, 200)
}

// Users act only where they have rights: invisible items are not found,
// visible ones they cannot share are denied.
func TestCrossUserAccess(t *testing.T) {
	e := newEnv(t)
	aliceReport := "/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoReportID
	e.do("POST", aliceReport+"/createLink", bob, view("organization")).graphErr(t, 404, "itemNotFound")
	e.do("GET", aliceReport, bob, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", aliceReport+"/permissions", bob, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/root", bob, nil).graphErr(t, 404, "itemNotFound")
	e.do("POST", aliceReport+"/createLink", carol, view("anonymous")).graphErr(t, 404, "itemNotFound")
	e.do("POST", "/drives/"+gs.DemoCarolDriveID+"/items/"+gs.DemoTripID+"/createLink", alice, view("anonymous")).graphErr(t, 404, "itemNotFound")
	// bob's write grant on alice's Plans folder reaches Q3.pptx by inheritance
	e.link(bob, "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoQ3ID, view("organization"), 201)
	e.link(bob, "/drives/"+gs.DemoAliceDriveID+"/root:/Documents/Plans:", view("organization"), 201)
	// a business drive's metadata is visible in the tenant, a personal one only to its owner
	e.do("GET", "/drives/"+gs.DemoAliceDriveID, bob, nil).must(t, 200)
	e.do("GET", "/drives/"+gs.DemoCarolDriveID, alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/users/"+gs.DemoAliceUPN+"/drive", carol, nil).graphErr(t, 404, "itemNotFound")
	// joinedGroups only for members
	unknown := gs.DemoToken("zed@contoso.com")
	e.do("GET", "/me/joinedGroups/"+gs.DemoMarketingGroupID+"/drive/root", unknown, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/me/drive", unknown, nil).graphErr(t, 404, "itemNotFound")
	// a user the seed does not know can still follow anonymous and organization links
	l := e.link(alice, aliceReport, view("organization"), 201)
	e.do("GET", "/shares/"+l.s("shareId")+"/driveItem", unknown, nil).must(t, 200)
	// but may not share with it
	e.do("POST", "/shares/"+l.s("shareId")+"/driveItem/createLink", unknown, view("organization")).graphErr(t, 403, "accessDenied")
}

// A site visitor (read) can see library items but not share them: 403.
func TestReadOnlyMemberDenied(t *testing.T) {
	seed := gs.DemoSeed()
	seed.Users = append(seed.Users, gs.SeedUser{ID: "aaaaaaaa-0000-4000-8000-000000000001", UPN: "vic@contoso.com", DisplayName: "Vic Visitor"})
	seed.Sites[0].Members = append(seed.Sites[0].Members, gs.SeedMember{User: "vic@contoso.com", Role: "read"})
	b, err := json.Marshal(seed)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := gs.ParseSeed(b)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvSeed(t, parsed)
	vic := gs.DemoToken("vic@contoso.com")
	brand := "/sites/marketing/drive/items/" + gs.DemoBrandID
	e.do("GET", brand, vic, nil).must(t, 200)
	e.do("POST", brand+"/createLink", vic, view("organization")).graphErr(t, 403, "accessDenied")
	l := e.link(alice, brand, view("organization"), 201)
	e.do("DELETE", brand+"/permissions/"+l.s("id"), vic, nil).graphErr(t, 403, "accessDenied")
	e.do("POST", "/shares/"+l.s("shareId")+"/permission/grant", vic,
		map[string]any{"recipients": []any{map[string]any{"email": "x@example.com"}}, "roles": []string{"read"}}).graphErr(t, 403, "accessDenied")
	perms := e.do("GET", brand+"/permissions", vic, nil).must(t, 200)
	var groups []string
	for _, p := range perms.values() {
		if n := str(p, "grantedToV2.siteGroup.displayName"); n != "" {
			groups = append(groups, n+":"+roles(p))
		}
	}
	if strings.Join(groups, " ") != "Marketing Members:write Marketing Visitors:read" {
		t.Fatalf("site groups: %v", groups)
	}
}
