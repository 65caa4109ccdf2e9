package graphsim_test

import (
	"strings"
	"testing"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

// Every path form of the seeds (000/001, all 23 of 002, 003) plus the
// root:/path: and legacy forms, each checked by resolving the new link back
// to the item it must be on.
func TestCreateLinkPathForms(t *testing.T) {
	e0 := newEnv(t)
	reportURL := e0.do("GET", "/me/drive/items/"+gs.DemoReportID, alice, nil).must(t, 200).s("webUrl")
	documentsURL := e0.do("GET", "/me/drive/items/"+gs.DemoDocumentsID, alice, nil).must(t, 200).s("webUrl")
	reportShare := gs.EncodeSharingURL(reportURL)
	docsShare := gs.EncodeSharingURL(documentsURL)
	g := "/me/joinedGroups/" + gs.DemoMarketingGroupID
	site := g + "/sites/" + enc(gs.DemoMarketingSiteID) + "/items/"
	aliceDrive := "/drives/" + gs.DemoAliceDriveID
	cases := []struct {
		name, path, want string
		token            string
	}{
		// 000 / 001
		{"drives items", aliceDrive + "/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"groups drive items", "/groups/" + gs.DemoMarketingGroupID + "/drive/items/" + gs.DemoBrandID, gs.DemoBrandID, alice},
		{"me drive items", "/me/drive/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"sites drive items", "/sites/" + gs.DemoMarketingSiteID + "/drive/items/" + gs.DemoBrandID, gs.DemoBrandID, bob},
		{"users upn drive items", "/users/" + gs.DemoAliceUPN + "/drive/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"users id drive items", "/users/" + gs.DemoAliceID + "/drive/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		// 002
		{"drives root", aliceDrive + "/root", gs.DemoAliceRootID, alice},
		{"shares root", "/shares/" + reportShare + "/root", gs.DemoReportID, alice},
		{"workbooks", "/workbooks/" + gs.DemoBudgetID, gs.DemoBudgetID, alice},
		{"shares driveItem", "/shares/" + reportShare + "/driveItem", gs.DemoReportID, alice},
		{"joinedGroups drive root", g + "/drive/root", gs.DemoMarketingRootID, alice},
		{"drives items 002", aliceDrive + "/items/" + gs.DemoQ3ID, gs.DemoQ3ID, alice},
		{"shares items", "/shares/" + docsShare + "/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"drives bundles", aliceDrive + "/bundles/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"drives special", aliceDrive + "/special/documents", gs.DemoDocumentsID, alice},
		{"drives following", aliceDrive + "/following/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"workbooks children", "/workbooks/" + gs.DemoDocumentsID + "/children/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"joinedGroups items", g + "/drive/items/" + gs.DemoBrandID, gs.DemoBrandID, alice},
		{"joinedGroups bundles", g + "/drive/bundles/" + gs.DemoBrandID, gs.DemoBrandID, alice},
		{"joinedGroups special", g + "/drive/special/Documents", gs.DemoSharedID, alice},
		{"joinedGroups following", g + "/drive/following/" + gs.DemoBrandID, gs.DemoBrandID, alice},
		{"channel filesFolder", g + "/team/channels/" + enc(gs.DemoGeneralChannelID) + "/filesFolder", gs.DemoGeneralID, alice},
		{"activities driveItem", g + "/drive/activities/" + gs.DemoBrandID + "/driveItem", gs.DemoBrandID, alice},
		{"activities listItem driveItem", g + "/drive/activities/" + gs.DemoBrandID + "/driveItem/listItem/driveItem", gs.DemoBrandID, alice},
		{"activities children", g + "/drive/activities/" + gs.DemoSharedID + "/driveItem/children/" + gs.DemoBrandID, gs.DemoBrandID, alice},
		{"sharedDriveItem root", site + gs.DemoSharedID + "/microsoft.graph.sharedDriveItem/root", gs.DemoSharedID, alice},
		{"sharedDriveItem driveItem", site + gs.DemoSharedID + "/microsoft.graph.sharedDriveItem/driveItem", gs.DemoSharedID, alice},
		{"sharedDriveItem items", site + gs.DemoSharedID + "/microsoft.graph.sharedDriveItem/items/" + gs.DemoBrandID, gs.DemoBrandID, alice},
		{"sharedDriveItem drive id root", site + gs.DemoMarketingDriveID + "/microsoft.graph.sharedDriveItem/root", gs.DemoMarketingRootID, alice},
		{"activity stats", g + "/drive/activities/" + gs.DemoSharedID + "/driveItem/analytics/itemActivityStats/s1/activities/" + gs.DemoBrandID + "/driveItem", gs.DemoBrandID, alice},
		// 003
		{"legacy drive root", "/drive/root", gs.DemoAliceRootID, alice},
		{"me drive root", "/me/drive/root", gs.DemoAliceRootID, alice},
		// path addressing, versions, case, escaping
		{"root path", "/me/drive/root:/Documents/Report.docx:", gs.DemoReportID, alice},
		{"root path case", "/me/drive/root:/documents/REPORT.DOCX:", gs.DemoReportID, alice},
		{"item relative path", "/me/drive/items/" + gs.DemoDocumentsID + ":/Plans/Q3.pptx:", gs.DemoQ3ID, alice},
		{"v1.0 prefix", "/v1.0/me/drive/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"beta prefix", "/beta/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"segment case", "/ME/Drive/Items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"escaped ids", "/drives/" + strings.ReplaceAll(gs.DemoAliceDriveID, "!", "%21") + "/items/" + gs.DemoReportID, gs.DemoReportID, alice},
		{"teams channel", "/teams/" + gs.DemoMarketingGroupID + "/channels/" + enc(gs.DemoGeneralChannelID) + "/filesFolder", gs.DemoGeneralID, bob},
		{"groups sites drive", "/groups/" + gs.DemoMarketingGroupID + "/sites/" + gs.DemoMarketingSiteID + "/drive/root", gs.DemoMarketingRootID, bob},
		{"site by name", "/sites/marketing/drive/items/" + gs.DemoBrandID, gs.DemoBrandID, bob},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			path := c.path
			r := e.link(c.token, path, view("organization"), 201)
			if r.s("link.scope") != "organization" || r.s("link.type") != "view" || roles(r.body) != "read" {
				t.Fatalf("link: %s", r.raw)
			}
			if got := e.sharedItemID(c.token, r.s("shareId")); got != c.want {
				t.Fatalf("link is on %s, want %s", got, c.want)
			}
			if got := e.sharedItemID(c.token, gs.EncodeSharingURL(r.s("link.webUrl"))); got != c.want {
				t.Fatalf("webUrl resolves to %s, want %s", got, c.want)
			}
			// the same address answers GET (the item) too, unless it is a share form
			if !strings.Contains(c.path, "/shares/") {
				if got := e.do("GET", path, c.token, nil).must(t, 200).s("id"); got != c.want {
					t.Fatalf("GET %s = %s, want %s", path, got, c.want)
				}
			}
		})
	}
}

func TestCreateLinkExistingAndNew(t *testing.T) {
	e := newEnv(t)
	p := "/me/drive/items/" + gs.DemoReportID
	first := e.link(alice, p, view("anonymous"), 201)
	again := e.link(alice, p, view("anonymous"), 200)
	if first.s("id") != again.s("id") || first.s("link.webUrl") != again.s("link.webUrl") {
		t.Fatalf("200 must return the existing link: %s vs %s", first.raw, again.raw)
	}
	// another path to the same item, same app: still the existing link
	e.link(alice, "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, view("anonymous"), 200)
	// a different scope, type, app, password or expiry is a new link
	e.link(alice, p, view("organization"), 201)
	e.link(alice, p, map[string]any{"type": "edit", "scope": "anonymous"}, 201)
	e.link(app, "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID, view("anonymous"), 200) // same appid as DemoToken
	other := gs.Token(map[string]any{"tid": gs.DemoTenantID, "oid": gs.DemoAliceID, "appid": "11111111-2222-3333-4444-555555555555", "app_displayname": "Other", "scp": "Files.ReadWrite"})
	o := e.link(other, p, view("anonymous"), 201)
	if o.s("link.application.id") != "11111111-2222-3333-4444-555555555555" || o.s("link.application.displayName") != "Other" {
		t.Fatalf("application: %s", o.raw)
	}
	pw := map[string]any{"type": "view", "scope": "anonymous", "password": "s3cret!"}
	a := e.link(alice, p, pw, 201)
	b := e.link(alice, p, pw, 201)
	if a.s("id") == b.s("id") || a.get("hasPassword") != true || strings.Contains(string(a.raw), "s3cret") {
		t.Fatalf("password links: %s / %s", a.raw, b.raw)
	}
	exp := map[string]any{"type": "view", "scope": "anonymous", "expirationDateTime": "2099-01-01T00:03:08.7291689+03:00"}
	x := e.link(alice, p, exp, 201)
	if x.s("expirationDateTime") != "2098-12-31T21:03:08Z" {
		t.Fatalf("expiry must come back in UTC: %s", x.raw)
	}
	e.link(alice, p, exp, 200)
	// the seeded organization link on Budget belongs to another app
	e.link(alice, "/me/drive/items/"+gs.DemoBudgetID, view("organization"), 201)
}

func TestCreateLinkUsersScopeAlwaysNew(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"type": "edit", "scope": "users", "recipients": []any{
		map[string]any{"@odata.type": "microsoft.graph.driveRecipient", "email": gs.DemoBobUPN},
		map[string]any{"email": "dave@fabrikam.com"},
	}}
	a := e.link(alice, "/me/drive/items/"+gs.DemoReportID, body, 201)
	b := e.link(alice, "/me/drive/items/"+gs.DemoReportID, body, 201)
	if a.s("id") == b.s("id") || a.s("link.webUrl") == b.s("link.webUrl") {
		t.Fatal("users-scope links must always be new")
	}
	if roles(a.body) != "write" || a.s("grantedToIdentitiesV2.0.user.id") != gs.DemoBobID ||
		a.s("grantedToIdentitiesV2.1.user.email") != "dave@fabrikam.com" || a.s("grantedToIdentities.0.user.id") != gs.DemoBobID {
		t.Fatalf("users link: %s", a.raw)
	}
	// bob may follow it, carol (not a recipient) may not
	e.do("GET", "/shares/"+a.s("shareId")+"/driveItem", bob, nil).must(t, 200)
	e.do("GET", "/shares/"+a.s("shareId")+"/driveItem", carol, nil).graphErr(t, 403, "accessDenied")
}

func TestCreateLinkRolesAndShapes(t *testing.T) {
	report := "/me/drive/items/" + gs.DemoReportID
	cases := []struct {
		token, path, typ, scope, role string
		prevents                      bool
		urlPrefix                     string
	}{
		{alice, report, "view", "organization", "read", false, "https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/"},
		{alice, report, "edit", "anonymous", "write", false, "https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/"},
		{alice, report, "review", "organization", "read", false, "https://contoso-my.sharepoint.com/:w:/"},
		{alice, report, "blocksDownload", "organization", "read", true, "https://contoso-my.sharepoint.com/:w:/"},
		{alice, report, "addressBar", "organization", "read", false, "https://contoso-my.sharepoint.com/:w:/"},
		{alice, report, "adminDefault", "organization", "read", false, "https://contoso-my.sharepoint.com/:w:/"},
		{alice, "/me/drive/items/" + gs.DemoBudgetID, "view", "anonymous", "read", false, "https://contoso-my.sharepoint.com/:x:/"},
		{alice, "/me/drive/items/" + gs.DemoQ3ID, "view", "anonymous", "read", false, "https://contoso-my.sharepoint.com/:p:/"},
		{alice, "/me/drive/items/" + gs.DemoPlansID, "createOnly", "anonymous", "write", false, "https://contoso-my.sharepoint.com/:f:/"},
		{bob, "/me/drive/items/" + gs.DemoLogoID, "view", "organization", "read", false, "https://contoso-my.sharepoint.com/:i:/g/personal/bob_contoso_com/"},
		{bob, "/me/drive/items/" + gs.DemoNotesID, "view", "organization", "read", false, "https://contoso-my.sharepoint.com/:t:/"},
		{alice, "/sites/marketing/drive/items/" + gs.DemoBrandID, "edit", "organization", "write", false, "https://contoso.sharepoint.com/:b:/s/marketing/"},
		{carol, "/me/drive/items/" + gs.DemoTripID, "view", "anonymous", "read", false, "https://1drv.ms/i/s!"},
		{carol, "/me/drive/items/" + gs.DemoPhotosID, "edit", "anonymous", "write", false, "https://1drv.ms/f/s!"},
		{carol, "/me/drive/items/" + gs.DemoTripID, "embed", "anonymous", "read", false, "https://onedrive.live.com/embed?resid=" + gs.DemoTripID + "&authkey=!"},
	}
	for _, c := range cases {
		t.Run(c.typ+"_"+c.scope+"_"+c.urlPrefix, func(t *testing.T) {
			e := newEnv(t)
			r := e.link(c.token, c.path, map[string]any{"type": c.typ, "scope": c.scope}, 201)
			if roles(r.body) != c.role || r.s("link.type") != c.typ || r.s("link.scope") != c.scope {
				t.Fatalf("got %s", r.raw)
			}
			if r.get("link.preventsDownload") != c.prevents || r.get("hasPassword") != false {
				t.Fatalf("flags: %s", r.raw)
			}
			if !strings.HasPrefix(r.s("link.webUrl"), c.urlPrefix) || !strings.HasPrefix(r.s("shareId"), "s!") {
				t.Fatalf("webUrl %q, want prefix %q", r.s("link.webUrl"), c.urlPrefix)
			}
			if r.s("link.application.id") != gs.DemoAppID || r.s("link.application.displayName") != gs.DemoAppName {
				t.Fatalf("application: %s", r.raw)
			}
			html := r.s("link.webHtml")
			if (c.typ == "embed") != (html != "") || (html != "" && !strings.HasPrefix(html, "<iframe src=")) {
				t.Fatalf("webHtml: %q", html)
			}
			if r.get("expirationDateTime") != nil {
				t.Fatal("no expiry was asked for")
			}
		})
	}
}

func TestCreateLinkPlatformRules(t *testing.T) {
	report, plans := "/me/drive/items/"+gs.DemoReportID, "/me/drive/items/"+gs.DemoPlansID
	trip, photos := "/me/drive/items/"+gs.DemoTripID, "/me/drive/items/"+gs.DemoPhotosID
	cases := []struct {
		name, token, path, typ, scope string
	}{
		{"embed on business", alice, report, "embed", "anonymous"},
		{"embed on library", alice, "/sites/marketing/drive/items/" + gs.DemoBrandID, "embed", "anonymous"},
		{"embed on personal folder", carol, photos, "embed", "anonymous"},
		{"organization on personal", carol, trip, "view", "organization"},
		{"users on personal", carol, trip, "view", "users"},
		{"review on personal", carol, trip, "review", "anonymous"},
		{"blocksDownload on personal", carol, trip, "blocksDownload", "anonymous"},
		{"createOnly on personal", carol, photos, "createOnly", "anonymous"},
		{"addressBar on personal", carol, trip, "addressBar", "anonymous"},
		{"adminDefault on personal", carol, trip, "adminDefault", "anonymous"},
		{"createOnly on file", alice, report, "createOnly", "organization"},
		{"review on folder", alice, plans, "review", "organization"},
		{"blocksDownload on folder", alice, plans, "blocksDownload", "organization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			body := map[string]any{"type": c.typ, "scope": c.scope}
			if c.scope == "users" {
				body["recipients"] = []any{map[string]any{"email": "x@example.com"}}
			}
			e.do("POST", c.path+"/createLink", c.token, body).graphErr(t, 400, "invalidRequest")
			e.do("GET", c.path+"/permissions", c.token, nil).must(t, 200)
		})
	}
}

func TestCreateLinkBodyValidation(t *testing.T) {
	report := "/me/drive/items/" + gs.DemoReportID
	cases := []struct {
		name string
		path string
		body any
	}{
		{"unknown type", report, `{"type":"bogus","scope":"anonymous"}`},
		{"unknown scope", report, `{"type":"view","scope":"world"}`},
		{"type not a string", report, `{"type":5}`},
		{"unknown property", report, `{"type":"view","foo":1}`},
		{"past expiry", report, `{"type":"view","expirationDateTime":"2001-01-01T00:00:00Z"}`},
		{"bad expiry", report, `{"type":"view","expirationDateTime":"tomorrow"}`},
		{"expiry without zone", report, `{"type":"view","expirationDateTime":"2099-01-01T00:00:00"}`},
		{"empty password", report, `{"type":"view","scope":"anonymous","password":""}`},
		{"users without recipients", report, `{"type":"view","scope":"users"}`},
		{"recipient with two keys", report, `{"type":"view","scope":"users","recipients":[{"email":"a@b.com","alias":"a"}]}`},
		{"recipient with none", report, `{"type":"view","scope":"users","recipients":[{"@odata.type":"microsoft.graph.driveRecipient"}]}`},
		{"bad email", report, `{"type":"view","scope":"users","recipients":[{"email":"not an address"}]}`},
		{"unknown alias", report, `{"type":"view","scope":"users","recipients":[{"alias":"nobody"}]}`},
		{"unknown objectId", report, `{"type":"view","scope":"users","recipients":[{"objectId":"00000000-1111-2222-3333-444444444444"}]}`},
		{"recipients not array", report, `{"type":"view","recipients":{}}`},
		{"retain not bool", report, `{"type":"view","retainInheritedPermissions":"no"}`},
		{"not JSON", report, `type=view`},
		{"array body", report, `[{"type":"view"}]`},
		{"trailing data", report, `{"type":"view"} {}`},
		{"v1.0 without type", report, `{"scope":"anonymous"}`},
		{"v1.0 empty body", "/v1.0" + report, ``},
		{"invalid utf8", report, "{\"type\":\"view\",\"message\":\"\xff\"}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.do("POST", c.path+"/createLink", alice, c.body).graphErr(t, 400, "invalidRequest")
			if e.sim.Requests()["POST createLink"] != 1 {
				t.Fatal("not counted")
			}
		})
	}
}

func TestCreateLinkDefaults(t *testing.T) {
	e := newEnv(t)
	// beta: no type and no scope asks for the organization's default
	r := e.link(alice, "/beta/me/drive/items/"+gs.DemoReportID, nil, 201)
	if r.s("link.type") != "view" || r.s("link.scope") != "organization" {
		t.Fatalf("business default: %s", r.raw)
	}
	e.link(alice, "/beta/me/drive/items/"+gs.DemoReportID, `{}`, 200)
	r = e.link(carol, "/beta/me/drive/items/"+gs.DemoTripID, `{}`, 201)
	if r.s("link.type") != "view" || r.s("link.scope") != "anonymous" {
		t.Fatalf("personal default: %s", r.raw)
	}
	// v1.0 with a type but no scope: the default scope
	r = e.link(alice, "/v1.0/me/drive/items/"+gs.DemoBudgetID, `{"type":"edit"}`, 201)
	if r.s("link.scope") != "organization" {
		t.Fatalf("default scope: %s", r.raw)
	}
	// beta with only a scope: view; values are matched case-insensitively
	r = e.link(alice, "/beta/me/drive/items/"+gs.DemoQ3ID, `{"scope":"Anonymous"}`, 201)
	if r.s("link.type") != "view" || r.s("link.scope") != "anonymous" {
		t.Fatalf("scope only: %s", r.raw)
	}
	// the 001 example body, with a real recipient, and annotations
	body := `{"type":"view","scope":"anonymous","password":"String","recipients":[{"@odata.type":"microsoft.graph.driveRecipient","email":"bob@contoso.com"}],"sendNotification":true,"retainInheritedPermissions":false,"message":"hi","type@odata.type":"String"}`
	r = e.link(alice, "/beta/me/drive/items/"+gs.DemoReportID, body, 201)
	if r.get("hasPassword") != true {
		t.Fatalf("001 example: %s", r.raw)
	}
}
