package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/core/ops"
)

// fakeHost is a host with a config map, a clock and a canned HTTP answer.
type fakeHost struct {
	config  map[string]string
	now     time.Time
	answer  httpResponse
	sent    []*httpRequest
	configs int // config reads
}

func (h *fakeHost) Config(k string) (string, bool) {
	h.configs++
	v, ok := h.config[k]
	return v, ok
}

func (h *fakeHost) Now() time.Time { return h.now }

func (h *fakeHost) Send(r *httpRequest) httpResponse {
	h.sent = append(h.sent, r)
	return h.answer
}

const createInput = `{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization"},"token":"tok.en-1"}`

func TestVersionListsEveryExport(t *testing.T) {
	var in instance
	out, err := in.call("version", nil, &fakeHost{})
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version string
		Exports []string
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if v.Version != ops.Version || strings.Join(v.Exports, ",") != strings.Join(ops.Names(), ",") {
		t.Fatalf("version: %s", out)
	}
	for _, want := range []string{"build_create_link", "create_link", "grant", "noop"} {
		if !strings.Contains(string(out), `"`+want+`"`) {
			t.Errorf("version lacks %s: %s", want, out)
		}
	}
}

func TestConfigReadOnceAndClock(t *testing.T) {
	h := &fakeHost{config: map[string]string{}, now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)}
	var in instance
	in1 := []byte(`{"path":"/me/drive/items/x/createLink","body":{"type":"view","expirationDateTime":"2026-01-15T13:00:00Z"}}`)
	if _, err := in.call("build_create_link", in1, h); err != nil {
		t.Fatal(err)
	}
	reads := h.configs
	// The clock moves on: without "now" each call reads it again.
	h.now = h.now.Add(2 * time.Hour)
	if _, err := in.call("build_create_link", in1, h); err == nil {
		t.Fatal("an expiry now in the past was accepted")
	}
	if h.configs != reads {
		t.Fatalf("config read again: %d reads, then %d", reads, h.configs)
	}
	// A fixed "now" wins over the clock.
	fixed := &fakeHost{config: map[string]string{"now": "2026-01-15T12:00:00Z"}, now: h.now}
	var in2 instance
	if _, err := in2.call("build_create_link", in1, fixed); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrorIsEveryCallsError(t *testing.T) {
	h := &fakeHost{config: map[string]string{"policy": "{"}}
	var in instance
	for range 2 {
		_, err := in.call("encode_sharing_url", []byte(`{"url":"https://a.example/"}`), h)
		if err == nil || !strings.Contains(string(ops.ErrorText(err)), `"status":400`) {
			t.Fatalf("want the config error, got %v", err)
		}
	}
}

