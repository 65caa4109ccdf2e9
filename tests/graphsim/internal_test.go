package graphsim

import (
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestParseRoute(t *testing.T) {
	cases := []struct {
		path, name, version string
		steps               int
	}{
		{"/me/drive/items/X/createLink", nameCreateLink, "v1.0", 3},
		{"/beta/me/drive/root:/a/b.docx:/createLink", nameCreateLink, "beta", 4},
		{"/v1.0/drive/root:/a/b.docx", nameItem, "v1.0", 3},
		{"/drive/root:/a%20b/c.docx:/permissions/P1", namePermission, "v1.0", 3},
		{"/drive/root:", nameItem, "v1.0", 3},
		{"/drives/D/items/I:/x:/children", nameChildren, "v1.0", 3},
		{"/shares/u!abc/driveItem", nameSharesDriveItem, "v1.0", 2},
		{"/shares/u!abc/items/I", nameSharesDriveItem, "v1.0", 2},
		{"/shares/u!abc/driveItem/children", nameChildren, "v1.0", 2},
		{"/shares/u!abc/permission", nameSharesPermission, "v1.0", 1},
		{"/shares/u!abc/permission/grant", nameGrant, "v1.0", 1},
		{"/BETA/Shares/u!abc/Permission/Grant", nameGrant, "beta", 1},
		{"/drives/D", nameDrive, "v1.0", 1},
		{"/me/drive/", nameDrive, "v1.0", 2},
		{"/workbooks/W/children/I/createLink", nameCreateLink, "v1.0", 2},
		{"/me/drive/items/X/microsoft.graph.invite", nameInvite, "v1.0", 3},
		{"/beta/me/drive/items/X/permissions/P/revokeGrants", nameRevokeGrants, "beta", 3},
		{"/v1.0/me/drive/items/X/permissions/P/revokeGrants", nameRevokeGrants, "v1.0", 3},
		{"/sites/S/lists/L/items/3/driveItem/permissions/P", namePermission, "v1.0", 3},
		{"/beta/sites/S/lists/L/items/3/createLink", nameCreateLink, "beta", 3},
		{"/sites/S/lists/L/items/3", nameUnknown, "v1.0", 0},
		{"/v1.0/$batch", nameBatch, "v1.0", 0},
		{"/beta/$batch", nameBatch, "beta", 0},
		{"/$batch/x", nameUnknown, "v1.0", 0},
		{"/drives/%zz/root", nameUnknown, "v1.0", 0},
		{"/me/drive/root:/../x:", nameUnknown, "v1.0", 0},
		{"/me/drive/items/:x:", nameUnknown, "v1.0", 0},
		{"", nameUnknown, "v1.0", 0},
	}
	for _, c := range cases {
		rt := parseRoute(c.path)
		if rt.name != c.name || rt.version != c.version || len(rt.steps) != c.steps {
			t.Errorf("%q: name %q version %q steps %d; want %q %q %d", c.path, rt.name, rt.version, len(rt.steps), c.name, c.version, c.steps)
		}
	}
	rt := parseRoute("/drive/root:/a%20b/c.docx:/permissions/P1")
	if strings.Join(rt.steps[2].path, "|") != "a b|c.docx" || rt.permID != "P1" {
		t.Errorf("path %v perm %q", rt.steps[2].path, rt.permID)
	}
}

func TestDecodeSharingURL(t *testing.T) {
	u := "https://contoso.sharepoint.com/:w:/s/x/é?a=1"
	id := EncodeSharingURL(u)
	for _, in := range []string{id, id + "=", id + "==", "U!" + id[2:]} {
		if got, ok := decodeSharingURL(in); !ok || got != u {
			t.Errorf("decode(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "u!", "u!===", "u!a", "s!abc", "u!" + EncodeSharingURL("x")[2:], "u!" + strings.Repeat("_", 7), EncodeSharingURL("mailto:a@b.c"), id + "==="} {
		if got, ok := decodeSharingURL(in); ok {
			t.Errorf("decode(%q) accepted: %q", in, got)
		}
	}
}

// Random requests over the grammar's words never panic and never answer
// 5xx (no faults are injected).
func TestRandomRequestsNeverPanic(t *testing.T) {
	s := New(DemoSeed())
	words := []string{"me", "drive", "drives", DemoAliceDriveID, DemoCarolDriveID, "items", DemoReportID, DemoPlansID, DemoTripID, DemoQ3ID,
		"root", "root:", "Documents", "Report.docx:", "children", "createLink", "permissions", "shares", "u!aHR0cHM6Ly9h",
		"s!Enope", "permission", "grant", "workbooks", "groups", DemoMarketingGroupID, "joinedGroups", "team", "channels",
		url.PathEscape(DemoGeneralChannelID), "filesFolder", "sites", "marketing", "microsoft.graph.sharedDriveItem", "driveItem",
		"activities", "listItem", "analytics", "itemActivityStats", "special", "documents", "bundles", "following", "users",
		DemoAliceUPN, "beta", "v1.0", "%2F", "..", ":", "x:", "%00", "teams", "", "%C3%A9",
		"invite", "microsoft.graph.invite", "microsoft.graph.createLink", "revokeGrants", "lists", DemoMarketingListID, "2", "$batch",
		DemoBrandID, "c1a5e0b2-7d4f-4e3a-9b8c-2f1e0d9c8b7a"}
	bodies := []string{"", "{}", `{"type":"view"}`, `{"type":"edit","scope":"users","recipients":[{"email":"a@b.com"}]}`,
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`, `{"type":"embed","scope":"anonymous","expirationDateTime":"2099-01-01T00:00:00Z"}`,
		`{"type":"createOnly","password":"x","retainInheritedPermissions":false}`, `null`, `[]`, `{"type":[]}`, "\xff", `{"recipients":[null]}`,
		`{"roles":["write"]}`, `{"expirationDateTime":null}`, `{"grantees":[{"email":"bob@contoso.com"}]}`,
		`{"recipients":[{"alias":"nobody"},{"email":"x@y.com"}],"roles":["read"],"password":"p","requireSignIn":false}`,
		`{"requests":[{"id":"1","method":"GET","url":"/me/drive"},{"id":"2","method":"POST","url":"/me/drive/root:/Documents/Report.docx:/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view"},"dependsOn":["1"]},{"id":"3","method":"PATCH","url":"me/drive/items/x/permissions/y","dependsOn":["2"]}]}`,
		`{"requests":[{"id":"1","method":"POST","url":"/$batch"}]}`, `{"requests":[{"id":"1","method":"GET","url":"/me/drive","body":"AAAA","headers":{"content-type":"text/plain"}}]}`}
	tokens := []string{DemoToken(DemoAliceUPN), DemoToken(DemoBobUPN), DemoToken(DemoCarolUPN), DemoAppToken(), "", "x.y.z"}
	methods := []string{"GET", "POST", "DELETE", "PUT", "PATCH"}
	etags := []string{"", "*", `"x"`, `W/"x", "y"`, `"{`}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 5000; i++ {
		n := 1 + rng.Intn(8)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = words[rng.Intn(len(words))]
		}
		target := "/" + strings.Join(parts, "/")
		if i%2 == 0 {
			// known routes, so that bodies and headers reach the handlers
			target = []string{"/$batch", "/beta/$batch", "/me/drive/items/" + DemoReportID + "/invite",
				"/me/drive/items/" + DemoBudgetID + "/permissions/c1a5e0b2-7d4f-4e3a-9b8c-2f1e0d9c8b7a",
				"/beta/me/drive/items/" + DemoBudgetID + "/permissions/c1a5e0b2-7d4f-4e3a-9b8c-2f1e0d9c8b7a/revokeGrants",
				"/sites/marketing/lists/Documents/items/2/createLink", "/me/drive/items/" + DemoTripID + "/invite"}[rng.Intn(7)]
		}
		u, err := url.Parse("http://graph.test" + target)
		if err != nil {
			continue
		}
		req := &http.Request{Method: methods[rng.Intn(len(methods))], URL: u, Header: http.Header{}, Host: "graph.test",
			Body: http.NoBody}
		body := bodies[rng.Intn(len(bodies))]
		req.Body = httpBody(body)
		if tok := tokens[rng.Intn(len(tokens))]; tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if tag := etags[rng.Intn(len(etags))]; tag != "" {
			req.Header.Set([]string{"If-Match", "If-None-Match"}[rng.Intn(2)], tag)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s %q: %d %s", req.Method, target, body, rec.Code, rec.Body.String())
		}
		if rec.Header().Get("request-id") == "" {
			t.Fatalf("%s %s: no request-id", req.Method, target)
		}
	}
	if n := s.panics.Load(); n != 0 {
		t.Fatalf("%d handler panics", n)
	}
}

func httpBody(s string) *readCloser { return &readCloser{strings.NewReader(s)} }

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func FuzzRoute(f *testing.F) {
	for _, s := range []string{"/me/drive/root:/a:/createLink", "/shares/u!x/permission/grant", "/drives/a/items/b:/c", "/%zz", "//",
		"/$batch", "/beta/sites/s/lists/l/items/1/createLink", "/beta/me/drive/items/x/permissions/p/microsoft.graph.revokeGrants"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rt := parseRoute(p)
		_ = rt.key("GET")
		_, _ = decodeSharingURL(p)
	})
}
