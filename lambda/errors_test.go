package lambda

import (
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestRefusedWithoutUpstream: every input the handler or core refuses is
// answered 4xx, Graph-shaped, and nothing reaches Graph (graphsim's
// counter stays at zero).
func TestRefusedWithoutUpstream(t *testing.T) {
	policy := `{"denyAnonymous":true,"allowedTypes":["view","edit"],"maxExpiryDays":30,
		"allowedRecipientDomains":["contoso.com"],"maxRecipients":2}`
	e := newEnv(t, func(c *Config) {
		p, err := core.ParsePolicy([]byte(policy))
		if err != nil {
			t.Fatal(err)
		}
		c.Policy = p
		c.MaxBody = 4096
	})
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	create := item + "/createLink"
	far := time.Now().Add(90 * 24 * time.Hour).UTC().Format(time.RFC3339)
	noAuth := map[string]string{"authorization": ""}
	tests := []struct {
		name   string
		r      req
		status int
		code   string
		target string
	}{
		// routes
		{"unknown route", req{path: "/v1.0/me/messages"}, 404, "itemNotFound", ""},
		{"children are not a sharing route", req{path: item + "/children"}, 404, "itemNotFound", ""},
		{"graphsim's control endpoint", req{path: "/_graphsim/requests"}, 404, "itemNotFound", ""},
		{"root", req{path: "/"}, 0, "", ""},
		{"another host", req{path: "https://evil.example.com/v1.0/me/drive/items/X/createLink", method: "POST", body: `{"type":"view"}`}, 400, "invalidRequest", "path"},
		{"method", req{path: create}, 405, "notAllowed", "method"},
		{"PUT on a permission", req{method: "PUT", path: item + "/permissions/abc"}, 405, "notAllowed", "method"},
		{"encoded slash in an id", req{path: "/v1.0/me/drive/items/01AB%2F..%2Fx/permissions"}, 400, "invalidRequest", "item-id"},
		{"dot-dot in a path", req{path: "/v1.0/me/drive/root:/Documents/../secret.txt:/permissions"}, 400, "invalidRequest", "item-path"},
		{"bad share id", req{method: "POST", path: "/v1.0/shares/u!@@@/permission/grant", body: `{}`}, 400, "invalidRequest", "share-id"},
		// query
		{"$top", req{path: item + "/permissions", query: "$top=5"}, 400, "invalidRequest", "$top"},
		{"$expand", req{path: item, query: "$expand=children"}, 400, "invalidRequest", "$expand"},
		{"$select on a POST", req{method: "POST", path: create, body: `{"type":"view"}`, query: "$select=id"}, 400, "invalidRequest", "$select"},
		{"$select with a path", req{path: item + "/permissions", query: "$select=id/../x"}, 400, "invalidRequest", "$select"},
		{"$select twice", req{path: item + "/permissions", query: "$select=id&$select=roles"}, 400, "invalidRequest", "$select"},
		{"malformed query", req{path: item + "/permissions", query: "a=%zz"}, 400, "invalidRequest", "query"},
		// auth
		{"no token", req{method: "POST", path: create, body: `{"type":"view","scope":"organization"}`, headers: noAuth}, 401, "unauthenticated", ""},
		{"no token, GET", req{path: item + "/permissions", headers: noAuth}, 401, "unauthenticated", ""},
		{"no token, delete", req{method: "DELETE", path: item + "/permissions/x", headers: noAuth}, 401, "unauthenticated", ""},
		// transport
		{"no content type", req{method: "POST", path: create, body: `{"type":"view"}`, headers: map[string]string{"content-type": ""}}, 415, "unsupportedMediaType", "Content-Type"},
		{"form content type", req{method: "POST", path: create, body: `{"type":"view"}`, headers: map[string]string{"content-type": "application/x-www-form-urlencoded"}}, 415, "unsupportedMediaType", "Content-Type"},
		{"latin-1", req{method: "POST", path: create, body: `{"type":"view"}`, headers: map[string]string{"content-type": "application/json; charset=iso-8859-1"}}, 415, "unsupportedMediaType", "Content-Type"},
		{"too large", req{method: "POST", path: create, body: `{"type":"view","message":"` + strings.Repeat("x", 5000) + `"}`}, 413, "requestTooLarge", "body"},
		{"too large, base64", req{method: "POST", path: create, body: strings.Repeat(" ", 5000) + `{"type":"view"}`, base64: true}, 413, "requestTooLarge", "body"},
		{"bad base64", req{method: "POST", path: create, body: "not base64!", markBase64: true}, 400, "invalidRequest", "body"},
		// body (core)
		{"empty body", req{method: "POST", path: create, headers: map[string]string{"content-type": "application/json"}}, 400, "invalidRequest", "body"},
		{"not JSON", req{method: "POST", path: create, body: `{"type":`}, 400, "invalidRequest", "body"},
		{"unknown property", req{method: "POST", path: create, body: `{"type":"view","colour":"red"}`}, 400, "invalidRequest", "colour"},
		{"wrong type", req{method: "POST", path: create, body: `{"type":"view","scope":1}`}, 400, "invalidRequest", "scope"},
		{"v1.0 needs a type", req{method: "POST", path: create, body: `{"scope":"organization"}`}, 400, "invalidRequest", "type"},
		{"past expiry", req{method: "POST", path: create, body: `{"type":"view","scope":"organization","expirationDateTime":"2001-01-01T00:00:00Z"}`}, 400, "invalidRequest", "expirationDateTime"},
		{"bad recipient", req{method: "POST", path: create, body: `{"type":"view","scope":"users","recipients":[{"email":"not an address"}]}`}, 400, "invalidRequest", "recipients[0].email"},
		{"grant without roles", req{method: "POST", path: "/v1.0/shares/" + core.EncodeSharingURL("https://contoso.sharepoint.com/x") + "/permission/grant", body: `{"recipients":[{"email":"bob@contoso.com"}]}`}, 400, "invalidRequest", "roles"},
		{"grant with an owner role", req{method: "POST", path: "/v1.0/shares/" + core.EncodeSharingURL("https://contoso.sharepoint.com/x") + "/permission/grant", body: `{"recipients":[{"email":"bob@contoso.com"}],"roles":["owner"]}`}, 400, "invalidRequest", "roles"},
		// policy (core)
		{"policy: anonymous", req{method: "POST", path: create, body: `{"type":"view","scope":"anonymous"}`}, 403, "accessDenied", "policy.denyAnonymous"},
		{"policy: type", req{method: "POST", path: create, body: `{"type":"review","scope":"organization"}`}, 403, "accessDenied", "policy.allowedTypes"},
		{"policy: expiry", req{method: "POST", path: create, body: `{"type":"view","scope":"organization","expirationDateTime":"` + far + `"}`}, 403, "accessDenied", "policy.maxExpiryDays"},
		{"policy: domain", req{method: "POST", path: create, body: `{"type":"view","scope":"users","recipients":[{"email":"eve@fabrikam.com"}]}`}, 403, "accessDenied", "policy.allowedRecipientDomains"},
		{"policy: grant domain", req{method: "POST", path: "/v1.0/shares/" + core.EncodeSharingURL("https://contoso.sharepoint.com/x") + "/permission/grant", body: `{"recipients":[{"email":"eve@fabrikam.com"}],"roles":["read"]}`}, 403, "accessDenied", "policy.allowedRecipientDomains"},
		{"policy: recipients", req{method: "POST", path: create, body: `{"type":"view","scope":"users","recipients":[{"email":"a@contoso.com"},{"email":"b@contoso.com"},{"email":"c@contoso.com"}]}`}, 403, "accessDenied", "policy.maxRecipients"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.sim.Total()
			resp := e.do(tt.r)
			if tt.status != 0 && resp.StatusCode != tt.status || tt.status == 0 && (resp.StatusCode < 400 || resp.StatusCode > 499) {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if tt.code != "" && resp.errCode() != tt.code {
				t.Errorf("code %q, want %q", resp.errCode(), tt.code)
			}
			if tt.target != "" && resp.errTarget() != tt.target {
				t.Errorf("target %q, want %q: %s", resp.errTarget(), tt.target, resp.Body)
			}
			if resp.Headers["request-id"] == "" || resp.Headers["content-type"] != "application/json" {
				t.Errorf("headers %v", resp.Headers)
			}
			if n := e.sim.Total() - before; n != 0 {
				t.Errorf("%d upstream requests for a refused input", n)
			}
		})
	}
}

// TestPolicyClampReported: with expiryAction clamp, the expiry Graph gets
// is the policy's limit and the response says so.
func TestPolicyClampReported(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		p, err := core.ParsePolicy([]byte(`{"maxExpiryDays":7,"expiryAction":"clamp"}`))
		if err != nil {
			t.Fatal(err)
		}
		c.Policy = p
	})
	far := time.Now().Add(60 * 24 * time.Hour).UTC().Truncate(time.Second)
	resp := e.createLink("/v1.0/me/drive/items/"+graphsim.DemoReportID+"/createLink",
		`{"type":"view","scope":"anonymous","expirationDateTime":"`+far.Format(time.RFC3339)+`"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	adj := resp.Headers[AdjustedHeader]
	to, _ := resp.json["expirationDateTime"].(string)
	if to == "" || !strings.HasPrefix(adj, "expirationDateTime="+to+";rule=policy.maxExpiryDays;from="+far.Format(time.RFC3339)) {
		t.Fatalf("%s: %q, link expires %q", AdjustedHeader, adj, to)
	}
	limit, err := time.Parse(time.RFC3339, to)
	if err != nil || limit.After(time.Now().Add(7*24*time.Hour+time.Minute)) {
		t.Fatalf("expiry %q is past the policy's 7 days", to)
	}
}

// TestClientRequestID: a caller's id is propagated upstream and back; a
// missing or unusable one is replaced by a fresh id.
func TestClientRequestID(t *testing.T) {
	e := newEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions"
	const id = "6f1c3c51-0b3e-4d3b-9a6e-0c2d6b9c0d11"
	resp := e.do(req{path: path, headers: map[string]string{"client-request-id": id}})
	if resp.Headers["client-request-id"] != id {
		t.Fatalf("client-request-id %q, want %q", resp.Headers["client-request-id"], id)
	}
	for _, bad := range []string{"", "two words", strings.Repeat("a", 200), "x\"y"} {
		resp := e.do(req{path: path, headers: map[string]string{"client-request-id": bad}})
		got := resp.Headers["client-request-id"]
		if got == "" || got == bad || len(got) != 36 {
			t.Errorf("for %q the handler answered client-request-id %q", bad, got)
		}
	}
	// Graph's 404 carries the id we sent: it went upstream.
	miss := e.do(req{path: "/v1.0/me/drive/items/01MISSING/permissions", headers: map[string]string{"client-request-id": id}})
	inner, _ := miss.json["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["client-request-id"] != id {
		t.Fatalf("upstream did not get the client-request-id: %s", miss.Body)
	}
}
