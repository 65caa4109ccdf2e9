package core

import (
	"strings"
	"testing"
	"time"
)

// The new routes: invite, PATCH and revokeGrants on every item form, list
// items, namespace-qualified action names.
func TestGatewayRoutes(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		want         Action
		item, perm   string
		upstream     string
	}{
		{"POST", "/me/drive/items/1/invite", ActionInvite, "me/drive/items/1", "", "/v1.0/me/drive/items/1/invite"},
		{"POST", "/beta/drives/d/root:/a b.docx:/invite", ActionInvite, "drives/d/root:/a%20b.docx:", "", "/beta/drives/d/root:/a%20b.docx:/invite"},
		{"POST", "/me/drive/items/1/microsoft.graph.invite", ActionInvite, "me/drive/items/1", "", "/v1.0/me/drive/items/1/invite"},
		{"POST", "/me/drive/items/1/MICROSOFT.GRAPH.CREATELINK", ActionCreateLink, "me/drive/items/1", "", "/v1.0/me/drive/items/1/createLink"},
		{"POST", "/shares/s!abc/permission/microsoft.graph.grant", ActionGrant, "", "", "/v1.0/shares/s!abc/permission/grant"},
		{"PATCH", "/me/drive/items/1/permissions/p1", ActionUpdatePermission, "me/drive/items/1", "p1", "/v1.0/me/drive/items/1/permissions/p1"},
		{"POST", "/beta/me/drive/items/1/permissions/p1/revokeGrants", ActionRevokeGrants, "me/drive/items/1", "p1", "/beta/me/drive/items/1/permissions/p1/revokeGrants"},
		{"POST", "/me/drive/items/1/Permissions/p1/microsoft.graph.revokeGrants", ActionRevokeGrants, "me/drive/items/1", "p1", "/v1.0/me/drive/items/1/permissions/p1/revokeGrants"},
		{"GET", "/sites/s1/lists/l1/items/7/driveItem", ActionGetItem, "sites/s1/lists/l1/items/7/driveItem", "", "/v1.0/sites/s1/lists/l1/items/7/driveItem"},
		{"POST", "/sites/s1/lists/l1/items/7/driveItem/invite", ActionInvite, "sites/s1/lists/l1/items/7/driveItem", "", "/v1.0/sites/s1/lists/l1/items/7/driveItem/invite"},
		{"PATCH", "/sites/s1/lists/l1/items/7/driveItem/permissions/p", ActionUpdatePermission, "sites/s1/lists/l1/items/7/driveItem", "p", "/v1.0/sites/s1/lists/l1/items/7/driveItem/permissions/p"},
		{"POST", "/beta/sites/s1/lists/l1/items/7/createLink", ActionCreateLink, "sites/s1/lists/l1/items/7/driveItem", "", "/beta/sites/s1/lists/l1/items/7/createLink"},
		{"POST", "/beta/sites/s1/LISTS/l1/Items/7/microsoft.graph.createLink", ActionCreateLink, "sites/s1/lists/l1/items/7/driveItem", "", "/beta/sites/s1/lists/l1/items/7/createLink"},
	} {
		r, err := ParseRoute(tt.method, tt.path)
		if err != nil || r.Action != tt.want || r.Item != tt.item || r.PermissionID != tt.perm || r.Upstream != tt.upstream {
			t.Errorf("%s %s: %+v %v", tt.method, tt.path, r, err)
		}
	}
	for _, tt := range []struct{ method, path, target string }{
		{"GET", "/sites/s1/lists/l1/items/7", "path"},
		{"POST", "/sites/s1/lists/l1/items/7/invite", "invite"},
		{"GET", "/sites/s1/lists/l1/items/7/permissions", "permissions"},
		{"POST", "/sites/s1/lists/l%2F1/items/7/driveItem/invite", "list-id"},
		{"POST", "/sites/s1/lists/l1/items/../x/driveItem/invite", "list-item-id"},
		{"POST", "/me/drive/items/1/microsoft.graph.permissions", "microsoft.graph.permissions"},
		{"POST", "/me/drive/items/1/permissions/p1/revokeGrants/x", "permissions"},
		{"POST", "/me/drive/items/1/graph.invite", "graph.invite"},
		{"POST", "/me/drive/items/1/microsoft.graph.microsoft.graph.invite", "microsoft.graph.microsoft.graph.invite"},
	} {
		_, err := ParseRoute(tt.method, tt.path)
		if e := AsError(err); e == nil || e.Target != tt.target || e.Status >= 500 {
			t.Errorf("%s %s: %+v, want target %q", tt.method, tt.path, e, tt.target)
		}
	}
}

