package core

import (
	"strings"
	"testing"
)

func TestRoutePermissionsPath(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"POST", "/me/drive/items/01AB/createLink", "/v1.0/me/drive/items/01AB/permissions"},
		{"POST", "/beta/drives/b!x/root:/A B.txt:/createLink", "/beta/drives/b!x/root:/A%20B.txt:/permissions"},
		{"GET", "/shares/s!abc/driveItem", "/v1.0/shares/s!abc/driveItem/permissions"},
		{"POST", "/shares/s!abc/permission/grant", ""},
	}
	for _, tt := range tests {
		r, err := ParseRoute(tt.method, tt.path)
		if err != nil {
			t.Fatalf("%s: %v", tt.path, err)
		}
		if got := r.PermissionsPath(); got != tt.want {
			t.Errorf("%s: PermissionsPath() = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// An upstream path holds nothing that could change which resource it
// names, and parsing it again gives the same route.
func checkRoute(t *testing.T, method string, r Route) {
	t.Helper()
	if !strings.HasPrefix(r.Upstream, "/v1.0/") && !strings.HasPrefix(r.Upstream, "/beta/") {
		t.Fatalf("upstream %q has no version", r.Upstream)
	}
	for _, bad := range []string{"..", "?", "#", "\\", " ", "//", "%2F", "%2f", "%5C"} {
		if strings.Contains(r.Upstream, bad) {
			t.Fatalf("upstream %q contains %q", r.Upstream, bad)
		}
	}
	for i := 0; i < len(r.Upstream); i++ {
		if c := r.Upstream[i]; c < 0x21 || c > 0x7e {
			t.Fatalf("upstream %q has byte %#x", r.Upstream, c)
		}
	}
	again, err := ParseRoute(method, r.Upstream)
	if err != nil {
		t.Fatalf("upstream %q does not parse again: %v", r.Upstream, err)
	}
	if again != r {
		t.Fatalf("reparse differs:\n %+v\n %+v", r, again)
	}
}

func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{
		"/me/drive/items/01AB/createLink",
		"/beta/me/drive/root:/Documents/Report.docx:/createLink",
		"https://graph.microsoft.com/v1.0/drives/b!x/items/1/permissions/p1",
		"/shares/u!aHR0cHM6Ly9hLmNvbS94/permission/grant",
		"/shares/https%3A%2F%2Fa.com%2Fx/driveItem",
		"/me/joinedGroups/g/drive/activities/a/driveItem/analytics/itemActivityStats/s/activities/b/driveItem/createLink",
		"/me/joinedGroups/g/sites/s/items/b/microsoft.graph.sharedDriveItem/items/i/createLink",
		"/me/drive/items/%2e%2e/createLink",
		"/me/drive/root:/a%20b/c:",
	} {
		for _, m := range []string{"POST", "GET", "DELETE"} {
			f.Add(m, s)
		}
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		r, err := ParseRoute(method, path)
		if err != nil {
			e := AsError(err)
			if e.Status < 400 || e.Status > 499 || e.Code == "" || e.Target == "" {
				t.Fatalf("error without status, code or target: %+v", e)
			}
			return
		}
		checkRoute(t, method, r)
	})
}
