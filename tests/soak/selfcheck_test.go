package soak

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestTrackerCatchesEarlyRetries checks the harness itself: a retry that
// comes back before the Retry-After of the answer before it, in seconds or
// as an HTTP date, is flagged; one that waits is not.
func TestTrackerCatchesEarlyRetries(t *testing.T) {
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	ra := map[string]string{"soak-t-secs": "2", "soak-t-date": date, "soak-t-ok": "0"}
	tr := newTracker(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", ra[r.Header.Get("client-request-id")])
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	srv := httptest.NewServer(tr)
	defer srv.Close()
	for _, crid := range []string{"soak-t-secs", "soak-t-date", "soak-t-ok"} {
		for range 2 { // the second at once: early for secs and date
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("client-request-id", crid)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	_, early, ex := tr.gapReport()
	if early != 2 || len(ex) != 2 || !strings.Contains(ex[0], "soak-t-secs") || !strings.Contains(ex[1], "soak-t-date") {
		t.Fatalf("early = %d, want 2 (seconds and date): %q", early, ex)
	}
}

// TestCheckClassifies checks the harness's classification of answers: a
// 502 is allowed only for a connection graphsim broke, a 429 or 503 only
// when it is graphsim's last answer after the retries stopped, anything
// else is the proxy's own.
func TestCheckClassifies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		code   string
		tr     trace
		log    logLine
		ok     bool
	}{
		{"502 after a drop", 502, "badGateway", trace{attempts: 1, broken: true}, logLine{Status: 502, Attempts: 1}, true},
		{"502 though graphsim answered", 502, "badGateway", trace{attempts: 1, last: 200}, logLine{Status: 502, Attempts: 1}, false},
		{"429 after the attempts", 429, "activityLimitReached", trace{attempts: 4, last: 429}, logLine{Status: 429, Attempts: 4, UpstreamStatus: 429, Stopped: "attempts"}, true},
		{"429 not retried", 429, "activityLimitReached", trace{attempts: 1, last: 429}, logLine{Status: 429, Attempts: 1, UpstreamStatus: 429}, false},
		{"503 after the attempts", 503, "serviceNotAvailable", trace{attempts: 4, last: 503}, logLine{Status: 503, Attempts: 4, UpstreamStatus: 503, Stopped: "attempts"}, true},
		{"500 of the proxy", 500, "generalException", trace{attempts: 1, last: 200}, logLine{Status: 500, Attempts: 1, UpstreamStatus: 200}, false},
		{"504 of the proxy", 504, "gatewayTimeout", trace{attempts: 1}, logLine{Status: 504, Attempts: 1}, false},
		{"201", 201, "", trace{attempts: 1, last: 201}, logLine{Status: 201, Attempts: 1, UpstreamStatus: 201}, true},
	}
	for _, c := range cases {
		r := &rig{phases: []phase{{name: "p"}}, tr: newTracker(nil), logs: newLogSink()}
		r.stats = []phaseStats{{byOp: map[string]int{}, byClass: map[string]int{}}}
		crid := cridPrefix + "x"
		tr := c.tr
		r.tr.traces[crid] = &tr
		c.log.CRID = crid
		r.logs.lines[crid] = c.log
		r.check(0, crid, "op", &response{status: c.status, code: c.code, crid: crid})
		if got := r.nViolations == 0; got != c.ok {
			t.Errorf("%s: allowed = %v, want %v (%q)", c.name, got, c.ok, r.violations)
		}
	}
}
