package soak

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// item is a demo item the traffic shares.
type item struct {
	name   string
	id     string
	drive  string
	folder bool
	lister string // a user who may list its permissions directly on graphsim
}

var (
	itReport  = &item{"alice /Documents/Report.docx", graphsim.DemoReportID, graphsim.DemoAliceDriveID, false, graphsim.DemoAliceUPN}
	itBudget  = &item{"alice /Documents/Budget.xlsx", graphsim.DemoBudgetID, graphsim.DemoAliceDriveID, false, graphsim.DemoAliceUPN}
	itPlans   = &item{"alice /Documents/Plans/", graphsim.DemoPlansID, graphsim.DemoAliceDriveID, true, graphsim.DemoAliceUPN}
	itQ3      = &item{"alice /Documents/Plans/Q3.pptx", graphsim.DemoQ3ID, graphsim.DemoAliceDriveID, false, graphsim.DemoAliceUPN}
	itBrand   = &item{"marketing /Shared/Brand.pdf", graphsim.DemoBrandID, graphsim.DemoMarketingDriveID, false, graphsim.DemoAliceUPN}
	itNotes   = &item{"bob /Notes.txt", graphsim.DemoNotesID, graphsim.DemoBobDriveID, false, graphsim.DemoBobUPN}
	itLogo    = &item{"bob /Designs/Logo.png", graphsim.DemoLogoID, graphsim.DemoBobDriveID, false, graphsim.DemoBobUPN}
	itDesigns = &item{"bob /Designs/", graphsim.DemoDesignsID, graphsim.DemoBobDriveID, true, graphsim.DemoBobUPN}
	allItems  = []*item{itReport, itBudget, itPlans, itQ3, itBrand, itNotes, itLogo, itDesigns}
)

// actor is a demo user and the items it shares; own items are addressed
// through /me/drive as well as /drives/{id}.
type actor struct {
	upn   string
	token string
	own   []*item // in the user's drive
	other []*item // shareable through another drive (a library, a grant)
}

func actors() []*actor {
	return []*actor{
		{upn: graphsim.DemoAliceUPN, token: "Bearer " + graphsim.DemoToken(graphsim.DemoAliceUPN),
			own: []*item{itReport, itBudget, itPlans, itQ3}, other: []*item{itBrand}},
		{upn: graphsim.DemoBobUPN, token: "Bearer " + graphsim.DemoToken(graphsim.DemoBobUPN),
			own: []*item{itNotes, itLogo, itDesigns}, other: []*item{itQ3}},
	}
}

// itemPath is a path to it for a: /me/drive for its own items (sometimes
// /users/{upn}/drive), /drives/{id} for every item; v1.0, beta or no
// version.
func itemPath(rng *rand.Rand, a *actor, it *item, own bool) string {
	ver := [...]string{"/v1.0", "/v1.0", "/beta", ""}[rng.IntN(4)]
	switch {
	case own && rng.IntN(3) == 0:
		return ver + "/me/drive/items/" + it.id
	case own && rng.IntN(2) == 0:
		return ver + "/users/" + a.upn + "/drive/items/" + it.id
	}
	return ver + "/drives/" + it.drive + "/items/" + it.id
}

// link is a link a createLink answered with 2xx.
type link struct {
	it      *item
	id      string
	webURL  string
	role    string
	scope   string
	creator *actor

	// under the rig's mutex
	deleted bool     // a DELETE answered 204
	grants  []string // recipients a grant answered 200 for
}

// response is what the harness reads of an answer.
type response struct {
	status int
	code   string // Graph error code
	body   []byte
	lat    time.Duration
	retry  string // Retry-After
	crid   string // client-request-id
	reqID  string // request-id
}

