package lambda

import (
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/tests/graphsim"
)

func TestCreateLinkThenSameLink(t *testing.T) {
	e := newEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	first := e.createLink(path, `{"type":"view","scope":"organization"}`)
	if first.StatusCode != 201 {
		t.Fatalf("first createLink: %d %s", first.StatusCode, first.Body)
	}
	second := e.createLink(path, `{"type":"view","scope":"organization"}`)
	if second.StatusCode != 200 {
		t.Fatalf("second createLink: %d %s", second.StatusCode, second.Body)
	}
	if first.json["id"] != second.json["id"] || first.json["id"] == nil {
		t.Fatalf("ids differ: %v vs %v", first.json["id"], second.json["id"])
	}
	if first.Body != second.Body {
		t.Errorf("the same link is shaped differently:\n%s\n%s", first.Body, second.Body)
	}
	for _, k := range []string{"request-id", "client-request-id", "content-type"} {
		if first.Headers[k] == "" {
			t.Errorf("no %s header", k)
		}
	}
	if strings.Contains(first.Body, "@odata") {
		t.Errorf("annotations are not shaped away: %s", first.Body)
	}
}

// TestCreateLinkPathForms sends createLink through the path forms of the
// seeds, each under a version prefix or none, to the item graphsim
// resolves them to.
func TestCreateLinkPathForms(t *testing.T) {
	e := newEnv(t)
	carol := graphsim.DemoToken(graphsim.DemoCarolUPN)
	tests := []struct {
		name, path, body, token string
	}{
		{"me items", "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink", `{"type":"edit","scope":"organization"}`, ""},
		{"no version", "/me/drive/items/" + graphsim.DemoReportID + "/createLink", `{"type":"view","scope":"anonymous"}`, ""},
		{"beta, no type", "/beta/me/drive/items/" + graphsim.DemoQ3ID + "/createLink", `{}`, ""},
		{"drives", "/v1.0/drives/" + graphsim.DemoAliceDriveID + "/items/" + graphsim.DemoBudgetID + "/createLink", `{"type":"view","scope":"organization"}`, ""},
		{"users", "/v1.0/users/" + graphsim.DemoAliceUPN + "/drive/items/" + graphsim.DemoReportID + "/createLink", `{"type":"view","scope":"users","recipients":[{"email":"bob@contoso.com"}]}`, ""},
		{"sites", "/v1.0/sites/" + graphsim.DemoMarketingSiteID + "/drive/items/" + graphsim.DemoBrandID + "/createLink", `{"type":"view","scope":"organization"}`, ""},
		{"groups", "/v1.0/groups/" + graphsim.DemoMarketingGroupID + "/drive/items/" + graphsim.DemoBrandID + "/createLink", `{"type":"edit","scope":"organization"}`, ""},
		{"root path", "/v1.0/me/drive/root:/Documents/Plans/Q3.pptx:/createLink", `{"type":"view","scope":"organization"}`, ""},
		{"legacy drive root path", "/drive/root:/Documents/Report.docx:/createLink", `{"type":"review","scope":"organization"}`, ""},
		{"escaped path", "/v1.0/me/drive/root:/Documents/Report%2Edocx:/createLink", `{"type":"blocksDownload","scope":"organization"}`, ""},
		{"joinedGroups", "/beta/me/joinedGroups/" + graphsim.DemoMarketingGroupID + "/drive/items/" + graphsim.DemoBrandID + "/createLink", `{"type":"view","scope":"anonymous"}`, ""},
		{"full Graph URL", "https://graph.microsoft.com/v1.0/me/drive/items/" + graphsim.DemoQ3ID + "/createLink", `{"type":"edit","scope":"anonymous"}`, ""},
		{"personal embed", "/v1.0/me/drive/items/" + graphsim.DemoTripID + "/createLink", `{"type":"embed"}`, carol},
		{"personal special", "/v1.0/me/drive/special/photos/createLink", `{"type":"view","scope":"anonymous"}`, carol},
		{"expiry with offset", "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink",
			`{"type":"edit","scope":"anonymous","expirationDateTime":"` + time.Now().Add(72*time.Hour).Format("2006-01-02T15:04:05.0000000-07:00") + `","password":"s3cret!"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := req{method: "POST", path: tt.path, body: tt.body}
			if tt.token != "" {
				r.headers = map[string]string{"authorization": "Bearer " + tt.token}
			}
			resp := e.do(r)
			if resp.StatusCode != 201 && resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
			link, _ := resp.json["link"].(map[string]any)
			if link == nil || link["webUrl"] == nil {
				t.Fatalf("no link in %s", resp.Body)
			}
		})
	}
}

func TestCreateLinkBase64Body(t *testing.T) {
	e := newEnv(t)
	resp := e.do(req{method: "POST", path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink",
		body: `{"type":"view","scope":"organization"}`, base64: true})
	if resp.StatusCode != 201 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
}

// TestUpstreamErrorsPassThroughShaped: Graph's own refusals come back with
// their status, Graph's code and Graph's request-id.
func TestUpstreamErrorsPassThroughShaped(t *testing.T) {
	e := newEnv(t)
	carol := "Bearer " + graphsim.DemoToken(graphsim.DemoCarolUPN)
	tests := []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"unknown item", req{method: "POST", path: "/v1.0/me/drive/items/01NOTANITEM/createLink", body: `{"type":"view","scope":"organization"}`}, 404, "itemNotFound"},
		{"bob's item", req{method: "POST", path: "/v1.0/drives/" + graphsim.DemoBobDriveID + "/items/" + graphsim.DemoNotesID + "/createLink", body: `{"type":"view","scope":"organization"}`}, 404, "itemNotFound"},
		{"grant on personal", req{method: "POST", path: "/v1.0/shares/" + graphsim.EncodeSharingURL("https://onedrive.live.com/redir?resid=D4648F06C91D9D3D!103") + "/permission/grant",
			body: `{"recipients":[{"email":"dave@example.com"}],"roles":["read"]}`, headers: map[string]string{"authorization": carol}}, 501, "notSupported"},
		{"token graphsim refuses", req{method: "GET", path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions", headers: map[string]string{"authorization": "Bearer not-a-jwt"}}, 401, "InvalidAuthenticationToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.r)
			if resp.StatusCode < 400 {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if resp.errCode() != tt.code {
				t.Errorf("code %q, want %q: %s", resp.errCode(), tt.code, resp.Body)
			}
			inner, _ := resp.json["error"].(map[string]any)["innerError"].(map[string]any)
			if inner == nil || inner["request-id"] != resp.Headers["request-id"] {
				t.Errorf("Graph's request-id is not returned: header %q, body %s", resp.Headers["request-id"], resp.Body)
			}
		})
	}
}
