package lambda

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

// fakeClock is real time plus the waits the handler asked for: retries
// are checked without sleeping.
type fakeClock struct {
	mu     sync.Mutex
	offset time.Duration
	waits  []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.offset += d
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// deadlineKey carries an invocation deadline on the fake clock.
type deadlineKey struct{}

func fakeDeadline(ctx context.Context) (time.Time, bool) {
	d, ok := ctx.Value(deadlineKey{}).(time.Time)
	return d, ok
}

// env is a handler in front of a fresh graphsim on loopback.
type env struct {
	t     testing.TB
	sim   *graphsim.Sim
	base  string
	h     *Handler
	clock *fakeClock
	logs  *logcapture.Buffer
	token string
}

func newEnv(t testing.TB, configure ...func(*Config)) *env {
	t.Helper()
	sim, base := graphsimtest.Serve(t)
	return newEnvOn(t, sim, base, configure...)
}

// newEnvOn is newEnv in front of a graphsim the caller started (another
// seed).
func newEnvOn(t testing.TB, sim *graphsim.Sim, base string, configure ...func(*Config)) *env {
	t.Helper()
	cfg := DefaultConfig()
	cfg.GraphBaseURL = base
	cfg.AttemptTimeout = 5 * time.Second
	for _, f := range configure {
		f(&cfg)
	}
	e := &env{t: t, sim: sim, base: base, clock: &fakeClock{}, logs: &logcapture.Buffer{},
		token: graphsim.DemoToken(graphsim.DemoAliceUPN)}
	client := NewHTTPClient(cfg)
	t.Cleanup(client.CloseIdleConnections)
	e.h = New(cfg, WithClient(client), WithClock(e.clock.now, e.clock.sleep),
		WithLogger(NewLogger(e.logs)), WithDeadline(fakeDeadline), WithJitter(func() float64 { return 0.5 }))
	return e
}

// response is an event response, read.
type response struct {
	events.APIGatewayV2HTTPResponse
	json map[string]any
}

func (r *response) errCode() string {
	e, _ := r.json["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r *response) errTarget() string {
	e, _ := r.json["error"].(map[string]any)
	c, _ := e["target"].(string)
	return c
}

// req is one request to send; the zero value is a GET with alice's token.
type req struct {
	method, path, body string
	headers            map[string]string // added; a "" value removes a default
	query              string
	base64             bool          // send the body base64-encoded
	markBase64         bool          // mark the body base64 without encoding it
	deadline           time.Duration // on the fake clock; 0: none
}

func (e *env) event(r req) events.APIGatewayV2HTTPRequest {
	if r.method == "" {
		r.method = "GET"
	}
	h := map[string]string{"authorization": "Bearer " + e.token}
	if r.body != "" {
		h["content-type"] = "application/json"
	}
	for k, v := range r.headers {
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: r.path, RawQueryString: r.query, Headers: h, Body: r.body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "apigw-req-1",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.method, Path: r.path}},
	}
	if r.base64 {
		ev.Body = b64(r.body)
		ev.IsBase64Encoded = true
	}
	ev.IsBase64Encoded = ev.IsBase64Encoded || r.markBase64
	return ev
}

func (e *env) do(r req) *response {
	e.t.Helper()
	ctx := context.Background()
	if r.deadline > 0 {
		ctx = context.WithValue(ctx, deadlineKey{}, e.clock.now().Add(r.deadline))
	}
	resp, err := e.h.Handle(ctx, e.event(r))
	if err != nil {
		e.t.Fatalf("Handle returned an error: %v", err)
	}
	out := &response{APIGatewayV2HTTPResponse: resp}
	if resp.Body != "" {
		if err := json.Unmarshal([]byte(resp.Body), &out.json); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %v\n%s", r.method, r.path, err, resp.Body)
		}
	} else if resp.StatusCode != 204 {
		e.t.Fatalf("%s %s: %d with an empty body", r.method, r.path, resp.StatusCode)
	}
	if resp.StatusCode >= 400 && out.errCode() == "" {
		e.t.Fatalf("%s %s: %d without a Graph error body: %s", r.method, r.path, resp.StatusCode, resp.Body)
	}
	return out
}

func (e *env) createLink(path, body string) *response {
	e.t.Helper()
	return e.do(req{method: "POST", path: path, body: body})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