// send sends one request through the proxy and checks the answer against
// what graphsim and the proxy's log say happened.
func (r *rig) send(w *worker, op, method, path string, body any, a *actor) response {
	ph := r.phase.Load()
	w.seq++
	crid := fmt.Sprintf("%s%d-%d-%d", cridPrefix, ph, w.id, w.seq)
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.proxyURL+path, rd)
	if err != nil {
		r.violation(int(ph), "%s: cannot build %s %s: %v", crid, method, path, err)
		return response{}
	}
	req.Header.Set("Authorization", a.token)
	req.Header.Set("client-request-id", crid)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	t0 := time.Now()
	resp, err := r.client.Do(req)
	var out response
	if err == nil {
		out.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		out.status = resp.StatusCode
		out.retry = resp.Header.Get("Retry-After")
		out.crid = resp.Header.Get("client-request-id")
		out.reqID = resp.Header.Get("request-id")
	}
	out.lat = time.Since(t0)
	if err != nil {
		// The proxy itself failed to answer: never expected.
		r.violation(int(ph), "%s %s %s: no answer from the proxy: %v", crid, method, path, err)
		r.record(int(ph), op, "no answer", out.lat, 0, 0)
		return out
	}
	if out.status >= 400 {
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(out.body, &e)
		out.code = e.Error.Code
	}
	r.check(int(ph), crid, op, &out)
	return out
}

// check classifies one answer. A non-2xx is allowed only when it is what
// graphsim's last answer to the proxy was, after the retries were spent
// (429, 503), or a 502 for a connection graphsim broke.
func (r *rig) check(ph int, crid, op string, out *response) {
	tr, okT := r.tr.take(crid)
	lg, okL := r.logs.take(crid)
	if !okL {
		r.violation(ph, "%s %s: %d without a log line", crid, op, out.status)
	}
	if !okT {
		r.violation(ph, "%s %s: %d but graphsim saw no attempt", crid, op, out.status)
	}
	if okL && lg.Status != out.status {
		r.violation(ph, "%s %s: answered %d, logged %d", crid, op, out.status, lg.Status)
	}
	if okL && okT && tr.attempts < lg.Attempts {
		r.violation(ph, "%s %s: the log says %d upstream attempts, graphsim saw %d", crid, op, lg.Attempts, tr.attempts)
	}
	// The ids travel: the caller's client-request-id comes back, and so
	// does graphsim's request-id when graphsim answered.
	if out.crid != crid {
		r.violation(ph, "%s %s: answered with client-request-id %q", crid, op, out.crid)
	}
	if okT && tr.last != 0 && out.reqID != tr.requestID {
		r.violation(ph, "%s %s: answered with request-id %q, graphsim's last answer had %q", crid, op, out.reqID, tr.requestID)
	}
	// A throttling answer passed on keeps graphsim's Retry-After: the
	// caller must be able to plan (as whole seconds; a date becomes the
	// seconds left).
	if (out.status == 429 || out.status == 503) && tr.retryAfter != "" {
		switch {
		case out.retry == "":
			r.violation(ph, "%s %s: %d without the Retry-After %q graphsim sent", crid, op, out.status, tr.retryAfter)
		case strings.Trim(tr.retryAfter, "0123456789") == "" && out.retry != tr.retryAfter:
			r.violation(ph, "%s %s: %d with Retry-After %q, graphsim sent %q", crid, op, out.status, out.retry, tr.retryAfter)
		}
	}
	class := strconv.Itoa(out.status)
	switch s := out.status; {
	case s >= 200 && s < 300:
		// 201 new and 200 existing link are kept apart, as Graph does.
		if okT && tr.last != s {
			r.violation(ph, "%s %s: answered %d, graphsim answered %d", crid, op, s, tr.last)
		}
	case s == 429 && tr.last == 429 && lg.UpstreamStatus == 429 && lg.Stopped != "":
		class = "429 " + out.code + ": graphsim's 429, retries stopped (" + lg.Stopped + ")"
	case s == 503 && tr.last == 503 && lg.UpstreamStatus == 503 && lg.Stopped != "" && out.code == "serviceNotAvailable":
		class = "503 " + out.code + ": graphsim's 503, retries stopped (" + lg.Stopped + ")"
	case s == 502 && tr.broken && out.code == "badGateway":
		class = "502 " + out.code + ": graphsim dropped or truncated the connection"
	default:
		class = fmt.Sprintf("%d %s (graphsim last answered %d, broken=%v; log upstream_status %d, retry_stopped %q)",
			s, out.code, tr.last, tr.broken, lg.UpstreamStatus, lg.Stopped)
		if s >= 500 {
			r.violation(ph, "%s %s: a 5xx of the proxy's own making: %s; body %.300s", crid, op, class, out.body)
		} else {
			r.violation(ph, "%s %s: unexpected %s; body %.300s", crid, op, class, out.body)
		}
	}
	// A request still running when the next phase began may meet its
	// faults: only those that ended within their strict phase must pass.
	if r.phases[ph].strict && r.phase.Load() == int32(ph) && (out.status < 200 || out.status > 299) {
		r.violation(ph, "%s %s: %d in phase %q, where every request must succeed", crid, op, out.status, r.phases[ph].name)
	}
	r.record(ph, op, class, out.lat, lg.Attempts, tr.attempts)
}

