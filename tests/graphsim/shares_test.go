package graphsim_test

import (
	"encoding/base64"
	"strings"
	"testing"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

// encode004 is 004's C# recipe, step by step: standard base64, trim "=",
// then replace "/" and "+".
func encode004(u string) string {
	b := base64.StdEncoding.EncodeToString([]byte(u))
	return "u!" + strings.NewReplacer("/", "_", "+", "-").Replace(strings.TrimRight(b, "="))
}

func TestEncodeSharingURL(t *testing.T) {
	for _, u := range []string{
		"https://1drv.ms/w/s!a",                      // 1 byte of padding dropped
		"https://1drv.ms/w/s!ab",                     // 2
		"https://1drv.ms/w/s!abc",                    // none
		"https://contoso.sharepoint.com/:w:/s/x/??>", // "/" and "+" in the output
		"https://contoso.sharepoint.com/sites/é/ü/Ωmega",
		"!12&authKey=1201919!12921!1",
	} {
		if got, want := gs.EncodeSharingURL(u), encode004(u); got != want {
			t.Errorf("EncodeSharingURL(%q) = %q, want %q", u, got, want)
		}
	}
	if got := gs.EncodeSharingURL("https://contoso.sharepoint.com/:w:/s/x/??>"); !strings.ContainsAny(got, "-_") {
		t.Errorf("vector should exercise the url alphabet: %s", got)
	}
}

func TestSharesResolution(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	item := e.do("GET", report, alice, nil).must(t, 200)
	anon := e.link(alice, report, view("anonymous"), 201)
	org := e.link(alice, report, view("organization"), 201)
	users := e.link(alice, report, map[string]any{"type": "view", "scope": "users", "recipients": []any{email(gs.DemoBobUPN)}}, 201)
	pw := e.link(alice, report, map[string]any{"type": "view", "scope": "anonymous", "password": "pw"}, 201)
	get := func(token, id string) *resp { return e.do("GET", "/shares/"+id+"/driveItem", token, nil) }
	for _, id := range []string{
		anon.s("shareId"), gs.EncodeSharingURL(anon.s("link.webUrl")), gs.EncodeSharingURL(item.s("webUrl")),
		encode004(org.s("link.webUrl")) + "=", // padding is tolerated
		"U!" + strings.TrimPrefix(gs.EncodeSharingURL(org.s("link.webUrl")), "u!"),
	} {
		if got := get(alice, id).must(t, 200); got.s("id") != gs.DemoReportID || got.s("name") != "Report.docx" {
			t.Fatalf("%s resolves to %s", id, got.raw)
		}
	}
	cases := []struct {
		name, token, id string
		status          int
		code            string
	}{
		{"anonymous, personal account", carol, anon.s("shareId"), 200, ""},
		{"organization, tenant user", bob, org.s("shareId"), 200, ""},
		{"organization, personal account", carol, org.s("shareId"), 403, "accessDenied"},
		{"organization, app", app, org.s("shareId"), 200, ""},
		{"users, recipient", bob, users.s("shareId"), 200, ""},
		{"users, not a recipient", carol, users.s("shareId"), 403, "accessDenied"},
		{"password link", bob, pw.s("shareId"), 403, "accessDenied"},
		{"password link, owner", alice, pw.s("shareId"), 200, ""},
		{"item URL, no access", bob, gs.EncodeSharingURL(item.s("webUrl")), 403, "accessDenied"},
		{"malformed base64", alice, "u!***", 400, "invalidRequest"},
		{"standard alphabet +", alice, "u!aHR0cHM6Ly9leGFtcGxlLmNvbS8+Pz4", 400, "invalidRequest"},
		{"standard alphabet /", alice, "u!aHR0cHM6Ly9leGFtcGxlLmNvbS8%2FPz4", 400, "invalidRequest"},
		{"not a URL", alice, "u!" + enc64("hello"), 400, "invalidRequest"},
		{"not http", alice, gs.EncodeSharingURL("ftp://contoso.sharepoint.com/x"), 400, "invalidRequest"},
		{"empty", alice, "u!", 400, "invalidRequest"},
		{"too much padding", alice, gs.EncodeSharingURL("https://1drv.ms/w/s!a") + "===", 400, "invalidRequest"},
		{"unknown prefix", alice, "x!abc", 400, "invalidRequest"},
		{"bad shareId", alice, "s!a+b", 400, "invalidRequest"},
		{"unknown URL", alice, gs.EncodeSharingURL("https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/Enope"), 404, "itemNotFound"},
		{"unknown shareId", alice, "s!Enope", 404, "itemNotFound"},
		{"URL with a query added", alice, gs.EncodeSharingURL(anon.s("link.webUrl") + "?e=1"), 404, "itemNotFound"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(c.token, c.id)
			if c.status == 200 {
				if r.must(t, 200).s("id") != gs.DemoReportID {
					t.Fatalf("resolved to %s", r.raw)
				}
				return
			}
			r.graphErr(t, c.status, c.code)
		})
	}
	if e.sim.Requests()["GET sharesDriveItem"] != 5+len(cases) {
		t.Fatalf("counters: %v", e.sim.Requests())
	}
}

