package soak

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cridPrefix marks the client-request-ids of the traffic under test; the
// harness's own reads of graphsim (verification) carry none and are not
// tracked.
const cridPrefix = "soak-"

// clockSlack is what a Retry-After gap may fall short by before it counts
// as early: the gap is measured at graphsim, between the moment its answer
// header was written and the moment the retry arrived, so the proxy's own
// wait is always inside it; the slack only covers reading the clock.
const clockSlack = 5 * time.Millisecond

// tracker sits in front of graphsim on the upstream listener. It follows
// each client-request-id (the proxy propagates the caller's) across its
// upstream attempts: how many arrived, how the last was answered, and
// whether a retry came earlier than the Retry-After of the answer before.
type tracker struct {
	next http.Handler

	mu     sync.Mutex
	traces map[string]*trace
	gaps   map[string]*gapStat
	early  []string // first violations, for the report
	nEarly int
}

// trace is one client request as graphsim saw it.
type trace struct {
	attempts   int
	last       int       // status of the last answer; 0 when its connection was broken
	broken     bool      // the last attempt's connection was dropped or truncated
	answered   time.Time // when the last answer's header was written
	retryAfter string
	requestID  string // graphsim's request-id on the last answer
}

// gapStat sums the gaps between a retryable answer and the next attempt of
// the same request, per kind of answer.
type gapStat struct {
	n         int
	minGap    time.Duration // arrival of the retry − the answer before it
	minMargin time.Duration // arrival − the earliest time Retry-After allowed
	early     int
}

func newTracker(next http.Handler) *tracker {
	return &tracker{next: next, traces: map[string]*trace{}, gaps: map[string]*gapStat{}}
}

func (t *tracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	crid := r.Header.Get("client-request-id")
	if !strings.HasPrefix(crid, cridPrefix) {
		t.next.ServeHTTP(w, r)
		return
	}
	arrived := time.Now()
	t.mu.Lock()
	tr := t.traces[crid]
	if tr == nil {
		tr = &trace{}
		t.traces[crid] = tr
	}
	if tr.attempts > 0 && !tr.broken && (tr.last == 429 || tr.last == 503 || tr.last == 509 || tr.last == 504) {
		t.checkGap(crid, tr, arrived)
	}
	tr.attempts++
	tr.last, tr.broken, tr.retryAfter, tr.requestID = 0, false, "", ""
	t.mu.Unlock()
	t.next.ServeHTTP(&recorder{ResponseWriter: w, t: t, tr: tr}, r)
}

// checkGap is called with t.mu held, at the arrival of a retry.
func (t *tracker) checkGap(crid string, tr *trace, arrived time.Time) {
	kind := strconv.Itoa(tr.last) + " "
	earliest := tr.answered
	ra := strings.TrimSpace(tr.retryAfter)
	switch {
	case ra == "":
		kind += "without Retry-After (the proxy's backoff)"
	case strings.Trim(ra, "0123456789") == "":
		n, _ := strconv.Atoi(ra)
		kind += "Retry-After: " + ra + " (seconds)"
		earliest = tr.answered.Add(time.Duration(n) * time.Second)
	default:
		d, err := http.ParseTime(ra)
		if err != nil {
			kind += "Retry-After unreadable"
			break
		}
		kind += "Retry-After: HTTP date"
		if _, err := time.Parse(http.TimeFormat, ra); err != nil {
			kind += " (obsolete form)"
		}
		if d.After(earliest) {
			earliest = d
		}
	}
	g := t.gaps[kind]
	if g == nil {
		g = &gapStat{minGap: time.Hour, minMargin: time.Hour}
		t.gaps[kind] = g
	}
	g.n++
	gap, margin := arrived.Sub(tr.answered), arrived.Sub(earliest)
	g.minGap = min(g.minGap, gap)
	g.minMargin = min(g.minMargin, margin)
	if margin < -clockSlack {
		g.early++
		t.nEarly++
		if len(t.early) < 20 {
			t.early = append(t.early, fmt.Sprintf("%s: attempt %d arrived %v after a %d with Retry-After %q, %v before the earliest allowed",
				crid, tr.attempts+1, gap.Round(time.Millisecond), tr.last, ra, (-margin).Round(time.Millisecond)))
		}
	}
}

