package graphsim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func TestFaultAnswers(t *testing.T) {
	cases := []struct {
		fault      gs.Fault
		status     int
		code       string
		inner      string
		retryAfter string
	}{
		{gs.Fault{Kind: gs.FaultThrottle, Count: 2, RetryAfter: "7"}, 429, "activityLimitReached", "throttledRequest", "7"},
		{gs.Fault{Kind: gs.FaultThrottle, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"}, 429, "activityLimitReached", "throttledRequest", "Wed, 21 Oct 2015 07:28:00 GMT"},
		{gs.Fault{Kind: gs.FaultThrottle}, 429, "activityLimitReached", "throttledRequest", "1"},
		{gs.Fault{Kind: gs.FaultUnavailable, Count: 1, RetryAfter: "3"}, 503, "serviceNotAvailable", "", "3"},
		{gs.Fault{Kind: gs.FaultUnavailable, Count: 2}, 503, "serviceNotAvailable", "", ""},
		{gs.Fault{Kind: gs.FaultError, Count: 1}, 500, "generalException", "", ""},
	}
	for _, c := range cases {
		t.Run(c.fault.Kind+"_"+c.fault.RetryAfter, func(t *testing.T) {
			e := newEnv(t)
			e.sim.Inject(c.fault)
			n := max(c.fault.Count, 1)
			p := "/me/drive/items/" + gs.DemoReportID
			for i := 0; i < n; i++ {
				r := e.do("POST", p+"/createLink", alice, view("anonymous")).graphErr(t, c.status, c.code)
				if r.s("error.innerError.code") != c.inner || r.header.Get("Retry-After") != c.retryAfter {
					t.Fatalf("inner %q retry-after %q: %s", r.s("error.innerError.code"), r.header.Get("Retry-After"), r.raw)
				}
			}
			// the faulted calls created nothing: the first real one is a 201
			e.link(alice, p, view("anonymous"), 201)
			if got := e.sim.Requests()["POST createLink"]; got != n+1 {
				t.Fatalf("faulted requests must be counted: %d", got)
			}
		})
	}
}

func TestFaultLatency(t *testing.T) {
	e := newEnv(t)
	// The latency is large against a request's own time (a millisecond,
	// a few under -race on a busy machine), so the bounds below hold on
	// any machine: this checks where latency applies, not how fast.
	e.sim.Inject(gs.Fault{Kind: gs.FaultLatency, Latency: 400 * time.Millisecond, Route: "GET drive"})
	start := time.Now()
	e.do("GET", "/me/drive", alice, nil).must(t, 200)
	e.do("GET", "/me/drive", alice, nil).must(t, 200)
	if d := time.Since(start); d < 800*time.Millisecond {
		t.Fatalf("latency until cleared: took %v", d)
	}
	start = time.Now()
	e.do("GET", "/me/drive/root", alice, nil).must(t, 200)
	if d := time.Since(start); d >= 400*time.Millisecond {
		t.Fatalf("latency leaked to another route: %v", d)
	}
	e.sim.ClearFaults()
	start = time.Now()
	e.do("GET", "/me/drive", alice, nil).must(t, 200)
	if d := time.Since(start); d >= 400*time.Millisecond {
		t.Fatalf("cleared latency still applied: %v", d)
	}
	// a counted latency, together with an answering fault
	e.sim.Inject(gs.Fault{Kind: gs.FaultLatency, Latency: 50 * time.Millisecond, Count: 1})
	e.sim.Inject(gs.Fault{Kind: gs.FaultError})
	start = time.Now()
	e.do("GET", "/me/drive", alice, nil).graphErr(t, 500, "generalException")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("latency before the error: %v", d)
	}
	if len(e.sim.Faults()) != 0 {
		t.Fatalf("spent faults remain: %v", e.sim.Faults())
	}
}

func TestFaultDropAndTruncate(t *testing.T) {
	e := newEnv(t)
	p := "/me/drive/items/" + gs.DemoReportID
	e.sim.Inject(gs.Fault{Kind: gs.FaultDrop, Route: "createLink"})
	if r := e.do("POST", p+"/createLink", alice, view("anonymous")); r.err == nil {
		t.Fatalf("dropped connection answered %d", r.status)
	}
	e.sim.Inject(gs.Fault{Kind: gs.FaultTruncate, Count: 1})
	r := e.do("POST", p+"/createLink", alice, view("anonymous"))
	if r.err == nil || r.status != 200 || len(r.raw) == 0 {
		t.Fatalf("truncated body: err %v status %d body %q", r.err, r.status, r.raw)
	}
	if r.header.Get("request-id") == "" {
		t.Fatal("truncated answer without request-id")
	}
	e.link(alice, p, view("anonymous"), 201)
	if got := e.sim.Requests()["POST createLink"]; got != 3 {
		t.Fatalf("counted %d", got)
	}
}

func TestFaultRouteFilter(t *testing.T) {
	e := newEnv(t)
	e.sim.Inject(gs.Fault{Kind: gs.FaultThrottle, Count: 1, Route: "POST grant"})
	e.sim.Inject(gs.Fault{Kind: gs.FaultError, Count: 1, Route: "permissions"})
	p := "/me/drive/items/" + gs.DemoReportID
	l := e.link(alice, p, view("anonymous"), 201)
	e.do("GET", p+"/permissions", alice, nil).graphErr(t, 500, "generalException")
	e.do("GET", p+"/permissions", alice, nil).must(t, 200)
	g := grantBody([]string{"read"}, email(gs.DemoBobUPN))
	e.do("POST", "/shares/"+l.s("shareId")+"/permission/grant", alice, g).graphErr(t, 429, "activityLimitReached")
	e.do("POST", "/shares/"+l.s("shareId")+"/permission/grant", alice, g).must(t, 200)
}

func TestControlEndpoint(t *testing.T) {
	e := newEnv(t)
	p := "/me/drive/items/" + gs.DemoReportID
	r := e.do("POST", "/_graphsim/faults", "", `{"kind":"throttle","count":1,"retryAfter":"2","route":"POST createLink"}`).must(t, 201)
	if len(r.list("faults")) != 1 || r.s("faults.0.kind") != "throttle" {
		t.Fatalf("faults: %s", r.raw)
	}
	e.do("POST", "/_graphsim/faults", "", `{"kind":"latency","latency":"30ms"}`).must(t, 201)
	listed := e.do("GET", "/_graphsim/faults", "", nil).must(t, 200)
	if listed.s("faults.1.latency") != "30ms" {
		t.Fatalf("listed: %s", listed.raw)
	}
	e.do("POST", p+"/createLink", alice, view("anonymous")).graphErr(t, 429, "activityLimitReached")
	e.do("DELETE", "/_graphsim/faults", "", nil).must(t, 204)
	e.link(alice, p, view("anonymous"), 201)
	for _, bad := range []string{`{"kind":"boom"}`, `{"kind":"latency","latency":"soon"}`, `{"kind":"latency"}`, `{"kind":"error","count":-1}`, `{"kind":"error","extra":1}`, `[]`, `{"kind":"error"}x`} {
		e.do("POST", "/_graphsim/faults", "", bad).graphErr(t, 400, "invalidRequest")
	}
	req := e.do("GET", "/_graphsim/requests", "", nil).must(t, 200)
	var got struct {
		Total  int            `json:"total"`
		Routes map[string]int `json:"routes"`
	}
	if err := json.Unmarshal(req.raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Total != 2 || got.Routes["POST createLink"] != 2 || len(got.Routes) != 1 {
		t.Fatalf("requests (control calls are not counted): %s", req.raw)
	}
	e.do("POST", "/_graphsim/reset", "", nil).must(t, 204)
	if e.sim.Total() != 0 {
		t.Fatal("reset kept counters")
	}
	e.link(alice, p, view("anonymous"), 201) // state is back to the seed
	e.do("GET", "/_graphsim/reset", "", nil).graphErr(t, 405, "notAllowed")
	e.do("GET", "/_graphsim/nothing", "", nil).graphErr(t, 404, "invalidRequest")
	// control calls are never faulted
	e.sim.Inject(gs.Fault{Kind: gs.FaultError, Count: 5})
	e.do("GET", "/_graphsim/requests", "", nil).must(t, 200)
	if len(e.sim.Faults()) != 1 || e.sim.Faults()[0].Count != 5 {
		t.Fatalf("control call consumed a fault: %v", e.sim.Faults())
	}
}

func TestInjectIgnoresInvalid(t *testing.T) {
	e := newEnv(t)
	e.sim.Inject(gs.Fault{Kind: "explode"})
	e.sim.Inject(gs.Fault{Kind: gs.FaultLatency})
	e.sim.Inject(gs.Fault{Kind: gs.FaultError, RetryAfter: "1\r\nX: y"})
	if len(e.sim.Faults()) != 0 {
		t.Fatalf("invalid faults kept: %v", e.sim.Faults())
	}
	b, err := json.Marshal(gs.Fault{Kind: gs.FaultLatency, Latency: 1500 * time.Millisecond})
	if err != nil || string(b) != `{"kind":"latency","latency":"1.5s"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
}

// The truncation is real at the byte level: the declared length is not met.
func TestTruncateRawBytes(t *testing.T) {
	e := newEnv(t)
	e.sim.Inject(gs.Fault{Kind: gs.FaultTruncate})
	res, err := http.Get(e.base + "/me/drive")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil || int64(len(b)) >= res.ContentLength || !strings.HasPrefix(string(b), "{") {
		t.Fatalf("read %d of %d bytes, err %v", len(b), res.ContentLength, err)
	}
}
