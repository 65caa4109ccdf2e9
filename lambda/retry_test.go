package lambda

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestRetriesAgainstGraphsim: throttling and unavailability injected in
// graphsim are retried as Retry-After says, within bounds; failures that
// may have reached Graph are not.
func TestRetriesAgainstGraphsim(t *testing.T) {
	httpDate := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name      string
		faults    []graphsim.Fault
		deadline  time.Duration
		status    int
		code      string
		upstream  int             // requests graphsim saw
		waits     []time.Duration // what the handler waited, in order
		waitsNear time.Duration   // tolerance for HTTP-date waits
		retryHdr  string          // Retry-After returned; "" none
	}{
		{name: "429 then success, Retry-After seconds",
			faults: []graphsim.Fault{{Kind: "throttle", Count: 2, RetryAfter: "2", Route: "createLink"}},
			status: 201, upstream: 3, waits: []time.Duration{2 * time.Second, 2 * time.Second}},
		{name: "503 without Retry-After: backoff with jitter",
			faults: []graphsim.Fault{{Kind: "unavailable", Count: 2, Route: "createLink"}},
			status: 201, upstream: 3, waits: []time.Duration{150 * time.Millisecond, 300 * time.Millisecond}},
		{name: "503 with Retry-After",
			faults: []graphsim.Fault{{Kind: "unavailable", Count: 1, RetryAfter: "1", Route: "createLink"}},
			status: 201, upstream: 2, waits: []time.Duration{time.Second}},
		{name: "Retry-After as an HTTP date",
			faults: []graphsim.Fault{{Kind: "throttle", Count: 1, RetryAfter: httpDate(3 * time.Second), Route: "createLink"}},
			status: 201, upstream: 2, waits: []time.Duration{3 * time.Second}, waitsNear: 1500 * time.Millisecond},
		{name: "attempts are bounded",
			faults: []graphsim.Fault{{Kind: "throttle", Count: 10, RetryAfter: "1", Route: "createLink"}},
			status: 429, code: "activityLimitReached", upstream: 4, waits: []time.Duration{time.Second, time.Second, time.Second}, retryHdr: "1"},
		{name: "a Retry-After past the deadline is not waited out",
			faults:   []graphsim.Fault{{Kind: "throttle", Count: 1, RetryAfter: "3360", Route: "createLink"}},
			deadline: 10 * time.Second, status: 429, code: "activityLimitReached", upstream: 1, retryHdr: "3360"},
		{name: "the deadline stops a series of waits",
			faults:   []graphsim.Fault{{Kind: "throttle", Count: 10, RetryAfter: "2", Route: "createLink"}},
			deadline: 5 * time.Second, status: 429, upstream: 3, waits: []time.Duration{2 * time.Second, 2 * time.Second}, retryHdr: "2"},
		{name: "500 is not retried",
			faults: []graphsim.Fault{{Kind: "error", Count: 1, Route: "createLink"}},
			status: 500, code: "generalException", upstream: 1},
		{name: "dropped connection: 502, not retried",
			faults: []graphsim.Fault{{Kind: "drop", Count: 1, Route: "createLink"}},
			status: 502, code: "badGateway", upstream: 1},
		{name: "truncated body: 502, not retried",
			faults: []graphsim.Fault{{Kind: "truncate", Count: 1, Route: "createLink"}},
			status: 502, code: "badGateway", upstream: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			for _, f := range tt.faults {
				e.sim.Inject(f)
			}
			resp := e.do(req{method: "POST", path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink",
				body: `{"type":"view","scope":"organization"}`, deadline: tt.deadline})
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if tt.code != "" && resp.errCode() != tt.code {
				t.Errorf("code %q, want %q", resp.errCode(), tt.code)
			}
			if n := e.sim.Total(); n != tt.upstream {
				t.Errorf("%d upstream requests, want %d", n, tt.upstream)
			}
			waits := e.clock.slept()
			if tt.waitsNear == 0 && !slices.Equal(waits, tt.waits) {
				t.Errorf("waited %v, want %v", waits, tt.waits)
			}
			if tt.waitsNear != 0 && (len(waits) != len(tt.waits) || (waits[0]-tt.waits[0]).Abs() > tt.waitsNear) {
				t.Errorf("waited %v, want about %v", waits, tt.waits)
			}
			if got := resp.Headers["retry-after"]; got != tt.retryHdr {
				t.Errorf("Retry-After %q, want %q", got, tt.retryHdr)
			}
			if !strings.Contains(e.logs.String(), `"upstream_attempts":`) {
				t.Errorf("no attempts in the log: %s", e.logs.String())
			}
		})
	}
}