// worker sends a mix of createLink, grant, list and delete as one actor,
// keeping a few users-scope links of its own to grant on and delete.
type worker struct {
	id    int
	rng   *rand.Rand
	a     *actor
	seq   int
	mine  []*link // live users-scope links this worker made
	guest int
}

var fileTypes = []string{"view", "edit", "review", "blocksDownload"}
var folderTypes = []string{"view", "edit", "createOnly"}

func (r *rig) step(w *worker) {
	p := w.rng.IntN(100)
	switch {
	case len(w.mine) > r.mode.keepLinks || (p < 20 && len(w.mine) > 0):
		r.deleteLink(w)
	case p < 35 && len(w.mine) > 0:
		r.grant(w)
	case p < 55:
		r.list(w)
	default:
		r.createLink(w)
	}
}

func (r *rig) pickItem(w *worker) (*item, bool) {
	n := len(w.a.own) + len(w.a.other)
	i := w.rng.IntN(n)
	if i < len(w.a.own) {
		return w.a.own[i], true
	}
	return w.a.other[i-len(w.a.own)], false
}

func (r *rig) createLink(w *worker) {
	it, own := r.pickItem(w)
	types := fileTypes
	if it.folder {
		types = folderTypes
	}
	typ := types[w.rng.IntN(len(types))]
	scope := [...]string{"organization", "anonymous", "users", "users"}[w.rng.IntN(4)]
	body := map[string]any{"type": typ, "scope": scope}
	if scope == "users" {
		w.guest++
		body["recipients"] = []map[string]string{{"email": fmt.Sprintf("guest%d.%d@fabrikam.com", w.id, w.guest)}}
	}
	out := r.send(w, "createLink", "POST", itemPath(w.rng, w.a, it, own)+"/createLink", body, w.a)
	if out.status != 200 && out.status != 201 {
		return
	}
	var p struct {
		ID    string   `json:"id"`
		Roles []string `json:"roles"`
		Link  struct {
			Type   string `json:"type"`
			Scope  string `json:"scope"`
			WebURL string `json:"webUrl"`
		} `json:"link"`
	}
	ph := int(r.phase.Load())
	if err := json.Unmarshal(out.body, &p); err != nil || p.ID == "" || p.Link.WebURL == "" || len(p.Roles) == 0 {
		r.violation(ph, "createLink %s %s on %s: %d without a permission id, roles and a link: %.300s", typ, scope, it.name, out.status, out.body)
		return
	}
	if p.Link.Scope != scope || !strings.EqualFold(p.Link.Type, typ) {
		r.violation(ph, "createLink %s %s on %s answered a %s %s link", typ, scope, it.name, p.Link.Type, p.Link.Scope)
	}
	if scope == "users" && out.status != 201 {
		r.violation(ph, "createLink users on %s answered %d: users-scope links are always new", it.name, out.status)
	}
	l := r.addLink(&link{it: it, id: p.ID, webURL: p.Link.WebURL, role: p.Roles[0], scope: scope, creator: w.a})
	if scope == "users" {
		w.mine = append(w.mine, l)
	}
}

