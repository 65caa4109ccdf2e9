package lambda

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestLinkLifecycle: create a link, resolve its webUrl through /shares,
// grant on it, list, read and delete its permission.
func TestLinkLifecycle(t *testing.T) {
	e := newEnv(t)
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	created := e.createLink(item+"/createLink", `{"type":"view","scope":"organization"}`)
	if created.StatusCode != 201 {
		t.Fatalf("createLink: %d %s", created.StatusCode, created.Body)
	}
	permID := created.json["id"].(string)
	webURL := created.json["link"].(map[string]any)["webUrl"].(string)
	shareID := created.json["shareId"].(string)

	t.Run("shares resolve the webUrl", func(t *testing.T) {
		for name, id := range map[string]string{
			"u! id":       core.EncodeSharingURL(webURL),
			"escaped URL": url.PathEscape(webURL),
			"shareId":     shareID,
		} {
			resp := e.do(req{path: "/v1.0/shares/" + id + "/driveItem"})
			if resp.StatusCode != 200 || resp.json["id"] != graphsim.DemoReportID {
				t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
			}
		}
	})

	t.Run("grant", func(t *testing.T) {
		resp := e.do(req{method: "POST", path: "/v1.0/shares/" + core.EncodeSharingURL(webURL) + "/permission/grant",
			body: `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
		vals, _ := resp.json["value"].([]any)
		if len(vals) == 0 {
			t.Fatalf("grant answered no permissions: %s", resp.Body)
		}
	})

	t.Run("grant through the item's URL invites", func(t *testing.T) {
		resp := e.do(req{method: "POST", path: "/beta/shares/" + url.PathEscape("https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents/Documents/Report.docx") + "/permission/grant",
			body: `{"recipients":[{"email":"bob@contoso.com"},{"email":"dave@fabrikam.com"}],"roles":["write"]}`})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
		if vals, _ := resp.json["value"].([]any); len(vals) != 3 || !strings.Contains(resp.Body, `"invitation"`) {
			t.Fatalf("want existingAccess, bob's grant and dave's invitation: %s", resp.Body)
		}
	})

	t.Run("list", func(t *testing.T) {
		resp := e.do(req{path: item + "/permissions"})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
		if !strings.Contains(resp.Body, permID) {
			t.Fatalf("the new link %s is not listed: %s", permID, resp.Body)
		}
		sel := e.do(req{path: item + "/permissions", query: "$select=id,roles"})
		if sel.StatusCode != 200 {
			t.Fatalf("$select: %d %s", sel.StatusCode, sel.Body)
		}
	})

	t.Run("get", func(t *testing.T) {
		resp := e.do(req{path: item + "/permissions/" + permID})
		if resp.StatusCode != 200 || resp.json["id"] != permID {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	})

	t.Run("delete", func(t *testing.T) {
		resp := e.do(req{method: "DELETE", path: item + "/permissions/" + permID})
		if resp.StatusCode != 204 || resp.Body != "" {
			t.Fatalf("%d %q", resp.StatusCode, resp.Body)
		}
		if _, ok := resp.Headers["content-type"]; ok {
			t.Errorf("a 204 with a content-type")
		}
		list := e.do(req{path: item + "/permissions"})
		if strings.Contains(list.Body, permID) {
			t.Fatalf("deleted link still listed: %s", list.Body)
		}
		again := e.do(req{method: "DELETE", path: item + "/permissions/" + permID})
		if again.StatusCode != 404 {
			t.Fatalf("second delete: %d %s", again.StatusCode, again.Body)
		}
	})

	t.Run("item", func(t *testing.T) {
		resp := e.do(req{path: item})
		if resp.StatusCode != 200 || resp.json["id"] != graphsim.DemoReportID {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	})
}

// TestGrantOnSeededLink grants on the link another app made (Budget.xlsx).
func TestGrantOnSeededLink(t *testing.T) {
	e := newEnv(t)
	list := e.do(req{path: "/v1.0/me/drive/items/" + graphsim.DemoBudgetID + "/permissions"})
	if list.StatusCode != 200 {
		t.Fatalf("%d %s", list.StatusCode, list.Body)
	}
	var webURL string
	for _, p := range list.json["value"].([]any) {
		if l, ok := p.(map[string]any)["link"].(map[string]any); ok && l["webUrl"] != nil {
			webURL = l["webUrl"].(string)
		}
	}
	if webURL == "" {
		t.Fatalf("no seeded link: %s", list.Body)
	}
	// The sharing URL itself in the path, percent-encoded: core encodes it.
	resp := e.do(req{method: "POST", path: "/v1.0/shares/" + url.PathEscape(webURL) + "/permission/grant",
		body: `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	if vals, _ := resp.json["value"].([]any); len(vals) == 0 {
		t.Fatalf("no value: %s", resp.Body)
	}
}
