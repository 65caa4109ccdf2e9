package lambda

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestLogsHoldNoSecrets sends requests carrying a token, a password and
// recipients' addresses through success, refusal, policy and upstream
// failure, then reads every log line: one per request, JSON, with the
// fields operators need, and none of the secrets.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		p, err := core.ParsePolicy([]byte(`{"allowedRecipientDomains":["contoso.com"],"maxExpiryDays":5,"expiryAction":"clamp"}`))
		if err != nil {
			t.Fatal(err)
		}
		c.Policy = p
	})
	const password = "Pa55-w0rd-Zebra!"
	secrets := []string{e.token, password, "bob@contoso.com", "eve@fabrikam.com", "carol@outlook.com", "alice@contoso.com",
		"mallory@contoso.com", strings.Split(e.token, ".")[1]}
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	later := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	reqs := []req{
		{method: "POST", path: item + "/createLink", body: `{"type":"edit","scope":"anonymous","password":"` + password + `","expirationDateTime":"` + later + `"}`},
		{method: "POST", path: item + "/createLink", body: `{"type":"view","scope":"users","recipients":[{"email":"bob@contoso.com"}],"sendNotification":true,"message":"hi"}`},
		{method: "POST", path: item + "/createLink", body: `{"type":"view","scope":"users","recipients":[{"email":"eve@fabrikam.com"}]}`},
		{method: "POST", path: item + "/createLink", body: `{"type":"view","scope":"users","recipients":[{"email":"not-an-address@"}],"password":"` + password + `"}`},
		{method: "POST", path: item + "/createLink", body: `{"type":"view","bob@contoso.com":1}`},
		{method: "POST", path: item + "/createLink", body: `{"type":"view","` + password + `":1}`},
		{method: "POST", path: "/v1.0/users/alice@contoso.com/drive/items/" + graphsim.DemoReportID + "/createLink", body: `{"type":"view","scope":"organization"}`},
		{method: "POST", path: "/v1.0/users/mallory@contoso.com/drive/items/01X/createLink", body: `{"type":"view","scope":"organization"}`},
		{method: "POST", path: "/v1.0/shares/" + core.EncodeSharingURL("https://contoso-my.sharepoint.com/personal/alice_contoso_com/Documents/Documents/Report.docx") + "/permission/grant",
			body: `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`},
		{method: "POST", path: "/v1.0/shares/" + core.EncodeSharingURL("https://contoso.sharepoint.com/x") + "/permission/grant",
			body: `{"recipients":[{"email":"eve@fabrikam.com"}],"roles":["read"]}`},
		{path: item + "/permissions"},
		{path: item + "/permissions", headers: map[string]string{"authorization": ""}},
		{path: item + "/permissions", headers: map[string]string{"authorization": "Bearer " + password}},
		{path: "/v1.0/me/drive/items/" + graphsim.DemoTripID, headers: map[string]string{"authorization": "Bearer " + graphsim.DemoToken(graphsim.DemoCarolUPN)}},
	}
	secrets = append(secrets, graphsim.DemoToken(graphsim.DemoCarolUPN))
	e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 1, RetryAfter: "1", Route: "permissions"})
	for _, r := range reqs {
		e.do(r)
	}
	all := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	lines := requestLines(all)
	if len(lines) != len(reqs) {
		t.Fatalf("%d log lines for %d requests", len(lines), len(reqs))
	}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i, err, line)
		}
		for _, k := range []string{"time", "level", "msg", "method", "status", "latency_ms", "request_id", "client_request_id"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d has no %q: %s", i, k, line)
			}
		}
	}
	// Every line, the decision records too.
	for i, line := range all {
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("line %d holds a secret %.12q…: %s", i, s, line)
			}
		}
		if strings.Contains(line, "@") {
			t.Errorf("line %d holds an address: %s", i, line)
		}
	}
	for _, want := range []string{`"route":"createLink"`, `"route":"grant"`, `"upstream_attempts":2`, `"adjusted":"expirationDateTime by policy.maxExpiryDays"`, `"error_target":"policy.allowedRecipientDomains"`} {
		if !strings.Contains(e.logs.String(), want) {
			t.Errorf("the log has no %s", want)
		}
	}
}