func TestSharesFolderNavigation(t *testing.T) {
	e := newEnv(t)
	l := e.link(alice, "/me/drive/items/"+gs.DemoPlansID, view("anonymous"), 201)
	s := "/shares/" + l.s("shareId")
	// carol, outside the tenant, follows the anonymous folder link
	e.do("GET", s+"/items/"+gs.DemoQ3ID, carol, nil).must(t, 200)
	e.do("GET", s+"/root", carol, nil).must(t, 200)
	kids := e.do("GET", s+"/driveItem/children", carol, nil).must(t, 200).values()
	if len(kids) != 1 || str(kids[0], "id") != gs.DemoQ3ID {
		t.Fatalf("children: %v", kids)
	}
	e.do("GET", s+"/driveItem/children/"+gs.DemoQ3ID, carol, nil).must(t, 200)
	// but nothing outside the shared folder
	e.do("GET", s+"/items/"+gs.DemoReportID, carol, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", s+"/driveItem/analytics/itemActivityStats/x/activities/"+gs.DemoReportID+"/driveItem", carol, nil).graphErr(t, 404, "itemNotFound")
	// and a link holder may not reshare
	e.do("POST", s+"/driveItem/createLink", carol, view("anonymous")).graphErr(t, 403, "accessDenied")
	// the permission behind the share
	p := e.do("GET", s+"/permission", carol, nil).must(t, 200)
	if p.s("id") != l.s("id") || p.s("link.scope") != "anonymous" {
		t.Fatalf("shares permission: %s", p.raw)
	}
	item := e.do("GET", "/me/drive/items/"+gs.DemoPlansID, alice, nil).must(t, 200)
	ea := e.do("GET", "/shares/"+gs.EncodeSharingURL(item.s("webUrl"))+"/permission", alice, nil).must(t, 200)
	if ea.s("id") != "00000000-0000-0000-0000-000000000000" || ea.s("link.scope") != "existingAccess" {
		t.Fatalf("existing access permission: %s", ea.raw)
	}
}

func TestExpiredSeededLink(t *testing.T) {
	seed := gs.DemoSeed()
	notes := &seed.Drives[1].Root.Children[0]
	notes.Permissions = []gs.SeedPermission{
		{ID: "expired-link", Link: &gs.SeedLink{Type: "view", Scope: "anonymous", ExpirationDateTime: "2020-01-01T00:00:00Z"}},
		{ID: "live-link", Link: &gs.SeedLink{Type: "edit", Scope: "organization", ExpirationDateTime: "2099-01-01T00:00:00Z"}},
	}
	if err := seed.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newEnvSeed(t, seed)
	perms := byID(e.do("GET", "/me/drive/items/"+gs.DemoNotesID+"/permissions", bob, nil).must(t, 200))
	exp, live := perms["expired-link"], perms["live-link"]
	if exp == nil || live == nil || str(exp, "expirationDateTime") != "2020-01-01T00:00:00Z" || roles(live) != "write" {
		t.Fatalf("seeded links: %v", perms)
	}
	e.do("GET", "/shares/"+str(exp, "shareId")+"/driveItem", carol, nil).graphErr(t, 403, "accessDenied")
	e.do("GET", "/shares/"+str(live, "shareId")+"/driveItem", alice, nil).must(t, 200)
}

// sites/{s}/items/{b}/microsoft.graph.sharedDriveItem with {b} a share id.
func TestSiteSharedDriveItemWithShareID(t *testing.T) {
	e := newEnv(t)
	l := e.link(alice, "/sites/marketing/drive/items/"+gs.DemoSharedID, view("organization"), 201)
	base := "/me/joinedGroups/" + gs.DemoMarketingGroupID + "/sites/" + gs.DemoMarketingSiteID + "/items/"
	for _, id := range []string{l.s("shareId"), gs.EncodeSharingURL(l.s("link.webUrl"))} {
		got := e.do("GET", base+id+"/microsoft.graph.sharedDriveItem/items/"+gs.DemoBrandID, bob, nil).must(t, 200)
		if got.s("id") != gs.DemoBrandID {
			t.Fatalf("%s: %s", id, got.raw)
		}
	}
	// a share of another drive is not an item of this site
	other := e.link(alice, "/me/drive/items/"+gs.DemoReportID, view("organization"), 201)
	e.do("GET", base+other.s("shareId")+"/microsoft.graph.sharedDriveItem/driveItem", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", base+"s!Enope/microsoft.graph.sharedDriveItem/driveItem", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", base+"nope/microsoft.graph.sharedDriveItem/driveItem", alice, nil).graphErr(t, 404, "itemNotFound")
}
