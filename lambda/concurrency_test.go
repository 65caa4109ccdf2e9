package lambda

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestConcurrentRequests: one Handler serves many requests at once (the
// local server does; -race checks it).
func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t)
	items := []string{graphsim.DemoReportID, graphsim.DemoBudgetID, graphsim.DemoQ3ID}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				item := "/v1.0/me/drive/items/" + items[(w+i)%len(items)]
				resp, _ := e.h.Handle(context.Background(), e.event(req{method: "POST", path: item + "/createLink", body: `{"type":"edit","scope":"organization"}`}))
				if resp.StatusCode != 200 && resp.StatusCode != 201 {
					errs <- resp.Body
					return
				}
				if resp, _ := e.h.Handle(context.Background(), e.event(req{path: item + "/permissions"})); resp.StatusCode != 200 {
					errs <- resp.Body
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := strings.Count(e.logs.String(), `"msg":"request"`); n != 160 {
		t.Errorf("%d log lines for 160 requests", n)
	}
}

// FuzzHandle: whatever the event, the answer is Graph-shaped JSON (or an
// empty 204), never a panic, and a refusal below 500 sends nothing
// upstream. The upstream is in memory and always answers a permission.
func FuzzHandle(f *testing.F) {
	f.Add("POST", "/v1.0/me/drive/items/01AB/createLink", "", `{"type":"view"}`, "application/json", true)
	f.Add("GET", "/beta/shares/u!aHR0cHM6Ly9leGFtcGxlLmNvbS94/driveItem", "$select=id", "", "", true)
	f.Add("DELETE", "/me/drive/root:/a/b.txt:/permissions/x", "", "", "", true)
	f.Add("POST", "/v1.0/shares/https%3A%2F%2Fcontoso.sharepoint.com%2Fx/permission/grant", "", `{"recipients":[{"email":"a@b.co"}],"roles":["read"]}`, "application/json", true)
	f.Add("GET", "/v1.0/me/drive/items/%2e%2e/permissions", "$top=1", "", "", false)
	f.Add("PATCH", "/drive/root", "a=%", "\xff", "text/plain", true)
	f.Fuzz(func(t *testing.T, method, path, query, body, ctype string, auth bool) {
		up := &statusUpstream{script: []int{200}}
		h := New(DefaultConfig(), WithClient(up), WithLogger(NewLogger(io.Discard)))
		hd := map[string]string{"content-type": ctype}
		if auth {
			hd["authorization"] = "Bearer x"
		}
		ev := events.APIGatewayV2HTTPRequest{RawPath: path, RawQueryString: query, Headers: hd, Body: body,
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method}}}
		resp, err := h.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == 204 {
			if resp.Body != "" {
				t.Fatalf("204 with a body")
			}
			return
		}
		if !utf8.ValidString(resp.Body) || !json.Valid([]byte(resp.Body)) {
			t.Fatalf("%d: not JSON: %q", resp.StatusCode, resp.Body)
		}
		if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Body, `{"error":{"code":`) {
			t.Fatalf("%d: not a Graph error: %s", resp.StatusCode, resp.Body)
		}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && up.n.Load() != 0 {
			t.Fatalf("%d after an upstream request: %s", resp.StatusCode, resp.Body)
		}
	})
}