func TestCreateLinkSends(t *testing.T) {
	h := &fakeHost{config: map[string]string{"graph_base_url": "https://graph.example"}, now: time.Now(),
		answer: httpResponse{Status: 201, Body: []byte(`{"@odata.context":"x","id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://s.example/x"}}`)}}
	var in instance
	out, err := in.call("create_link", []byte(createInput), h)
	if err != nil {
		t.Fatalf("%s", ops.ErrorText(err))
	}
	want := `{"created":true,"kind":"link","permission":{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://s.example/x"}}}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	if len(h.sent) != 1 {
		t.Fatalf("%d requests", len(h.sent))
	}
	r := h.sent[0]
	if r.Method != "POST" || r.URL != "https://graph.example/v1.0/me/drive/items/01ABC/createLink" ||
		string(r.Body) != `{"type":"view","scope":"organization"}` {
		t.Fatalf("sent %+v", r)
	}
	headers := map[string]string{}
	for _, kv := range r.Headers {
		headers[kv[0]] = kv[1]
	}
	if headers["Authorization"] != "Bearer tok.en-1" || headers["Content-Type"] != "application/json" {
		t.Fatalf("headers %v", headers)
	}
}

func TestCreateLinkAdjusted(t *testing.T) {
	h := &fakeHost{
		config: map[string]string{"now": "2026-01-15T12:00:00Z", "policy": `{"maxExpiryDays":7,"expiryAction":"clamp"}`},
		answer: httpResponse{Status: 201, Body: []byte(`{"id":"p1","roles":["read"],"expirationDateTime":"2026-01-22T12:00:00Z","link":{"type":"view","scope":"organization"}}`)},
	}
	var in instance
	input := `{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization","expirationDateTime":"2026-12-01T00:00:00Z"},"token":"t"}`
	out, err := in.call("create_link", []byte(input), h)
	if err != nil {
		t.Fatalf("%s", ops.ErrorText(err))
	}
	// The shaped permission, then what the policy changed and the rule
	// that fired; Graph kept the expiry sent, so nothing is by Graph.
	if !strings.HasPrefix(string(out), `{"created":true,"kind":"link","permission":{"id":"p1"`) ||
		!strings.HasSuffix(string(out), `},"adjusted":[{"property":"expirationDateTime","rule":"policy.maxExpiryDays","from":"2026-12-01T00:00:00Z","to":"2026-01-22T12:00:00Z"}],`+
			`"findings":[{"rule":"policy.maxExpiryDays","mode":"enforce","stage":"request","effect":"clamped"}]}`) {
		t.Fatalf("create_link with a clamped expiry: %s", out)
	}
	if !strings.Contains(string(h.sent[0].Body), `"expirationDateTime":"2026-01-22T12:00:00Z"`) {
		t.Fatalf("sent %s", h.sent[0].Body)
	}
}

// With a policy, Graph's answer is held to it: an existing link that
// breaks a rule is refused, naming the rule and the permission.
func TestCreateLinkAnswerRefused(t *testing.T) {
	h := &fakeHost{
		config: map[string]string{"now": "2026-01-15T12:00:00Z", "policy": `{"allowedScopes":["organization","anonymous"],"anonymous":{"requirePassword":true}}`},
		answer: httpResponse{Status: 200, Body: []byte(`{"id":"old-link","roles":["read"],"link":{"type":"view","scope":"anonymous"}}`)},
	}
	var in instance
	input := `{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization"},"token":"t"}`
	_, err := in.call("create_link", []byte(input), h)
	e := core.AsError(err)
	if e.Status != 403 || e.Target != "policy.anonymous.requirePassword" || !strings.Contains(e.Message, "old-link") {
		t.Fatalf("create_link answered with a link the policy refuses: %s", ops.ErrorText(err))
	}
}

func TestUpstreamErrorText(t *testing.T) {
	h := &fakeHost{
		config: map[string]string{"now": "2026-01-15T12:00:00Z"},
		answer: httpResponse{Status: 429, Headers: map[string]string{"retry-after": "7"},
			Body: []byte(`{"error":{"code":"activityLimitReached","message":"slow","innerError":{"code":"throttledRequest"}}}`)},
	}
	var in instance
	_, err := in.call("create_link", []byte(createInput), h)
	if err == nil {
		t.Fatal("no error")
	}
	text := string(ops.ErrorText(err))
	want := `{"error":{"code":"activityLimitReached","message":"slow","innerError":{"code":"throttledRequest"}},"status":429,"throttled":true,"retryable":true,"retryAfterSeconds":7}`
	if text != want {
		t.Fatalf("got  %s\nwant %s", text, want)
	}
}

func TestNoHTTPAndBadAnswers(t *testing.T) {
	for _, c := range []struct {
		answer httpResponse
		want   string
	}{
		{httpResponse{Status: 0}, `"code":"badGateway","message":"the host sent no request to Graph`},
		{httpResponse{Status: 201, Body: []byte("\xff")}, `"target":"body"},"status":502}`},
		{httpResponse{Status: 201, Body: []byte(`not json`)}, `"status":502`},
		{httpResponse{Status: 302}, `"status":502`},
	} {
		var in instance
		_, err := in.call("create_link", []byte(createInput), &fakeHost{now: time.Now(), answer: c.answer})
		if err == nil || !strings.Contains(string(ops.ErrorText(err)), c.want) {
			t.Errorf("%d %q: got %v, want %s", c.answer.Status, c.answer.Body, err, c.want)
		}
		if err != nil && strings.Contains(string(ops.ErrorText(err)), "tok.en-1") {
			t.Error("the token is echoed")
		}
	}
}

func TestTokenInput(t *testing.T) {
	for _, c := range []struct{ in, target string }{
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"}}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":""}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"a\nb"}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":["t"]}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"t","token":"u"}`, "token"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"t","path":"/x"}`, "path"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"t"} x`, "input"},
		{`{"body":{"type":"view"},"token":"t"}`, "path"},
		{`{"path":"/me/drive/items/x/createLink","body":{"type":"view"},"token":"` + strings.Repeat("a", core.MaxBearerToken+1) + `"}`, "token"},
	} {
		var in instance
		h := &fakeHost{now: time.Now()}
		_, err := in.call("create_link", []byte(c.in), h)
		text := string(ops.ErrorText(err))
		if err == nil || !strings.Contains(text, `"target":"`+c.target+`"`) || !strings.HasSuffix(text, `"status":400}`) {
			t.Errorf("%.80s: got %s, want 400 target %s", c.in, text, c.target)
		}
		if len(h.sent) != 0 {
			t.Errorf("%.80s: sent a request", c.in)
		}
	}
}