// TestAttemptTimeout: an upstream slower than the attempt timeout is a 504.
func TestAttemptTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AttemptTimeout = 100 * time.Millisecond })
	e.sim.Inject(graphsim.Fault{Kind: "latency", Latency: 5 * time.Second, Count: 1})
	resp := e.do(req{path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions"})
	if resp.StatusCode != 504 || resp.errCode() != "gatewayTimeout" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
}

// statusUpstream answers every request with the next status of a script.
type statusUpstream struct {
	script []int
	n      atomic.Int32
}

func (s *statusUpstream) Do(r *http.Request) (*http.Response, error) {
	i := int(s.n.Add(1)) - 1
	st := s.script[min(i, len(s.script)-1)]
	body := `{"error":{"code":"x","message":"scripted"}}`
	if st < 300 {
		body = `{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://contoso.sharepoint.com/:w:/x"}}`
	}
	return &http.Response{StatusCode: st, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// TestWhichStatusesAreRetried: 429, 503, 509 and 504 are retried; no other.
func TestWhichStatusesAreRetried(t *testing.T) {
	tests := []struct {
		first    int
		attempts int32
	}{
		{429, 2}, {503, 2}, {509, 2}, {504, 2},
		{500, 1}, {502, 1}, {400, 1}, {401, 1}, {403, 1}, {404, 1}, {409, 1}, {301, 1},
	}
	for _, tt := range tests {
		up := &statusUpstream{script: []int{tt.first, 201}}
		cfg := DefaultConfig()
		clock := &fakeClock{}
		h := New(cfg, WithClient(up), WithClock(clock.now, clock.sleep), WithLogger(NewLogger(io.Discard)), WithJitter(func() float64 { return 0 }))
		ev := (&env{token: "t"}).event(req{method: "POST", path: "/v1.0/me/drive/items/01AB/createLink", body: `{"type":"view"}`})
		resp, _ := h.Handle(context.Background(), ev)
		if got := up.n.Load(); got != tt.attempts {
			t.Errorf("HTTP %d: %d attempts, want %d", tt.first, got, tt.attempts)
		}
		if tt.attempts == 2 && resp.StatusCode != 201 {
			t.Errorf("HTTP %d then 201: answered %d %s", tt.first, resp.StatusCode, resp.Body)
		}
		if tt.attempts == 1 && resp.StatusCode < 400 {
			t.Errorf("HTTP %d: answered %d", tt.first, resp.StatusCode)
		}
		if tt.first == 301 && resp.StatusCode != 502 {
			t.Errorf("a redirect answered %d, want 502", resp.StatusCode)
		}
	}
}

// TestCancelledWhileWaiting: a caller that goes away ends the wait.
func TestCancelledWhileWaiting(t *testing.T) {
	up := &statusUpstream{script: []int{429, 201}}
	ctx, cancel := context.WithCancel(context.Background())
	h := New(DefaultConfig(), WithClient(up), WithLogger(NewLogger(io.Discard)),
		WithClock(time.Now, func(ctx context.Context, d time.Duration) error { cancel(); return sleepCtx(ctx, d) }))
	ev := (&env{token: "t"}).event(req{method: "POST", path: "/v1.0/me/drive/items/01AB/createLink", body: `{"type":"view"}`})
	resp, _ := h.Handle(ctx, ev)
	if resp.StatusCode != 429 || up.n.Load() != 1 {
		t.Fatalf("%d after %d attempts", resp.StatusCode, up.n.Load())
	}
}
