package graphsim_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func TestRequestIDs(t *testing.T) {
	e := newEnv(t)
	a := e.do("GET", "/me/drive", alice, nil, "client-request-id", "my-id-123").must(t, 200)
	b := e.do("GET", "/me/drive", alice, nil).must(t, 200)
	if a.header.Get("client-request-id") != "my-id-123" || b.header.Get("client-request-id") == "" {
		t.Fatalf("client-request-id: %q %q", a.header.Get("client-request-id"), b.header.Get("client-request-id"))
	}
	if a.header.Get("request-id") == "" || a.header.Get("request-id") == b.header.Get("request-id") {
		t.Fatal("request-id must be set and unique")
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := e.do("GET", "/me/drive/items/nope", alice, nil, "client-request-id", "abc").graphErr(t, 404, "itemNotFound")
	if r.s("error.innerError.client-request-id") != "abc" || r.s("error.innerError.request-id") != r.header.Get("request-id") {
		t.Fatalf("innerError ids: %s", r.raw)
	}
	// also on control calls and faults
	if e.do("GET", "/_graphsim/requests", "", nil).header.Get("request-id") == "" {
		t.Fatal("no request-id on the control endpoint")
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	for _, p := range []string{
		"/", "/v1.0", "/foo", "/me", "/me/drives", "/me/drive/items", "/me/drive/items/" + gs.DemoReportID + "/bogus",
		"/me/drive/items/" + gs.DemoReportID + "/createLink/extra", "/shares/x/permission/revoke", "/v2.0/me/drive",
		"/me//drive", "/me/drive/root:/a:/b:", "/me/drive/root:/../x:", "/sites/marketing",
		"/me/joinedGroups/g/team/channels/c", "/workbooks", "/me/drive/items/" + gs.DemoReportID + "/permissions/a/b",
	} {
		e.do("GET", p, alice, nil).graphErr(t, 404, "invalidRequest")
	}
	for _, c := range []struct{ method, path, allow string }{
		{"GET", report + "/createLink", "POST"},
		{"PUT", report + "/createLink", "POST"},
		{"POST", report + "/permissions", "GET"},
		{"POST", report + "/permissions/x", "GET, PATCH, DELETE"},
		{"DELETE", report, "GET"},
		{"POST", "/me/drive", "GET"},
		{"HEAD", "/me/drive", "GET"},
	} {
		r := e.do(c.method, c.path, alice, nil)
		if c.method == "HEAD" {
			r.must(t, 405)
		} else {
			r.graphErr(t, 405, "notAllowed")
		}
		if r.header.Get("Allow") != c.allow {
			t.Fatalf("%s %s: Allow %q", c.method, c.path, r.header.Get("Allow"))
		}
	}
	counts := e.sim.Requests()
	if counts["GET unknown"] != 17 || counts["GET createLink"] != 1 || counts["POST permission"] != 1 {
		t.Fatalf("counters: %v", counts)
	}
	// missing items under known routes
	e.do("GET", "/me/drive/root:/Documents/Nope.docx:", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/drives/b!nope/root", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/users/nobody@contoso.com/drive", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/groups/nope/drive/root", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/special/music", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/drives/"+gs.DemoBobDriveID+"/items/"+gs.DemoReportID, alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/workbooks/"+gs.DemoDocumentsID+"/children/"+gs.DemoQ3ID, alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/me/joinedGroups/"+gs.DemoMarketingGroupID+"/team/channels/nope/filesFolder", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/me/joinedGroups/"+gs.DemoMarketingGroupID+"/sites/other/drive/root", alice, nil).graphErr(t, 404, "itemNotFound")
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t)
	big := `{"type":"view","message":"` + strings.Repeat("x", 1<<20) + `"}`
	e.do("POST", "/me/drive/items/"+gs.DemoReportID+"/createLink", alice, big).graphErr(t, 413, "invalidRequest")
	e.do("POST", "/_graphsim/faults", "", big).graphErr(t, 413, "invalidRequest")
}

func TestItemsAndDrives(t *testing.T) {
	e := newEnv(t)
	d := e.do("GET", "/me/drive", alice, nil).must(t, 200)
	if d.s("id") != gs.DemoAliceDriveID || d.s("driveType") != "business" || d.s("owner.user.id") != gs.DemoAliceID ||
		d.s("webUrl") != "https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents" {
		t.Fatalf("drive: %s", d.raw)
	}
	for tok, want := range map[string]string{carol: "personal", bob: "business"} {
		if got := e.do("GET", "/drive", tok, nil).must(t, 200).s("driveType"); got != want {
			t.Fatalf("driveType %s, want %s", got, want)
		}
	}
	lib := e.do("GET", "/groups/"+gs.DemoMarketingGroupID+"/drive", bob, nil).must(t, 200)
	if lib.s("id") != gs.DemoMarketingDriveID || lib.s("driveType") != "documentLibrary" || lib.s("owner.group.displayName") != "Marketing Team" {
		t.Fatalf("library: %s", lib.raw)
	}
	e.do("GET", "/drives/"+gs.DemoMarketingDriveID, alice, nil).must(t, 200)
	e.do("GET", "/sites/"+gs.DemoMarketingSiteID+"/drive", alice, nil).must(t, 200)
	root := e.do("GET", "/me/drive/root", alice, nil).must(t, 200)
	if root.s("id") != gs.DemoAliceRootID || root.get("root") == nil || root.get("folder.childCount") != float64(1) {
		t.Fatalf("root: %s", root.raw)
	}
	kids := e.do("GET", "/me/drive/root/children", alice, nil).must(t, 200).values()
	if len(kids) != 1 || str(kids[0], "name") != "Documents" {
		t.Fatalf("root children: %v", kids)
	}
	docs := e.do("GET", "/me/drive/items/"+gs.DemoDocumentsID+"/children", alice, nil).must(t, 200).values()
	var names []string
	for _, k := range docs {
		names = append(names, str(k, "name"))
	}
	if strings.Join(names, ",") != "Plans,Budget.xlsx,Report.docx" {
		t.Fatalf("children (folders first, by name): %v", names)
	}
	for _, p := range []string{"/me/drive/root:/Documents/Report.docx", "/me/drive/root:/Documents/Report.docx:", "/drive/root:/Documents/Report.docx:/"} {
		it := e.do("GET", p, alice, nil).must(t, 200)
		if it.s("id") != gs.DemoReportID || it.s("parentReference.id") != gs.DemoDocumentsID ||
			it.s("parentReference.path") != "/drives/"+gs.DemoAliceDriveID+"/root:/Documents" ||
			it.s("file.mimeType") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
			it.s("webUrl") != "https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents/Documents/Report.docx" {
			t.Fatalf("%s: %s", p, it.raw)
		}
	}
	brand := e.do("GET", "/sites/marketing/drive/root:/Shared/Brand.pdf:", bob, nil).must(t, 200)
	if brand.s("webUrl") != "https://contoso.sharepoint.com/sites/marketing/Shared%20Documents/Shared/Brand.pdf" {
		t.Fatalf("library item: %s", brand.raw)
	}
	trip := e.do("GET", "/me/drive/root:/Photos/Trip.jpg:", carol, nil).must(t, 200)
	if trip.s("id") != gs.DemoTripID || trip.s("parentReference.driveType") != "personal" {
		t.Fatalf("personal item: %s", trip.raw)
	}
	e.do("GET", "/me/drive/special/photos", carol, nil).must(t, 200)
	if e.do("GET", "/me/drive/items/"+gs.DemoReportID+"/children", alice, nil).must(t, 200).values() != nil {
		t.Fatal("a file has no children")
	}
}

// The same operations after Reset (or on a new Sim) give the same ids and URLs.
func TestResetDeterminism(t *testing.T) {
	run := func(e *env) []string {
		var out []string
		add := func(r *resp) { out = append(out, r.s("id"), r.s("link.webUrl"), r.s("shareId")) }
		add(e.link(alice, "/me/drive/items/"+gs.DemoReportID, view("anonymous"), 201))
		add(e.link(alice, "/me/drive/items/"+gs.DemoPlansID, map[string]any{"type": "edit", "scope": "users", "recipients": []any{email("x@y.com")}}, 201))
		add(e.link(carol, "/me/drive/items/"+gs.DemoTripID, map[string]any{"type": "embed"}, 201))
		item := e.do("GET", "/me/drive/items/"+gs.DemoBudgetID, alice, nil).must(t, 200)
		g := e.do("POST", "/shares/"+gs.EncodeSharingURL(item.s("webUrl"))+"/permission/grant", alice, grantBody([]string{"read"}, email("ext@fabrikam.com"))).must(t, 200)
		for _, v := range g.values() {
			out = append(out, str(v, "id"), str(v, "link.webUrl"))
		}
		return out
	}
	e := newEnv(t)
	first := run(e)
	e.sim.Reset()
	second := run(e)
	third := run(newEnv(t))
	if strings.Join(first, "|") != strings.Join(second, "|") || strings.Join(first, "|") != strings.Join(third, "|") {
		t.Fatalf("not deterministic:\n%v\n%v\n%v", first, second, third)
	}
	if first[0] == first[3] {
		t.Fatal("ids must differ between links")
	}
}

func TestItemAndDriveLookups(t *testing.T) {
	sim := gs.New(gs.DemoSeed())
	cases := []struct{ ref, path, want string }{
		{gs.DemoAliceUPN, "/Documents/Report.docx", gs.DemoReportID},
		{gs.DemoAliceID, "documents/report.docx", gs.DemoReportID},
		{gs.DemoAliceDriveID, "/", gs.DemoAliceRootID},
		{gs.DemoBobUPN, "/Designs/Logo.png", gs.DemoLogoID},
		{"marketing", "/Shared/Brand.pdf", gs.DemoBrandID},
		{gs.DemoMarketingSiteID, "", gs.DemoMarketingRootID},
		{gs.DemoMarketingGroupID, "/General", gs.DemoGeneralID},
		{gs.DemoCarolUPN, "/Photos/Trip.jpg", gs.DemoTripID},
		{gs.DemoCarolDriveID, "/Photos", gs.DemoPhotosID},
		{gs.DemoBobUPN, "/Notes.txt", gs.DemoNotesID},
		{gs.DemoBobUPN, "/Designs", gs.DemoDesignsID},
		{gs.DemoAliceUPN, "/Documents/Budget.xlsx", gs.DemoBudgetID},
		{gs.DemoAliceUPN, "/Documents/Plans/Q3.pptx", gs.DemoQ3ID},
		{gs.DemoBobUPN, "/", gs.DemoBobRootID},
		{gs.DemoCarolUPN, "/", gs.DemoCarolRootID},
		{"marketing", "/Shared", gs.DemoSharedID},
	}
	for _, c := range cases {
		if got, ok := sim.ItemID(c.ref, c.path); !ok || got != c.want {
			t.Errorf("ItemID(%q, %q) = %q, %v; want %q", c.ref, c.path, got, ok, c.want)
		}
	}
	if _, ok := sim.ItemID(gs.DemoAliceUPN, "/Nope"); ok {
		t.Error("found a missing item")
	}
	if _, ok := sim.ItemID("nobody", "/"); ok {
		t.Error("found a missing drive")
	}
	for ref, want := range map[string]string{gs.DemoAliceUPN: gs.DemoAliceDriveID, "marketing": gs.DemoMarketingDriveID, gs.DemoCarolID: gs.DemoCarolDriveID} {
		if got, ok := sim.DriveID(ref); !ok || got != want {
			t.Errorf("DriveID(%q) = %q", ref, got)
		}
	}
}

func TestTokens(t *testing.T) {
	claims := func(tok string) map[string]any {
		parts := strings.Split(tok, ".")
		if len(parts) != 3 || parts[2] != "" {
			t.Fatalf("token shape: %q", tok)
		}
		h, _ := base64.RawURLEncoding.DecodeString(parts[0])
		if string(h) != `{"alg":"none","typ":"JWT"}` {
			t.Fatalf("header %s", h)
		}
		var m map[string]any
		b, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := claims(alice)
	if a["tid"] != gs.DemoTenantID || a["oid"] != gs.DemoAliceID || a["upn"] != gs.DemoAliceUPN || a["name"] != "Alice Smith" ||
		a["scp"] != "Files.ReadWrite.All Sites.ReadWrite.All" || a["appid"] != gs.DemoAppID || a["app_displayname"] != gs.DemoAppName {
		t.Fatalf("alice: %v", a)
	}
	c := claims(carol)
	if c["tid"] != gs.MSATenantID || c["oid"] != gs.DemoCarolID || c["preferred_username"] != gs.DemoCarolUPN || c["upn"] != nil {
		t.Fatalf("carol: %v", c)
	}
	u := claims(gs.DemoToken("zed@contoso.com"))
	if u["upn"] != "zed@contoso.com" || u["oid"] != nil {
		t.Fatalf("unknown: %v", u)
	}
	if gs.DemoToken("ALICE@contoso.com") != alice {
		t.Fatal("DemoToken must be case-insensitive and deterministic")
	}
	ap := claims(app)
	if ap["roles"] == nil || ap["scp"] != nil {
		t.Fatalf("app: %v", ap)
	}
	_ = claims(gs.Token(nil))
}

func TestServe(t *testing.T) {
	sim := gs.New(gs.DemoSeed())
	for _, addr := range []string{"10.0.0.1:0", "0.0.0.0:0", "example.com:80", "nonsense"} {
		if _, _, err := gs.Serve(sim, addr); err == nil {
			t.Errorf("Serve(%q) must refuse", addr)
		}
	}
	if _, _, err := gs.Serve(nil, ""); err == nil {
		t.Error("nil handler")
	}
	base, closeFn, err := gs.Serve(sim, "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base %q", base)
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if err := closeFn(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	// the handler also works in memory; a drop fault there cannot hijack
	sim.Inject(gs.Fault{Kind: gs.FaultDrop})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/me/drive", nil)
	sim.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("recorder drop: %d", rec.Code)
	}
}

func TestSeedParsing(t *testing.T) {
	b, err := json.Marshal(gs.DemoSeed())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gs.ParseSeed(b); err != nil {
		t.Fatalf("demo seed round trip: %v", err)
	}
	minimal := `{"tenant":{"id":"t1","name":"fabrikam"},
	  "users":[{"id":"u1","upn":"ann@fabrikam.com","displayName":"Ann"}],
	  "drives":[{"id":"d1","driveType":"business","owner":"ann@fabrikam.com",
	    "root":{"children":[{"name":"A","children":[{"name":"b.docx","permissions":[{"link":{"type":"view","scope":"organization"}}]}]}]}}]}`
	seed, err := gs.ParseSeed([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvSeed(t, seed)
	ann := gs.Token(map[string]any{"tid": "t1", "upn": "ann@fabrikam.com", "scp": "Files.ReadWrite"})
	id, ok := e.sim.ItemID("ann@fabrikam.com", "/A/b.docx")
	if !ok || !strings.HasPrefix(id, "01") || len(id) != 34 {
		t.Fatalf("derived id %q", id)
	}
	if id2, _ := gs.New(seed).ItemID("d1", "/A/b.docx"); id2 != id {
		t.Fatal("derived ids must be stable")
	}
	perms := e.do("GET", "/me/drive/root:/A/b.docx:/permissions", ann, nil).must(t, 200).values()
	if len(perms) != 2 || !strings.HasPrefix(str(perms[1], "link.webUrl"), "https://fabrikam-my.sharepoint.com/:w:/g/personal/ann_fabrikam_com/") {
		t.Fatalf("seeded link: %v", perms)
	}
	bad := map[string]string{
		"unknown field":  `{"tenant":{"id":"t","name":"x"},"extra":1}`,
		"trailing":       `{"tenant":{"id":"t","name":"x"}} {}`,
		"no tenant":      `{}`,
		"unknown owner":  `{"tenant":{"id":"t","name":"x"},"drives":[{"id":"d","driveType":"business","owner":"nobody"}]}`,
		"bad drive type": `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"cloud","owner":"a@x.com"}]}`,
		"dup item id":    `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"business","owner":"a@x.com","root":{"children":[{"id":"i","name":"a"},{"id":"i","name":"b"}]}}]}`,
		"dup name":       `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"business","owner":"a@x.com","root":{"children":[{"name":"a"},{"name":"A"}]}}]}`,
		"bad name":       `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"business","owner":"a@x.com","root":{"children":[{"name":"a/b"}]}}]}`,
		"dup user":       `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"},{"id":"v","upn":"A@x.com"}]}`,
		"bad link":       `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"business","owner":"a@x.com","root":{"children":[{"name":"a","permissions":[{"link":{"type":"embed","scope":"anonymous"}}]}]}}]}`,
		"grant no roles": `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"business","owner":"a@x.com","root":{"permissions":[{"grantedTo":"a@x.com"}]}}]}`,
		"bad special":    `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"drives":[{"id":"d","driveType":"business","owner":"a@x.com","special":{"documents":"/nope"}}]}`,
		"group no site":  `{"tenant":{"id":"t","name":"x"},"groups":[{"id":"g","site":"s"}]}`,
		"member role":    `{"tenant":{"id":"t","name":"x"},"users":[{"id":"u","upn":"a@x.com"}],"sites":[{"id":"s","name":"s","members":[{"user":"a@x.com","role":"admin"}]}]}`,
	}
	for name, j := range bad {
		if _, err := gs.ParseSeed([]byte(j)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// New tolerates what ParseSeed refuses
	var loose gs.Seed
	_ = json.Unmarshal([]byte(bad["dup item id"]), &loose)
	ls := gs.New(loose)
	a, _ := ls.ItemID("d", "/a")
	b2, _ := ls.ItemID("d", "/b")
	if a == "" || b2 == "" || a == b2 {
		t.Fatalf("loose seed ids %q %q", a, b2)
	}
	_ = gs.New(gs.Seed{})
}

// Many clients at once: every answer is well-formed and the final state adds up.
func TestConcurrency(t *testing.T) {
	e := newEnv(t)
	const workers = 40
	var wg sync.WaitGroup
	errs := make(chan string, workers*10)
	tokens := []string{alice, bob, app}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			tok := tokens[w%len(tokens)]
			path := "/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoQ3ID
			if tok == bob {
				path = "/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoPlansID
			}
			body := map[string]any{"type": "view", "scope": "users", "recipients": []any{email(fmt.Sprintf("u%d@example.com", w))}}
			r := e.do("POST", path+"/createLink", tok, body)
			if r.err != nil || r.status != 201 {
				errs <- fmt.Sprintf("createLink %d: %v %d %s", w, r.err, r.status, r.raw)
				return
			}
			o := e.do("POST", path+"/createLink", tok, view("organization"))
			if o.err != nil || (o.status != 200 && o.status != 201) {
				errs <- fmt.Sprintf("org link %d: %v %d", w, o.err, o.status)
			}
			g := e.do("POST", "/shares/"+r.s("shareId")+"/permission/grant", tok, grantBody([]string{"read"}, email(gs.DemoBobUPN)))
			if g.err != nil || g.status != 200 {
				errs <- fmt.Sprintf("grant %d: %v %d %s", w, g.err, g.status, g.raw)
			}
			l := e.do("GET", path+"/permissions", tok, nil)
			if l.err != nil || l.status != 200 || len(l.values()) < 2 {
				errs <- fmt.Sprintf("list %d: %v %d", w, l.err, l.status)
			}
			if s := e.do("GET", "/shares/"+r.s("shareId")+"/driveItem", bob, nil); s.err != nil || s.status != 200 {
				errs <- fmt.Sprintf("share %d: %v %d", w, s.err, s.status)
			}
			_ = e.sim.Requests()
		}(w)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if e.sim.Total() != workers*5 {
		t.Fatalf("total %d, want %d", e.sim.Total(), workers*5)
	}
	// the users links on Q3 are all there, each with its own id; organization
	// links: one per application and item
	perms := e.do("GET", "/me/drive/items/"+gs.DemoQ3ID+"/permissions", alice, nil).must(t, 200).values()
	users, orgs := map[string]bool{}, 0
	for _, p := range perms {
		switch str(p, "link.scope") {
		case "users":
			users[str(p, "id")] = true
		case "organization":
			orgs++
		}
	}
	// alice and the app share an appid, so one org link on Q3 and one on Plans (inherited)
	if len(users) != workers || orgs != 2 {
		t.Fatalf("users links %d (want %d), organization links %d (want 2)", len(users), workers, orgs)
	}
}