func (r *rig) grant(w *worker) {
	l := w.mine[w.rng.IntN(len(w.mine))]
	w.guest++
	email := fmt.Sprintf("invitee%d.%d@fabrikam.com", w.id, w.guest)
	body := map[string]any{"recipients": []map[string]string{{"email": email}}, "roles": []string{l.role}}
	out := r.send(w, "grant", "POST", "/v1.0/shares/"+graphsim.EncodeSharingURL(l.webURL)+"/permission/grant", body, w.a)
	if out.status == 200 {
		r.mu.Lock()
		l.grants = append(l.grants, email)
		r.mu.Unlock()
	}
}

func (r *rig) list(w *worker) {
	it, own := r.pickItem(w)
	out := r.send(w, "list", "GET", itemPath(w.rng, w.a, it, own)+"/permissions", nil, w.a)
	if out.status == 200 {
		var v struct {
			Value []json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(out.body, &v); err != nil || len(v.Value) == 0 {
			r.violation(int(r.phase.Load()), "list %s: 200 without permissions: %.200s", it.name, out.body)
		}
	}
}

func (r *rig) deleteLink(w *worker) {
	l := w.mine[0]
	out := r.send(w, "delete", "DELETE", itemPath(w.rng, w.a, l.it, contains(w.a.own, l.it))+"/permissions/"+l.id, nil, w.a)
	switch {
	case out.status == 204:
		r.mu.Lock()
		l.deleted = true
		r.mu.Unlock()
		w.mine = w.mine[1:]
	case out.status == 404:
		// Every earlier DELETE of it failed, so it must still be there.
		r.violation(int(r.phase.Load()), "delete %s on %s: 404, though no earlier delete of it succeeded", l.id, l.it.name)
		w.mine = w.mine[1:]
	default:
		// 429/503/502: graphsim faults before any state changes, so the
		// link is still there; it is deleted again later.
		w.mine = append(w.mine[1:], l)
	}
}

func contains(s []*item, it *item) bool {
	for _, x := range s {
		if x == it {
			return true
		}
	}
	return false
}

// addLink records a link, once per permission id (an organization link
// answered 200 is the same link again).
func (r *rig) addLink(l *link) *link {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.links[l.id]; ok {
		return old
	}
	r.links[l.id] = l
	r.linkOrder = append(r.linkOrder, l)
	return l
}

// --- per-phase statistics

type phaseStats struct {
	requests    int
	byOp        map[string]int
	byClass     map[string]int
	lat         []time.Duration
	proxyTries  int // Σ upstream_attempts from the log lines
	simAttempts int // Σ attempts graphsim saw
	retries     int // Σ (upstream_attempts − 1)
	injected    int // faults put in (Σ Count)
	left        int // of which not consumed at the phase's end
	violations  int
	elapsed     time.Duration
}

func (r *rig) record(ph int, op, class string, lat time.Duration, proxyTries, simAttempts int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.stats[ph]
	s.requests++
	s.byOp[op]++
	s.byClass[class]++
	s.lat = append(s.lat, lat)
	s.proxyTries += proxyTries
	s.simAttempts += simAttempts
	if proxyTries > 1 {
		s.retries += proxyTries - 1
	}
}

func (r *rig) violation(ph int, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nViolations++
	if ph >= 0 && ph < len(r.stats) {
		r.stats[ph].violations++
	}
	if len(r.violations) < 40 {
		name := "-"
		if ph >= 0 && ph < len(r.phases) {
			name = r.phases[ph].name
		}
		r.violations = append(r.violations, "["+name+"] "+msg)
	}
}

// rig is the system under test and the harness around it.
type rig struct {
	mode     mode
	phases   []phase
	sim      *graphsim.Sim
	simURL   string
	tr       *tracker
	logs     *logSink
	proxyURL string
	client   *http.Client // the callers'
	upstream *http.Client // the proxy's, to graphsim
	phase    atomic.Int32

	mu        sync.Mutex
	stats     []phaseStats
	links     map[string]*link
	linkOrder []*link

	violations  []string
	nViolations int
	orphans     int
}
