package core

import (
	"bytes"
	"testing"
	"time"
)

// Every Action constant has a complete row, and the accessors read it.
func TestActionTableIsComplete(t *testing.T) {
	for a := Action(1); int(a) < len(actions); a++ {
		r := a.row()
		if r.name == "" || r.method == "" || (r.shape != answerNone && r.status == 0 && !r.created) {
			t.Errorf("action %d: incomplete row %+v", a, *r)
		}
		if a.String() != r.name || a.Method() != r.method || a.TakesBody() != (r.build != nil || r.batch) || a.IsBatch() != r.batch {
			t.Errorf("%s: accessors disagree with the row", a)
		}
	}
	if Action(0).String() != "unknown" || Action(200).String() != "unknown" || Action(200).TakesBody() || Action(200).Method() != "" {
		t.Error("an Action outside the table must be unknown, body-less and method-less")
	}
	if got := expectedTails(); got != "'createLink', 'permissions', 'invite' or the end of the path" {
		t.Errorf("expectedTails() = %q", got)
	}
}

// Methods are case-sensitive (RFC 9110): a spelling other than the
// table's is a 405 that lists the route's methods in Allow.
func TestRouteMethodIsCaseSensitive(t *testing.T) {
	tests := []struct{ method, path, allow string }{
		{"post", "/me/drive/items/1/createLink", "POST"},
		{"Post", "/me/drive/items/1/createLink", "POST"},
		{"GET", "/me/drive/items/1/createLink", "POST"},
		{"post", "/shares/s!abc/permission/grant", "POST"},
		{"get", "/me/drive/items/1/permissions", "GET"},
		{"POST", "/me/drive/items/1/permissions", "GET"},
		{"Get", "/me/drive/items/1/permissions/p1", "GET, DELETE, PATCH"},
		{"delete", "/me/drive/items/1/permissions/p1", "GET, DELETE, PATCH"},
		{"patch", "/me/drive/items/1/permissions/p1", "GET, DELETE, PATCH"},
		{"PUT", "/me/drive/items/1/permissions/p1", "GET, DELETE, PATCH"},
		{"get", "/me/drive/items/1/invite", "POST"},
		{"GET", "/me/drive/items/1/permissions/p1/revokeGrants", "POST"},
		{"get", "/shares/s!abc/driveItem", "GET"},
		{"", "/me/drive/items/1", "GET"},
	}
	for _, tt := range tests {
		_, err := ParseRoute(tt.method, tt.path)
		e := AsError(err)
		if e == nil || e.Status != 405 || e.Code != CodeNotAllowed || e.Target != "method" || e.Allow != tt.allow {
			t.Errorf("%s %s: got %+v, want a 405 with Allow %q", tt.method, tt.path, e, tt.allow)
		}
	}
	for _, tt := range []struct {
		method, path string
		want         Action
	}{
		{"POST", "/me/drive/items/1/createLink", ActionCreateLink},
		{"POST", "/shares/s!abc/permission/grant", ActionGrant},
		{"GET", "/me/drive/items/1/permissions", ActionListPermissions},
		{"GET", "/me/drive/items/1/permissions/p1", ActionGetPermission},
		{"DELETE", "/me/drive/items/1/permissions/p1", ActionDeletePermission},
		{"GET", "/shares/s!abc/driveItem", ActionGetItem},
	} {
		r, err := ParseRoute(tt.method, tt.path)
		if err != nil || r.Action != tt.want {
			t.Errorf("%s %s: got %v %v, want %s", tt.method, tt.path, r.Action, err, tt.want)
		}
	}
}

// Build gives a body-less action its method and path, and a body action
// what its own builder gives.
func TestBuild(t *testing.T) {
	ctx := Context{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/me/drive/items/1/permissions", "GET /v1.0/me/drive/items/1/permissions"},
		{"GET", "/me/drive/items/1/permissions/p1", "GET /v1.0/me/drive/items/1/permissions/p1"},
		{"DELETE", "/beta/me/drive/items/1/permissions/p1", "DELETE /beta/me/drive/items/1/permissions/p1"},
		{"GET", "/shares/s!abc/driveItem", "GET /v1.0/shares/s!abc/driveItem"},
	} {
		r, err := ParseRoute(tt.method, tt.path)
		if err != nil {
			t.Fatal(err)
		}
		req, err := Build(&r, []byte(`{"ignored":true}`), &ctx)
		if err != nil || req.Method+" "+req.Path != tt.want || req.Body != nil || req.ContentType != "" {
			t.Errorf("%s %s: got %+v %v, want %s and no body", tt.method, tt.path, req, err, tt.want)
		}
	}
	r, _ := ParseRoute("POST", "/me/drive/items/1/createLink")
	a, err1 := Build(&r, []byte(`{"type":"view"}`), &ctx)
	b, err2 := BuildCreateLink(&r, []byte(`{"type":"view"}`), &ctx)
	if err1 != nil || err2 != nil || a.Method != "POST" || a.Path != b.Path || !bytes.Equal(a.Body, b.Body) || a.ContentType != "application/json" {
		t.Errorf("Build and BuildCreateLink differ: %+v %v / %+v %v", a, err1, b, err2)
	}
	g, _ := ParseRoute("POST", "/shares/s!abc/permission/grant")
	if _, err := BuildCreateLink(&g, []byte(`{"type":"view"}`), &ctx); AsError(err).Target != "path" {
		t.Errorf("BuildCreateLink on a grant route: %v", err)
	}
	if _, err := Build(&Route{}, nil, &ctx); AsError(err).Target != "path" {
		t.Errorf("Build of a route without action: %v", err)
	}
}

// Shape answers each action as its row says.
func TestShape(t *testing.T) {
	perm := []byte(`{"id":"p1","roles":["read"],"link":{"type":"view","scope":"anonymous","webUrl":"https://x"}}`)
	coll := []byte(`{"value":[{"id":"p1","roles":["read"]}]}`)
	for _, tt := range []struct {
		method, path string
		status       int
		body         []byte
		want         int
		collection   bool
	}{
		{"POST", "/me/drive/items/1/createLink", 201, perm, 201, false},
		{"POST", "/me/drive/items/1/createLink", 200, perm, 200, false},
		{"POST", "/shares/s!abc/permission/grant", 200, perm, 200, true},
		{"GET", "/me/drive/items/1/permissions", 200, coll, 200, true},
		{"GET", "/me/drive/items/1/permissions/p1", 200, perm, 200, false},
		{"DELETE", "/me/drive/items/1/permissions/p1", 204, nil, 204, false},
		{"GET", "/me/drive/items/1", 200, []byte(`{"id":"1","name":"a"}`), 200, false},
	} {
		r, err := ParseRoute(tt.method, tt.path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Shape(&r, tt.status, tt.body)
		if err != nil || res.Status != tt.want || res.Shaped.Collection != tt.collection {
			t.Errorf("%s %s %d: got %d %v (collection %v)", tt.method, tt.path, tt.status, res.Status, err, res.Shaped.Collection)
		}
		if tt.want == 204 && res.Body != nil {
			t.Errorf("%s %s: a 204 has a body", tt.method, tt.path)
		}
	}
	r, _ := ParseRoute("GET", "/me/drive/items/1")
	if _, err := Shape(&r, 200, []byte(`[1`)); AsError(err).Status != 502 {
		t.Errorf("an unusable item: %v", err)
	}
}
