package lambda

import (
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestMethodsAreCaseSensitive: "post" is not POST (RFC 9110 §9.1); every
// 405 carries Allow, the route's methods; nothing goes upstream.
func TestMethodsAreCaseSensitive(t *testing.T) {
	e := newEnv(t)
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	for _, c := range []struct{ method, path, body, allow string }{
		{"post", item + "/createLink", `{"type":"view"}`, "POST"},
		{"Post", item + "/createLink", `{"type":"view"}`, "POST"},
		{"GET", item + "/createLink", "", "POST"},
		{"post", "/v1.0/shares/s!abc/permission/grant", `{"roles":["read"],"recipients":[{"email":"a@contoso.com"}]}`, "POST"},
		{"get", item + "/permissions", "", "GET"},
		{"Get", item + "/permissions/p1", "", "GET, DELETE, PATCH"},
		{"delete", item + "/permissions/p1", "", "GET, DELETE, PATCH"},
		{"patch", item + "/permissions/p1", `{}`, "GET, DELETE, PATCH"},
		{"PUT", item + "/permissions/p1", `{}`, "GET, DELETE, PATCH"},
		{"post", item + "/invite", `{}`, "POST"},
		{"get", "/beta" + item[len("/v1.0"):] + "/permissions/p1/revokeGrants", "", "POST"},
		{"gET", item, "", "GET"},
	} {
		resp := e.do(req{method: c.method, path: c.path, body: c.body})
		if resp.StatusCode != 405 || resp.errCode() != "notAllowed" || resp.errTarget() != "method" {
			t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, resp.Body)
		}
		if got := resp.Headers["allow"]; got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	if n := e.sim.Total(); n != 0 {
		t.Fatalf("%d requests reached Graph", n)
	}
	if ok := e.do(req{path: item + "/permissions"}); ok.StatusCode != 200 || ok.Headers["allow"] != "" {
		t.Fatalf("GET permissions: %d, allow %q", ok.StatusCode, ok.Headers["allow"])
	}
}