func TestGatewayBuilds(t *testing.T) {
	ctx := &Context{Now: testNow}
	r, _ := ParseRoute("POST", "/me/drive/items/1/invite")
	req, err := Build(&r, []byte(`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`), ctx)
	if err != nil || string(req.Body) != `{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}` || req.Method != "POST" {
		t.Fatalf("%+v %v", req, err)
	}
	// a personal drive's root, when the context says personal
	root, _ := ParseRoute("POST", "/me/drive/root/invite")
	if _, err := Build(&root, []byte(`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`), &Context{Now: testNow, DriveType: DrivePersonal}); AsError(err).Target != "path" {
		t.Fatalf("personal root: %v", err)
	}
	if _, err := Build(&root, []byte(`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`), ctx); err != nil {
		t.Fatalf("root of a drive of unknown type: %v", err)
	}
	// policy: domains, count, expiry reject and clamp
	p, _ := ParsePolicy([]byte(`{"allowedRecipientDomains":["contoso.com"],"maxRecipients":1,"maxExpiryDays":30}`))
	pc := &Context{Now: testNow, Policy: p}
	_, err = Build(&r, []byte(`{"recipients":[{"email":"a@fabrikam.com"}],"roles":["read"]}`), pc)
	wantDenied(t, err, "policy.allowedRecipientDomains")
	_, err = Build(&r, []byte(`{"recipients":[{"email":"a@contoso.com"},{"email":"b@contoso.com"}],"roles":["read"]}`), pc)
	wantDenied(t, err, "policy.maxRecipients")
	far := testNow.Add(90 * 24 * time.Hour).UTC().Format(time.RFC3339)
	_, err = Build(&r, []byte(`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"],"expirationDateTime":"`+far+`"}`), pc)
	wantDenied(t, err, "policy.maxExpiryDays")
	pc.Policy, _ = ParsePolicy([]byte(`{"maxExpiryDays":30,"expiryAction":"clamp"}`))
	req, err = Build(&r, []byte(`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"],"expirationDateTime":"`+far+`"}`), pc)
	if err != nil || len(req.Adjusted) != 1 || req.Adjusted[0].From != far || !strings.Contains(string(req.Body), req.Adjusted[0].To) {
		t.Fatalf("clamp: %+v %v", req, err)
	}
	// PATCH: clamp, and the removal of an expiry under a maximum
	u, _ := ParseRoute("PATCH", "/me/drive/items/1/permissions/p1")
	req, err = Build(&u, []byte(`{"expirationDateTime":null}`), pc)
	if err != nil || len(req.Adjusted) != 1 || req.Adjusted[0].From != "" || strings.Contains(string(req.Body), "null") {
		t.Fatalf("clear under clamp: %s %+v %v", req.Body, req.Adjusted, err)
	}
	pc.Policy, _ = ParsePolicy([]byte(`{"maxExpiryDays":30}`))
	_, err = Build(&u, []byte(`{"expirationDateTime":null}`), pc)
	wantDenied(t, err, "policy.maxExpiryDays")
	req, err = Build(&u, []byte(`{"roles":["write"]}`), pc)
	if err != nil || string(req.Body) != `{"roles":["write"]}` || req.Method != "PATCH" {
		t.Fatalf("%+v %v", req, err)
	}
	// conditional headers: declared rows only, checked, canonical
	hdr := map[string]string{"If-Match": ` W/"a",,"{B},2" `, "If-None-Match": "*"}
	hc := &Context{Now: testNow, Header: func(n string) string { return hdr[n] }}
	req, err = Build(&u, []byte(`{"roles":["read"]}`), hc)
	if err != nil || len(req.Headers) != 2 || req.Headers[0] != [2]string{"If-Match", `W/"a", "{B},2"`} || req.Headers[1] != [2]string{"If-None-Match", "*"} {
		t.Fatalf("%+v %v", req.Headers, err)
	}
	req, err = Build(&r, []byte(`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`), hc)
	if err != nil || req.Headers != nil {
		t.Fatalf("invite forwards no conditional header: %+v %v", req.Headers, err)
	}
	for _, bad := range []string{`a`, `"a`, `"a" "b"`, "\"a\"\r\nX-Evil: 1", `W/ "a"`, `"a b"`, `*, "a"`, `,`, `"é"`, strings.Repeat(`"a",`, 40), `"` + strings.Repeat("a", 1100) + `"`} {
		hdr["If-Match"] = bad
		if _, err := Build(&u, []byte(`{"roles":["read"]}`), hc); AsError(err).Target != "If-Match" {
			t.Errorf("If-Match %q: %v", bad, err)
		}
	}
	rg, _ := ParseRoute("POST", "/me/drive/items/1/permissions/p1/revokeGrants")
	if got := strings.Join(rg.Action.Headers(), ","); got != "If-Match" {
		t.Errorf("revokeGrants forwards %s", got)
	}
}

