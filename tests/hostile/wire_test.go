package hostile_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

// server is the handler behind net/http on a loopback port, as
// lambda/cmd/local serves it, in front of a fresh graphsim.
type server struct {
	addr   string
	sim    *graphsim.Sim
	logs   *logcapture.Buffer // the handler's slog lines
	errlog *logcapture.Buffer // net/http's own log: panics, malformed requests
}

// startServerWith starts a server whose handler applies policy (core's
// JSON form; nil: none), in front of a fresh graphsim.
func startServerWith(t testing.TB, policy []byte) *server {
	t.Helper()
	return startServerLimits(t, policy, func(l *lambda.ServerLimits) {
		// The corpus sends headers up to 512 KB to see the handler's own
		// bounds answer (a 200 KB token is its 401); the local server's
		// header bound, net/http's 431 before the handler, is tested in
		// transport_test.go.
		l.MaxHeaderBytes = 1 << 20
	})
}

// listedOrigin is the one origin the servers allow for CORS.
const listedOrigin = "https://app.contoso.com"

// startServerLimits is startServerWith with the server limits of
// lambda/cmd/local changed by limits (tests of timeouts make them short).
func startServerLimits(t testing.TB, policy []byte, limits func(*lambda.ServerLimits)) *server {
	t.Helper()
	sim, base := graphsimtest.Serve(t)
	cfg := lambda.DefaultConfig()
	cfg.GraphBaseURL = base
	cfg.AttemptTimeout = 5 * time.Second
	cfg.RequestTimeout = 10 * time.Second
	cfg.CORSOrigins = []string{listedOrigin}
	cfg.AuditKey = []byte(auditKey) // the decision log's recipient hashes are scanned too
	if len(policy) > 0 {
		p, err := core.ParsePolicy(policy)
		if err != nil {
			t.Fatalf("policy %s: %v", policy, err)
		}
		cfg.Policy = p
	}
	client := lambda.NewHTTPClient(cfg)
	t.Cleanup(client.CloseIdleConnections)
	s := &server{sim: sim, logs: &logcapture.Buffer{}, errlog: &logcapture.Buffer{}}
	h := lambda.New(cfg, lambda.WithClient(client), lambda.WithLogger(lambda.NewLogger(s.logs)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The server of lambda/cmd/local: the handler as is, no mux (a mux
	// would clean paths and redirect before the handler saw them), with
	// its limits.
	l := lambda.DefaultServerLimits(cfg)
	if limits != nil {
		limits(&l)
	}
	srv := lambda.NewServer(h, l)
	srv.ErrorLog = log.New(s.errlog, "", 0)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.addr = ln.Addr().String()
	return s
}

// fleet is one server per policy the corpus uses, started on first use.
type fleet struct {
	t   testing.TB
	by  map[string]*server
	all []*server
}

func newFleet(t testing.TB) *fleet { return &fleet{t: t, by: map[string]*server{}} }

func (f *fleet) get(e *entry) *server {
	key := string(e.Policy)
	if s, ok := f.by[key]; ok {
		return s
	}
	s := startServerWith(f.t, e.Policy)
	f.by[key] = s
	f.all = append(f.all, s)
	return s
}

// total is the upstream requests of every server's graphsim.
func (f *fleet) total() int {
	n := 0
	for _, s := range f.all {
		n += s.sim.Total()
	}
	return n
}

// answer is a response as read off the wire.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	elapsed time.Duration // from the first byte written to the whole answer read
	// early: the answer came while the body was still being written, so
	// the server refused it without reading it whole.
	early bool
}

// send writes e's request on a new loopback connection, byte for byte, and
// reads the answer. The request is written while the answer is read, so
// that a server refusing a 10 MB body early is seen answering early.
func (s *server) send(e *entry) (*answer, error) {
	body := e.body()
	hd := map[string]string{
		"Host":          s.addr,
		"Authorization": "Bearer " + token,
		"Connection":    "close",
	}
	if e.Body != nil {
		hd["Content-Type"] = "application/json"
		hd["Content-Length"] = strconv.Itoa(len(body))
	}
	for k, v := range e.Headers {
		if v == nil {
			delete(hd, k)
		} else {
			hd[k] = *v
		}
	}
	target := e.Path
	if e.Query != "" {
		target += "?" + e.Query
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\n", e.Method, target)
	keys := make([]string, 0, len(hd))
	for k := range hd {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&head, "%s: %s\r\n", k, hd[k])
	}
	head.WriteString("\r\n")

	conn, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	start := time.Now()
	wrote := make(chan error, 1)
	go func() {
		_, err := conn.Write(head.Bytes())
		if err == nil && body != "" {
			_, err = io.WriteString(conn, body)
		}
		wrote <- err
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		werr := <-wrote
		return nil, fmt.Errorf("no answer: %v (writing: %v)", err, werr)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %v", err)
	}
	a := &answer{status: resp.StatusCode, header: resp.Header, body: b, elapsed: time.Since(start)}
	select {
	case werr := <-wrote:
		wrote <- werr // put back for the wait below
	default:
		a.early = true
	}
	// The writer may still be blocked on a body the server will not
	// read: closing the connection (deferred) ends it.
	conn.Close()
	<-wrote
	return a, nil
}

// graphError is the Graph error body.
type graphError struct {
	Error *struct {
		Code    *string `json:"code"`
		Message *string `json:"message"`
		Target  string  `json:"target"`
	} `json:"error"`
}

// checkRefusal returns what is wrong with a as the answer to e; "" when
// nothing.
func checkRefusal(e *entry, a *answer) string {
	var probs []string
	if a.status >= 500 {
		probs = append(probs, fmt.Sprintf("a 5xx (%d)", a.status))
	}
	if a.status != e.Want.Status {
		probs = append(probs, fmt.Sprintf("status %d, want %d", a.status, e.Want.Status))
	}
	if a.status == 405 && a.header.Get("Allow") == "" {
		probs = append(probs, "a 405 without Allow (RFC 9110 §15.5.6)")
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		probs = append(probs, fmt.Sprintf("Content-Type %q, want application/json", ct))
	}
	var g graphError
	if err := json.Unmarshal(a.body, &g); err != nil || g.Error == nil || g.Error.Code == nil || g.Error.Message == nil {
		probs = append(probs, fmt.Sprintf("the body is not a Graph error {\"error\":{\"code\",\"message\"}}: %.300q", a.body))
		return strings.Join(probs, "; ")
	}
	if *g.Error.Code != e.Want.Code {
		probs = append(probs, fmt.Sprintf("code %q, want %q", *g.Error.Code, e.Want.Code))
	}
	if g.Error.Target != *e.Want.Target {
		probs = append(probs, fmt.Sprintf("target %q, want %q", g.Error.Target, *e.Want.Target))
	}
	if *g.Error.Message == "" {
		probs = append(probs, "the message is empty")
	}
	if e.Want.Msg != "" && !strings.Contains(strings.ToLower(*g.Error.Message), strings.ToLower(e.Want.Msg)) {
		probs = append(probs, fmt.Sprintf("message %q does not mention %q", *g.Error.Message, e.Want.Msg))
	}
	// The headers a caller reads must not carry what it injected: a
	// client-request-id that is not a plain token is replaced, and a
	// header-splitting attempt adds no response header.
	if v := a.header.Get("Client-Request-Id"); !plainToken(v) {
		probs = append(probs, fmt.Sprintf("client-request-id %q echoed", v))
	}
	for k := range a.header {
		if strings.HasPrefix(strings.ToLower(k), "x-injected") {
			probs = append(probs, "injected response header "+k)
		}
	}
	if v := a.header.Get("X-Content-Type-Options"); v != "nosniff" {
		probs = append(probs, fmt.Sprintf("X-Content-Type-Options %q, want nosniff", v))
	}
	// CORS: only the listed origin, sent exactly, is ever named back, and
	// a refusal is never a preflight's answer.
	origin := ""
	if o := e.Headers["Origin"]; o != nil {
		origin = *o
	}
	if v := a.header.Get("Access-Control-Allow-Origin"); v != "" && (v != listedOrigin || origin != listedOrigin) {
		probs = append(probs, fmt.Sprintf("Access-Control-Allow-Origin %q to Origin %q", v, origin))
	}
	for _, k := range []string{"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Access-Control-Max-Age"} {
		if v := a.header.Get(k); v != "" {
			probs = append(probs, fmt.Sprintf("%s %q on a refusal", k, v))
		}
	}
	if len(probs) == 0 {
		return ""
	}
	return strings.Join(probs, "; ") + fmt.Sprintf("\n\tanswer: %d %.400s", a.status, a.body)
}

func plainToken(v string) bool {
	if v == "" || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// knownGood is a createLink that must succeed: the server still answers
// normally after the corpus, and reaches graphsim exactly once.
func knownGood(t *testing.T, s *server) {
	t.Helper()
	body := `{"type":"view","scope":"organization"}`
	e := &entry{Method: "POST", Path: placeholders.Replace("{{create}}"), Body: &body}
	before := s.sim.Total()
	a, err := s.send(e)
	if err != nil {
		t.Fatalf("known-good request after the corpus: %v", err)
	}
	if a.status != 201 && a.status != 200 {
		t.Fatalf("known-good request after the corpus: %d %s", a.status, a.body)
	}
	if d := s.sim.Total() - before; d != 1 {
		t.Fatalf("known-good request reached graphsim %d times, want 1", d)
	}
}

// quiet reports the net/http server's own log: a panic in the handler or
// a request it could not serve shows there.
func quiet(t *testing.T, s *server) {
	t.Helper()
	var bad []string
	for _, l := range s.errlog.Lines() {
		// net/http warns when a query holds ';' (golang.org/issue/25192):
		// the corpus sends such queries on purpose.
		if l == "" || strings.Contains(l, "URL query contains semicolon") {
			continue
		}
		bad = append(bad, l)
	}
	if len(bad) > 0 {
		t.Errorf("the HTTP server logged (a panic or a broken exchange):\n%.2000s", strings.Join(bad, "\n"))
	}
}