// The error target is logged only when it is core's own name: a key or a
// path segment the caller chose, however plain it looks, becomes a fixed
// word.
func TestLogTargetHoldsNoCallerText(t *testing.T) {
	e := newEnv(t)
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	for _, tt := range []struct {
		r      req
		target string
	}{
		{req{method: "POST", path: item + "/createLink", body: `{"type":"view","projectZebra":1}`}, "unknownProperty"},
		{req{method: "POST", path: item + "/createLink", body: `{"type":"view","scope":"users","recipients":[{"projectZebra":"x"}]}`}, "unknownProperty"},
		{req{method: "POST", path: item + "/projectZebra", body: `{"type":"view"}`}, "pathSegment"},
		{req{path: item + "/permissions", query: "$projectZebra=1"}, "queryOption"},
		{req{method: "POST", path: item + "/createLink", body: `{"type":"view","scope":"users","recipients":[{"email":"x@"}]}`}, "recipients[0].email"},
		{req{method: "POST", path: "/v1.0/me/drive/items/%2e%2e/createLink", body: `{"type":"view"}`}, "item-id"},
	} {
		before := len(e.logs.Lines())
		e.do(tt.r)
		lines := e.logs.Lines()
		line := strings.Join(lines[before:], "\n")
		if strings.Contains(line, "projectZebra") || !strings.Contains(line, `"error_target":"`+tt.target+`"`) {
			t.Errorf("%s %s: want error_target %q: %s", tt.r.method, tt.r.path, tt.target, line)
		}
	}
}

// requestIDUpstream answers a permission under the Request-Id it is given.
type requestIDUpstream struct{ id string }

func (u requestIDUpstream) Do(r *http.Request) (*http.Response, error) {
	body := `{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://contoso.sharepoint.com/:w:/x"}}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Request-Id": {u.id}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// TestUpstreamRequestIDIsChecked: the upstream's request-id goes into
// every log line and the request-id header only when it is a plain id, as
// Graph's are; anything else (an address, a long text, JSON) is replaced
// by sharelink's own.
func TestUpstreamRequestIDIsChecked(t *testing.T) {
	for _, id := range []string{"bob@contoso.com", `x","level":"ERROR`, strings.Repeat("a", 4096), "caf\u00e9", "a b"} {
		logs := &logcapture.Buffer{}
		h := New(DefaultConfig(), WithClient(requestIDUpstream{id}), WithLogger(NewLogger(logs)), WithIDs(func() string { return "ours" }))
		ev := (&env{token: "t"}).event(req{method: "POST", path: "/v1.0/me/drive/items/01AB/createLink", body: `{"type":"view"}`})
		resp, _ := h.Handle(context.Background(), ev)
		if resp.StatusCode != 200 {
			t.Fatalf("%q: %d %s", id, resp.StatusCode, resp.Body)
		}
		if got := resp.Headers["request-id"]; got != "ours" {
			t.Errorf("%.40q: request-id header %.60q", id, got)
		}
		if strings.Contains(logs.String(), id) {
			t.Errorf("%.40q is in the log: %.300s", id, logs.String())
		}
	}
	// Graph's own form is kept.
	const graphID = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
	h := New(DefaultConfig(), WithClient(requestIDUpstream{graphID}), WithLogger(NewLogger(io.Discard)))
	ev := (&env{token: "t"}).event(req{method: "POST", path: "/v1.0/me/drive/items/01AB/createLink", body: `{"type":"view"}`})
	if resp, _ := h.Handle(context.Background(), ev); resp.Headers["request-id"] != graphID {
		t.Errorf("Graph's request-id %q became %q", graphID, resp.Headers["request-id"])
	}
}
