package graphsim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/tests/graphsim"
)

var (
	alice = graphsim.DemoToken(graphsim.DemoAliceUPN)
	bob   = graphsim.DemoToken(graphsim.DemoBobUPN)
	carol = graphsim.DemoToken(graphsim.DemoCarolUPN)
	app   = graphsim.DemoAppToken()
)

// env is a Sim served on loopback, as every client of graphsim sees it.
type env struct {
	t      *testing.T
	sim    *graphsim.Sim
	base   string
	client *http.Client
}

func newEnv(t *testing.T) *env { return newEnvSeed(t, graphsim.DemoSeed()) }

func newEnvSeed(t *testing.T, seed graphsim.Seed) *env {
	t.Helper()
	sim := graphsim.New(seed)
	base, closeFn, err := graphsim.Serve(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	// no keep-alive: a dropped connection must not be retried by the transport
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := closeFn(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return &env{t: t, sim: sim, base: base, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
	err    error
}

// do sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON). hdr is pairs of header name and value.
func (e *env) do(method, path, token string, body any, hdr ...string) *resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		return &resp{err: err}
	}
	defer res.Body.Close()
	r := &resp{status: res.StatusCode, header: res.Header}
	r.raw, r.err = io.ReadAll(res.Body)
	if len(r.raw) > 0 {
		_ = json.Unmarshal(r.raw, &r.body)
	}
	return r
}

// must checks the status and returns the response.
func (r *resp) must(t *testing.T, status int) *resp {
	t.Helper()
	if r.err != nil {
		t.Fatalf("request failed: %v", r.err)
	}
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

// graphErr checks a Graph error response.
func (r *resp) graphErr(t *testing.T, status int, code string) *resp {
	t.Helper()
	r.must(t, status)
	if got := r.s("error.code"); got != code {
		t.Fatalf("error code %q, want %q: %s", got, code, r.raw)
	}
	if r.s("error.innerError.request-id") == "" || r.s("error.innerError.date") == "" {
		t.Fatalf("innerError incomplete: %s", r.raw)
	}
	return r
}

// get walks a dotted path ("link.scope", "value.0.id") in the JSON body.
func (r *resp) get(path string) any {
	var cur any = r.body
	for _, p := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func (r *resp) s(path string) string {
	v, _ := r.get(path).(string)
	return v
}

func (r *resp) list(path string) []any {
	v, _ := r.get(path).([]any)
	return v
}

func (r *resp) values() []map[string]any {
	var out []map[string]any
	for _, v := range r.list("value") {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func str(m map[string]any, path string) string {
	r := &resp{body: m}
	return r.s(path)
}

func roles(m map[string]any) string {
	r := &resp{body: m}
	var out []string
	for _, v := range r.list("roles") {
		s, _ := v.(string)
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

// link creates a link and checks the status.
func (e *env) link(token, path string, body any, status int) *resp {
	e.t.Helper()
	return e.do("POST", path+"/createLink", token, body).must(e.t, status)
}

// sharedItemID resolves a share id (as alice, who owns or can see the demo
// items) and returns the item id.
func (e *env) sharedItemID(token, shareID string) string {
	e.t.Helper()
	return e.do("GET", "/shares/"+shareID+"/driveItem", token, nil).must(e.t, 200).s("id")
}

func enc(s string) string { return url.PathEscape(s) }

func view(scope string) map[string]any { return map[string]any{"type": "view", "scope": scope} }