func TestGrantSends(t *testing.T) {
	h := &fakeHost{now: time.Now(), answer: httpResponse{Status: 200, Body: []byte(`{"value":[{"id":"g1","roles":["read"],"grantedToV2":{"user":{"id":"u1"}}},{"id":"l1","roles":["read"],"link":{"type":"view","scope":"users"}}]}`)}}
	var in instance
	out, err := in.call("grant", []byte(`{"url":"https://s.example/x","body":{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]},"token":"t"}`), h)
	if err != nil {
		t.Fatalf("%s", ops.ErrorText(err))
	}
	if !strings.HasPrefix(string(out), `{"permissions":[`) || !strings.Contains(string(out), `"link":{"id":"l1"`) {
		t.Fatalf("grant: %s", out)
	}
	if len(h.sent) != 1 || !strings.HasSuffix(h.sent[0].URL, "/v1.0/shares/u!aHR0cHM6Ly9zLmV4YW1wbGUveA/permission/grant") {
		t.Fatalf("sent %+v", h.sent)
	}
}

func TestFakeClockRefused(t *testing.T) {
	h := &fakeHost{now: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)}
	var in instance
	_, err := in.call("build_create_link", []byte(`{"path":"/me/drive/items/x/createLink","body":{"type":"view"}}`), h)
	if err == nil || !strings.Contains(string(ops.ErrorText(err)), `"target":"now"},"status":500}`) {
		t.Fatalf("a 2022 clock was used: %v", err)
	}
	// Exports that need no clock still answer.
	if _, err := in.call("encode_sharing_url", []byte(`{"url":"https://a.example/"}`), h); err != nil {
		t.Fatal(err)
	}
	// A fixed now needs no clock.
	h.config = map[string]string{"now": "2026-01-15T12:00:00Z"}
	var in2 instance
	if _, err := in2.call("build_create_link", []byte(`{"path":"/me/drive/items/x/createLink","body":{"type":"view"}}`), h); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPMetaAndHeaders(t *testing.T) {
	r := &httpRequest{Method: "POST", URL: "https://graph.example/v1.0/x?a=\"b\"", Headers: [][2]string{{"Authorization", "Bearer t"}, {"Accept", "application/json"}}}
	got := string(appendHTTPMeta(nil, r))
	want := `{"method":"POST","url":"https://graph.example/v1.0/x?a=\"b\"","headers":{"Authorization":"Bearer t","Accept":"application/json"}}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var meta struct {
		Method, URL string
		Headers     map[string]string
	}
	if err := json.Unmarshal([]byte(got), &meta); err != nil || meta.URL != r.URL || meta.Headers["Authorization"] != "Bearer t" {
		t.Fatalf("%v %+v", err, meta)
	}
	h := readHeaders([]byte(`{"Retry-After":"7","content-type":"application/json","x":1}`))
	if len(h) != 2 || h["Retry-After"] != "7" || h["content-type"] != "application/json" {
		t.Fatalf("headers %v", h)
	}
	if len(readHeaders([]byte(`not json`))) != 0 {
		t.Fatal("headers from text that is not JSON")
	}
}
