package graphsim

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sim is the emulator: an http.Handler over a seeded, mutable state. It is
// safe for concurrent use; each request runs under one lock, after its
// faults.
type Sim struct {
	seed Seed
	now  func() time.Time

	mu sync.Mutex
	st *state

	cmu    sync.Mutex
	counts map[string]int
	steps  map[string]int // batch steps, by the same keys (also in counts)
	total  int

	fmu    sync.Mutex
	faults []*activeFault

	reqSeq atomic.Uint64
	panics atomic.Int64 // handler panics turned into 500s; tests keep it at 0
}

// New builds a Sim from a seed. It never fails: parts of the seed that
// cannot be used are skipped (ParseSeed and Seed.Validate report them).
func New(seed Seed) *Sim {
	s := &Sim{seed: seed.clone(), now: time.Now, counts: map[string]int{}, steps: map[string]int{}}
	s.st = build(s.seed)
	return s
}

// Reset puts the state back to the seed and clears counters and faults. Ids
// created afterwards repeat those created after New.
func (s *Sim) Reset() {
	st := build(s.seed)
	s.mu.Lock()
	s.st = st
	s.mu.Unlock()
	s.cmu.Lock()
	s.counts = map[string]int{}
	s.steps = map[string]int{}
	s.total = 0
	s.cmu.Unlock()
	s.ClearFaults()
}