func TestInviteAnswer(t *testing.T) {
	r, _ := ParseRoute("POST", "/me/drive/items/1/invite")
	body := `{"@odata.context":"x","value":[{"id":"p1","roles":["write"],"grantedTo":{"user":{"id":"u1"}}},` +
		`{"roles":["write"],"invitation":{"email":"h@contoso.com","signInRequired":true},"error":{"code":"notAllowed","message":"Account verification needed.","localizedMessage":"x","fix":"http://g.live.com","innerError":{"code":"accountVerificationRequired"}}}]}`
	res, err := Shape(&r, 207, []byte(body))
	want := `{"value":[{"id":"p1","roles":["write"],"grantedToV2":{"user":{"id":"u1"}},"grantedTo":{"user":{"id":"u1"}}},` +
		`{"roles":["write"],"invitation":{"email":"h@contoso.com","signInRequired":true},"error":{"code":"notAllowed","message":"Account verification needed.","innerError":{"code":"accountVerificationRequired"}}}]}`
	if err != nil || res.Status != 207 || string(res.Body) != want {
		t.Fatalf("%d %s %v\nwant %s", res.Status, res.Body, err, want)
	}
	res, err = Shape(&r, 200, []byte(`{"value":[{"id":"p1","roles":["read"]}]}`))
	if err != nil || res.Status != 200 || string(res.Body) != `{"value":[{"id":"p1","roles":["read"]}]}` {
		t.Fatalf("%d %s %v", res.Status, res.Body, err)
	}
	for _, bad := range []string{`{"value":{}}`, `{"value":[1]}`, `{"value":[{"error":"x"}]}`, `{"value":[],"x":1}`, `{"value":[{"id":"a","id":"b"}]}`, `[`} {
		if _, err := Shape(&r, 207, []byte(bad)); AsError(err) == nil || AsError(err).Status != 502 {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// 304: a read that forwards If-None-Match only
	g, _ := ParseRoute("GET", "/me/drive/items/1/permissions/p1")
	if res, err := Shape(&g, 304, nil); err != nil || res.Status != 304 || res.Body != nil {
		t.Fatalf("304: %+v %v", res, err)
	}
	u, _ := ParseRoute("PATCH", "/me/drive/items/1/permissions/p1")
	if _, err := Shape(&u, 304, nil); AsError(err) == nil || AsError(err).Status != 502 {
		t.Fatalf("304 to a PATCH: %v", err)
	}
}

func wantDenied(t *testing.T, err error, target string) {
	t.Helper()
	if e := AsError(err); e == nil || e.Status != 403 || e.Target != target {
		t.Fatalf("%+v; want 403 naming %q", e, target)
	}
}