// take returns and forgets what graphsim saw of one client request. The
// proxy answers only after its last attempt's answer was read, so by then
// the trace is complete.
func (t *tracker) take(crid string) (trace, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.traces[crid]
	if !ok {
		return trace{}, false
	}
	delete(t.traces, crid)
	return *tr, true
}

// pending is the number of traces nobody took.
func (t *tracker) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.traces)
}

func (t *tracker) gapReport() (lines []string, early int, examples []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	kinds := make([]string, 0, len(t.gaps))
	for k := range t.gaps {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		g := t.gaps[k]
		lines = append(lines, fmt.Sprintf("%-50s %6d retries, min gap %9s, min margin over Retry-After %+9s, early %d",
			k, g.n, g.minGap.Round(100*time.Microsecond), g.minMargin.Round(100*time.Microsecond), g.early))
	}
	return lines, t.nEarly, append([]string(nil), t.early...)
}

// recorder notes the answer graphsim writes, and a connection it breaks.
type recorder struct {
	http.ResponseWriter
	t  *tracker
	tr *trace
}

func (w *recorder) WriteHeader(status int) {
	w.t.mu.Lock()
	w.tr.last = status
	w.tr.answered = time.Now()
	w.tr.retryAfter = w.Header().Get("Retry-After")
	w.tr.requestID = w.Header().Get("request-id")
	w.t.mu.Unlock()
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

// Hijack is what graphsim's drop and truncate faults use.
func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	w.t.mu.Lock()
	w.tr.broken, w.tr.last = true, 0
	w.tr.answered = time.Now()
	w.t.mu.Unlock()
	return hj.Hijack()
}

// logLine is what the harness reads of the handler's log line.
type logLine struct {
	Level          string `json:"level"`
	Status         int    `json:"status"`
	CRID           string `json:"client_request_id"`
	Attempts       int    `json:"upstream_attempts"`
	UpstreamStatus int    `json:"upstream_status"`
	Stopped        string `json:"retry_stopped"`
	ErrorCode      string `json:"error_code"`
}

// logSink is the handler's log (lambda.WithLogger): each JSON line is read
// as it is written and kept by client-request-id until the request's
// answer is checked. Lines are also searched for what must never be
// logged: a token, a recipient's address.
type logSink struct {
	secrets [][]byte

	mu      sync.Mutex
	partial []byte
	lines   map[string]logLine
	total   int
	bad     int // not JSON
	leaks   int
	leakEx  string
}

var domainLists = regexp.MustCompile(`"domains":\[[^\]]*\]`)

func newLogSink(secrets ...string) *logSink {
	s := &logSink{lines: map[string]logLine{}}
	for _, x := range secrets {
		s.secrets = append(s.secrets, []byte(x))
	}
	return s
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		s.line(s.partial[:i])
		s.partial = s.partial[i+1:]
	}
	if len(s.partial) == 0 {
		s.partial = nil
	}
	return len(p), nil
}

func (s *logSink) line(b []byte) {
	s.total++
	// A decision record lists the recipients' domains (docs/decisions.md):
	// the one place a domain may appear, never an address.
	scan := domainLists.ReplaceAll(b, []byte(`"domains":[]`))
	for _, d := range domainLists.FindAll(b, -1) {
		if bytes.IndexByte(d, '@') >= 0 {
			scan = b
		}
	}
	for _, x := range s.secrets {
		if bytes.Contains(scan, x) {
			s.leaks++
			if s.leakEx == "" {
				s.leakEx = fmt.Sprintf("%.300s", b)
			}
		}
	}
	var l logLine
	if err := json.Unmarshal(b, &l); err != nil {
		s.bad++
		return
	}
	if strings.HasPrefix(l.CRID, cridPrefix) {
		s.lines[l.CRID] = l
	}
}

func (s *logSink) take(crid string) (logLine, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.lines[crid]
	delete(s.lines, crid)
	return l, ok
}

func (s *logSink) counts() (total, bad, leaks int, leakEx string, pending int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total, s.bad, s.leaks, s.leakEx, len(s.lines)
}
