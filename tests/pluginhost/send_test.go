package pluginhost_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
	"github.com/sharelink/sharelink/tests/pluginhost"
)

// graph starts graphsim (demo tenant) on loopback and gives an instance
// configured for it, allowed to reach it.
func graph(t *testing.T) (*graphsim.Sim, string, *extism.Plugin) {
	t.Helper()
	sim, base := graphsimtest.Serve(t)
	p, err := pluginhost.Instance(context.Background(), compiled, map[string]string{"graph_base_url": base})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	p.AllowedHosts = []string{"127.0.0.1"}
	return sim, base, p
}

func input(t *testing.T, v map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nativeSend is create_link done by hand in Go: build with ops, send with
// net/http, shape with ops. The plugin must give the same bytes.
func nativeSend(t *testing.T, base, build string, in map[string]any, token string) []byte {
	t.Helper()
	cfg, err := ops.ParseConfig(func(k string) (string, bool) {
		if k == "graph_base_url" {
			return base, true
		}
		return "", false
	}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	built, err := ops.Do(build, input(t, in), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Method, URL string
		Headers     map[string]string
		Body        string
	}
	if err := json.Unmarshal(built, &r); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(r.Method, r.URL, strings.NewReader(r.Body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", r.Headers["Content-Type"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	out, err := ops.Do("shape_permission", input(t, map[string]any{"status": resp.StatusCode, "body": string(body)}), &cfg)
	if err != nil {
		t.Fatalf("native shape: %v (%d %s)", err, resp.StatusCode, body)
	}
	return out
}

func call(t *testing.T, p *extism.Plugin, export string, in []byte) pluginhost.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := pluginhost.Call(ctx, p, export, in)
	if err != nil {
		t.Fatalf("%s: %v", export, err)
	}
	return r
}

func noToken(t *testing.T, token string, r pluginhost.Result) {
	t.Helper()
	if bytes.Contains(r.Output, []byte(token)) || bytes.Contains(r.Err, []byte(token)) {
		t.Fatal("the token is echoed")
	}
}

// TestCreateLinkAndGrantThroughHostHTTP sends createLink and grant through
// the Go host's HTTP to graphsim and checks the shaped answers, byte for
// byte against the same steps done natively.
func TestCreateLinkAndGrantThroughHostHTTP(t *testing.T) {
	_, base, p := graph(t)
	alice := graphsim.DemoToken(graphsim.DemoAliceUPN)
	link := map[string]any{
		"path":      "/me/drive/items/" + graphsim.DemoReportID + "/createLink",
		"body":      map[string]any{"type": "view", "scope": "organization"},
		"driveType": "business",
		"itemKind":  "file",
	}
	withToken := func(m map[string]any, tok string) map[string]any {
		c := map[string]any{"token": tok}
		for k, v := range m {
			c[k] = v
		}
		return c
	}

	first := call(t, p, "create_link", input(t, withToken(link, alice)))
	if first.Err != nil {
		t.Fatalf("create_link: %s", first.Err)
	}
	noToken(t, alice, first)
	var created struct {
		Created    bool   `json:"created"`
		Kind       string `json:"kind"`
		Permission struct {
			ID   string `json:"id"`
			Link struct {
				Scope  string `json:"scope"`
				Type   string `json:"type"`
				WebURL string `json:"webUrl"`
			} `json:"link"`
		} `json:"permission"`
	}
	if err := json.Unmarshal(first.Output, &created); err != nil {
		t.Fatal(err)
	}
	if !created.Created || created.Kind != "link" || created.Permission.Link.Scope != "organization" || created.Permission.Link.WebURL == "" {
		t.Fatalf("create_link output: %s", first.Output)
	}

	// The same link again: Graph answers 200 with the existing link.
	again := call(t, p, "create_link", input(t, withToken(link, alice)))
	if again.Err != nil || !bytes.HasPrefix(again.Output, []byte(`{"created":false,`)) {
		t.Fatalf("second create_link: %s%s", again.Output, again.Err)
	}
	if native := nativeSend(t, base, "build_create_link", link, alice); !bytes.Equal(again.Output, native) {
		t.Fatalf("plugin and native differ\nplugin: %s\nnative: %s", again.Output, native)
	}

	// grant on the link's URL.
	grant := map[string]any{
		"url":  created.Permission.Link.WebURL,
		"body": map[string]any{"recipients": []any{map[string]any{"email": graphsim.DemoBobUPN}}, "roles": []string{"read"}},
	}
	g := call(t, p, "grant", input(t, withToken(grant, alice)))
	if g.Err != nil {
		t.Fatalf("grant: %s", g.Err)
	}
	noToken(t, alice, g)
	if !bytes.HasPrefix(g.Output, []byte(`{"permissions":[`)) {
		t.Fatalf("grant output: %s", g.Output)
	}
	if native := nativeSend(t, base, "build_grant", grant, alice); !bytes.Equal(g.Output, native) {
		t.Fatalf("plugin and native differ\nplugin: %s\nnative: %s", g.Output, native)
	}
}

// TestUpstreamErrors: Graph's errors come back as the error text, with the
// status, and throttling with its Retry-After.
func TestUpstreamErrors(t *testing.T) {
	sim, _, p := graph(t)
	alice := graphsim.DemoToken(graphsim.DemoAliceUPN)
	in := input(t, map[string]any{
		"path":  "/me/drive/items/01NOSUCHITEM0000000000000000000000/createLink",
		"body":  map[string]any{"type": "view", "scope": "organization"},
		"token": alice,
	})
	r := call(t, p, "create_link", in)
	parts, err := pluginhost.ErrParts(r.Err)
	if err != nil {
		t.Fatalf("%v (output %s)", err, r.Output)
	}
	if parts.Status != 404 || parts.Code != "itemNotFound" {
		t.Fatalf("want 404 itemNotFound, got %s", r.Err)
	}
	noToken(t, alice, r)

	sim.Inject(graphsim.Fault{Kind: graphsim.FaultThrottle, RetryAfter: "7"})
	in = input(t, map[string]any{
		"path":  "/me/drive/items/" + graphsim.DemoReportID + "/createLink",
		"body":  map[string]any{"type": "view", "scope": "organization"},
		"token": alice,
	})
	r = call(t, p, "create_link", in)
	var e struct {
		Status            int  `json:"status"`
		Throttled         bool `json:"throttled"`
		Retryable         bool `json:"retryable"`
		RetryAfterSeconds int  `json:"retryAfterSeconds"`
		Error             struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Err, &e); err != nil {
		t.Fatalf("%v: %s%s", err, r.Output, r.Err)
	}
	if e.Status != 429 || !e.Throttled || !e.Retryable || e.RetryAfterSeconds != 7 || e.Error.Code == "" {
		t.Fatalf("throttled answer: %s", r.Err)
	}
}

// TestBadInputSendsNothing: an input error is reported before any request.
func TestBadInputSendsNothing(t *testing.T) {
	sim, _, p := graph(t)
	for _, c := range []struct{ in, target string }{
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"}}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":""}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"a b"}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":7}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"t","token":"t"}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"nope"},"token":"t"}`, "type"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"t","extra":1}`, "extra"},
		{`{"path":"/me/drive/items/x/createLink",`, "input"},
	} {
		r := call(t, p, "create_link", []byte(c.in))
		parts, err := pluginhost.ErrParts(r.Err)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if parts.Status != 400 || parts.Target != c.target {
			t.Errorf("%s: want 400 target %q, got %s", c.in, c.target, r.Err)
		}
	}
	if n := sim.Total(); n != 0 {
		t.Fatalf("%d requests reached Graph", n)
	}
}

// TestHostNotAllowed: a host that did not allow Graph's host gets a clear
// error at once, not a hang, and nothing reaches Graph.
func TestHostNotAllowed(t *testing.T) {
	sim, _, p := graph(t)
	p.AllowedHosts = nil
	in := input(t, map[string]any{
		"path":  "/me/drive/items/" + graphsim.DemoReportID + "/createLink",
		"body":  map[string]any{"type": "view", "scope": "organization"},
		"token": graphsim.DemoToken(graphsim.DemoAliceUPN),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err := pluginhost.Call(ctx, p, "create_link", in)
	if err == nil || !strings.Contains(err.Error(), "is not allowed") {
		t.Fatalf("want a refusal, got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the refusal took %v", d)
	}
	if n := sim.Total(); n != 0 {
		t.Fatalf("%d requests reached Graph", n)
	}
	if strings.Contains(err.Error(), "Bearer") {
		t.Fatal("the refusal shows the token")
	}
	// The instance still answers, and sends once the host is allowed.
	r := call(t, p, "encode_sharing_url", []byte(`{"url":"https://a.example/x"}`))
	if string(r.Output) != `{"shareId":"u!aHR0cHM6Ly9hLmV4YW1wbGUveA"}` {
		t.Fatalf("after the refusal: %s%s", r.Output, r.Err)
	}
	p.AllowedHosts = []string{"127.0.0.1"}
	if r := call(t, p, "create_link", in); r.Err != nil {
		t.Fatalf("after the refusal, allowed: %s", r.Err)
	}
}

// TestFakeClockRefused: wazero's default clock (2022-01-01 onwards, fake)
// is refused by the exports that need the time; with the system clock or a
// fixed now they answer.
func TestFakeClockRefused(t *testing.T) {
	ctx := context.Background()
	p, err := compiled.Instance(ctx, extism.PluginInstanceConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	in := []byte(`{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization"}}`)
	r := call(t, p, "build_create_link", in)
	parts, err := pluginhost.ErrParts(r.Err)
	if err != nil || parts.Status != 500 || parts.Target != "now" {
		t.Fatalf("want 500 target now, got %s%s", r.Output, r.Err)
	}
	real, err := pluginhost.Instance(ctx, compiled, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer real.Close(ctx)
	if r := call(t, real, "build_create_link", in); r.Err != nil {
		t.Fatalf("with the system clock: %s", r.Err)
	}
}