// Requests returns the number of requests per route key (see the package doc).
func (s *Sim) Requests() map[string]int {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// BatchSteps returns the number of $batch steps executed per route key
// (the keys of Requests). Each step is also counted in Requests and Total,
// as Graph served it; a step refused by its batch or failed by a
// dependency (424) never ran and is not counted.
func (s *Sim) BatchSteps() map[string]int {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	out := make(map[string]int, len(s.steps))
	for k, v := range s.steps {
		out[k] = v
	}
	return out
}

func (s *Sim) countStep(key string) {
	s.cmu.Lock()
	s.steps[key]++
	s.cmu.Unlock()
}

// Total is the number of counted requests.
func (s *Sim) Total() int {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	return s.total
}

func (s *Sim) count(key string) {
	s.cmu.Lock()
	s.counts[key]++
	s.total++
	s.cmu.Unlock()
}

// ItemID finds the id of the item at path ("/" or "" for the root) in a
// drive named by drive id, user (UPN or object id), site (id or name) or
// group id. Names match case-insensitively.
func (s *Sim) ItemID(upnOrDriveID, path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.st.driveFor(upnOrDriveID)
	if d == nil {
		return "", false
	}
	it := s.st.itemByPath(d.root, splitPath(path))
	if it == nil {
		return "", false
	}
	return it.id, true
}

// DriveID finds a drive id the way ItemID finds its drive.
func (s *Sim) DriveID(upnOrDriveID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.st.driveFor(upnOrDriveID); d != nil {
		return d.id, true
	}
	return "", false
}

// reqCtx is one request being answered.
type reqCtx struct {
	w        http.ResponseWriter
	r        *http.Request
	reqID    string
	clientID string
	version  string
	now      time.Time
}

// call is what a state handler gets.
type call struct {
	c      *caller
	rt     *route
	method string
	body   []byte
	now    time.Time
	hdr    http.Header
}

// reply is a handler's answer; a nil body means no content.
type reply struct {
	status int
	body   any
	header map[string]string // extra response headers (ETag)
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := &reqCtx{w: w, r: r, reqID: s.newRequestID(), now: s.now(), version: "v1.0"}
	rc.clientID = sanitizeHeader(r.Header.Get("client-request-id"))
	if rc.clientID == "" {
		rc.clientID = s.newRequestID()
	}
	w.Header().Set("request-id", rc.reqID)
	w.Header().Set("client-request-id", rc.clientID)
	defer func() {
		if v := recover(); v != nil {
			// never expected; counted so tests notice, answered so clients do not hang
			s.panics.Add(1)
			rc.fail(&graphError{status: http.StatusInternalServerError, code: "generalException", msg: fmt.Sprintf("graphsim internal error: %v", v)})
		}
	}()
	if r.URL.Path == controlRoot || strings.HasPrefix(r.URL.Path, controlRoot+"/") {
		s.control(rc)
		return
	}
	s.route(rc, "")
}

// route answers a request that is not for the control endpoint: a request
// of its own, or a step of a $batch (stepID non-empty), which is counted,
// faulted and answered as if sent alone.
func (s *Sim) route(rc *reqCtx, stepID string) {
	r := rc.r
	rt := parseRoute(r.URL.EscapedPath())
	rc.version = rt.version
	key := rt.key(r.Method)
	s.count(key)
	if stepID != "" {
		s.countStep(key)
	}
	if s.applyFaults(rc, key, rt.name, stepID) {
		return
	}
	if rt.name == nameUnknown {
		rc.fail(&graphError{status: http.StatusNotFound, code: "invalidRequest", msg: fmt.Sprintf("Resource not found for the segment '%s'.", rt.unknown)})
		return
	}
	if !rt.allows(r.Method) {
		rc.fail(&graphError{status: http.StatusMethodNotAllowed, code: "notAllowed",
			msg:    fmt.Sprintf("The method %s is not allowed on this resource.", r.Method),
			header: map[string]string{"Allow": strings.Join(rt.methods(), ", ")}})
		return
	}
	body, gerr := readBody(r)
	if gerr != nil {
		rc.fail(gerr)
		return
	}
	if rt.name == nameBatch {
		rep, gerr := s.batch(rc, rt, body)
		if gerr != nil {
			rc.fail(gerr)
			return
		}
		rc.reply(rep)
		return
	}
	rep, gerr := s.handle(rc, rt, body)
	if gerr != nil {
		rc.fail(gerr)
		return
	}
	rc.reply(rep)
}

// handle authenticates and runs a route's handler under the state lock.
func (s *Sim) handle(rc *reqCtx, rt *route, body []byte) (reply, *graphError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	c, err := st.authenticate(rc.r, rc.now)
	if err != nil {
		return reply{}, err
	}
	if err := c.authorize(rt.name, rc.r.Method); err != nil {
		return reply{}, err
	}
	k := &call{c: c, rt: rt, method: rc.r.Method, body: body, now: rc.now, hdr: rc.r.Header}
	switch rt.name {
	case nameCreateLink:
		return st.createLink(k)
	case nameGrant:
		return st.grant(k)
	case nameInvite:
		return st.invite(k)
	case nameRevokeGrants:
		return st.revokeGrants(k)
	case namePermissions:
		return st.listPermissions(k)
	case namePermission:
		return st.permission(k)
	case nameSharesPermission:
		return st.sharesPermission(k)
	case nameItem, nameSharesDriveItem:
		return st.getItem(k)
	case nameChildren:
		return st.children(k)
	case nameDrive:
		return st.getDrive(k)
	}
	return reply{}, errNotFound()
}

func (rc *reqCtx) reply(rep reply) {
	for k, v := range rep.header {
		rc.w.Header().Set(k, v)
	}
	if rep.body == nil {
		rc.w.WriteHeader(rep.status)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // webHtml carries a literal <iframe>, as Graph sends it
	if err := enc.Encode(rep.body); err != nil {
		rc.fail(&graphError{status: http.StatusInternalServerError, code: "generalException", msg: "graphsim could not encode its answer."})
		return
	}
	h := rc.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("OData-Version", "4.0")
	rc.w.WriteHeader(rep.status)
	_, _ = rc.w.Write(buf.Bytes()) // a failed write is the client gone: no one is left to answer
}

func (rc *reqCtx) fail(e *graphError) {
	for k, v := range e.header {
		rc.w.Header().Set(k, v)
	}
	body := errorBody{Error: errorDetail{Code: e.code, Message: e.msg, InnerError: innerError{
		Code: e.inner, Date: rc.now.UTC().Format("2006-01-02T15:04:05"), RequestID: rc.reqID, ClientRequestID: rc.clientID}}}
	rc.reply(reply{status: e.status, body: body})
}

// newRequestID is a random GUID: request ids only need to be unique.
func (s *Sim) newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		n := s.reqSeq.Add(1)
		return guidFrom("request", fmt.Sprint(n, time.Now().UnixNano()))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sanitizeHeader keeps a client-request-id only if it is a sane header value.
func sanitizeHeader(v string) string {
	if len(v) > 200 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return ""
		}
	}
	return v
}

// Serve serves h on a loopback listener: addr "" means 127.0.0.1:0, a bare
// ":port" or "localhost:port" means 127.0.0.1:port, and a non-loopback host
// is refused (this emulator never listens beyond the machine). It
// returns the base URL (http://127.0.0.1:port) and a function that closes
// the server and its connections.
func Serve(h http.Handler, addr string) (string, func() error, error) {
	if h == nil {
		return "", nil, errors.New("graphsim: nil handler")
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", nil, fmt.Errorf("graphsim: address %q: %w", addr, err)
	}
	if host == "" || strings.EqualFold(host, "localhost") {
		host = "127.0.0.1" // not left to the resolver, which may prefer ::1
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", nil, fmt.Errorf("graphsim: %q is not a loopback address", host)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return "", nil, fmt.Errorf("graphsim: %w", err)
	}
	// Reads are bounded as Graph's front door bounds them; writes are not,
	// since latency faults hold an answer back on purpose.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		IdleTimeout: 60 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(ln) }()
	var once sync.Once
	var cerr error
	closeFn := func() error {
		once.Do(func() { cerr = srv.Close() })
		return cerr
	}
	return "http://" + ln.Addr().String(), closeFn, nil
}
