package lambda

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestServeHTTP goes through net/http and the event translation: what a
// Graph client sees of lambda/cmd/local.
func TestServeHTTP(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	do := func(method, path, ctype string, body []byte, auth bool) (*http.Response, []byte) {
		t.Helper()
		r, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if auth {
			r.Header.Set("Authorization", "Bearer "+e.token)
		}
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	resp, body := do("POST", item+"/createLink", "application/json; charset=utf-8", []byte(`{"type":"view","scope":"organization"}`), true)
	if resp.StatusCode != 201 || len(resp.Header.Values("Content-Type")) != 1 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("request-id") == "" {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
	}
	var p struct{ ID string }
	if err := json.Unmarshal(body, &p); err != nil || p.ID == "" {
		t.Fatalf("%v %s", err, body)
	}
	resp, body = do("POST", "/me/drive/root:/Documents/Report.docx:/createLink", "application/json", []byte(`{"type":"view","scope":"organization"}`), true)
	if resp.StatusCode != 200 {
		t.Fatalf("root path form: %d %s", resp.StatusCode, body)
	}
	// A body that is not UTF-8 travels base64-encoded, as API Gateway
	// sends it, and core refuses it.
	resp, body = do("POST", item+"/createLink", "application/json", []byte("{\"type\":\"vi\xffew\"}"), true)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "invalidRequest") {
		t.Fatalf("invalid UTF-8: %d %s", resp.StatusCode, body)
	}
	resp, body = do("POST", item+"/createLink", "application/json", bytes.Repeat([]byte("x"), DefaultMaxBody+10), true)
	if resp.StatusCode != 413 {
		t.Fatalf("large body: %d %s", resp.StatusCode, body)
	}
	resp, body = do("GET", item+"/permissions", "", nil, false)
	if resp.StatusCode != 401 {
		t.Fatalf("no token: %d %s", resp.StatusCode, body)
	}
	resp, body = do("DELETE", item+"/permissions/"+p.ID, "", nil, true)
	if resp.StatusCode != 204 || len(body) != 0 {
		t.Fatalf("delete: %d %q", resp.StatusCode, body)
	}
	resp, body = do("GET", "/v1.0/me/messages", "", nil, true)
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("unknown route: %d %s", resp.StatusCode, body)
	}
}
