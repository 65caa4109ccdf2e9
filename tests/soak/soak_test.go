package soak

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim"
)

var (
	flagMode   = flag.String("soak.mode", "", "short (the default, part of make test) or full (make soak); SOAK=full also selects full")
	flagReport = flag.String("soak.report", "", "also write the report to this file")
)

// mode bounds a run in time and in requests: every phase ends at its
// duration or at maxPerPhase requests, whichever comes first.
type mode struct {
	name        string
	workers     int
	keepLinks   int // users-scope links a worker keeps alive (the rest are deleted)
	maxPerPhase int
	scale       time.Duration // phase durations are multiples of this
	tick        time.Duration // faults are injected at every tick
	pace        time.Duration // a worker's pause between requests
}

var (
	shortMode = mode{name: "short", workers: 6, keepLinks: 4, maxPerPhase: 2000, scale: 500 * time.Millisecond,
		tick: 250 * time.Millisecond, pace: 20 * time.Millisecond}
	fullMode = mode{name: "full", workers: 12, keepLinks: 6, maxPerPhase: 20000, scale: 3 * time.Second,
		tick: 250 * time.Millisecond, pace: 10 * time.Millisecond}
)

// The proxy's configuration for the run, through the environment
// variables the function reads. Four attempts with Retry-After of at most
// 2 s keep a throttled request under 7 s; the timeouts are generous on
// purpose (no injected latency comes near them), so that a starved CPU on
// a shared machine does not turn into a 504 the run would rightly count
// as the proxy's own.
var proxyEnv = map[string]string{
	lambda.EnvMaxAttempts:    "4",
	lambda.EnvAttemptTimeout: "8s",
	lambda.EnvRequestTimeout: "15s",
}

// phase is a stretch of traffic under one kind of fault. inject is called
// at every tick with the number of workers and returns how many faulted
// answers it asked for.
// strict phases must answer every request 2xx.
type phase struct {
	name   string
	units  int // duration in mode.scale
	strict bool
	inject func(s *graphsim.Sim, tick, n int, rng *rand.Rand) int
}

func phases() []phase {
	inj := func(s *graphsim.Sim, f graphsim.Fault) int {
		s.Inject(f)
		return max(f.Count, 1)
	}
	return []phase{
		{name: "warm-up", strict: true},
		{name: "baseline", units: 3, strict: true},
		// Storms: every 2 s a burst of one 429 per worker (each is
		// throttled once, then goes through), and in between a burst on
		// grants only, deep enough that some grants spend their 4 attempts
		// while the rest of the traffic flows.
		{name: "429 storm, Retry-After: 1", units: 8, inject: func(s *graphsim.Sim, tick, n int, _ *rand.Rand) int {
			switch tick % 8 {
			case 0:
				return inj(s, graphsim.Fault{Kind: graphsim.FaultThrottle, Count: n, RetryAfter: "1"})
			case 4:
				return inj(s, graphsim.Fault{Kind: graphsim.FaultThrottle, Count: 6, RetryAfter: "1", Route: "POST grant"})
			case 6:
				// Longer than the request may take: not waited out, the
				// 429 goes back at once with it.
				return inj(s, graphsim.Fault{Kind: graphsim.FaultThrottle, Count: 1, RetryAfter: "3600", Route: "GET permissions"})
			}
			return 0
		}},
		{name: "429 storm, Retry-After: HTTP date", units: 8, inject: func(s *graphsim.Sim, tick, n int, _ *rand.Rand) int {
			// 1–2 s ahead when injected (the date has whole seconds); a
			// fault consumed later may name a date already past. Bursts on
			// everything use IMF-fixdate, the form HTTP senders must use;
			// those on createLink the two obsolete forms recipients must
			// read too (RFC 9110 §5.6.7): RFC 850 and asctime, in turn.
			at := time.Now().Add(2 * time.Second).UTC()
			switch tick % 8 {
			case 0:
				return inj(s, graphsim.Fault{Kind: graphsim.FaultThrottle, Count: n, RetryAfter: at.Format(http.TimeFormat)})
			case 4:
				layout := [...]string{"Monday, 02-Jan-06 15:04:05 GMT", time.ANSIC}[(tick/8)%2]
				return inj(s, graphsim.Fault{Kind: graphsim.FaultThrottle, Count: 6, RetryAfter: at.Format(layout), Route: "createLink"})
			}
			return 0
		}},
		// 503: bursts with Retry-After: 1 on everything, bursts without it
		// (the proxy's own backoff, 100 ms and up) on everything and,
		// deeper, on lists, and bursts with an HTTP date on createLink.
		{name: "503 bursts, with/without Retry-After", units: 6, inject: func(s *graphsim.Sim, tick, n int, _ *rand.Rand) int {
			switch tick % 8 {
			case 0:
				return inj(s, graphsim.Fault{Kind: graphsim.FaultUnavailable, Count: n, RetryAfter: "1"})
			case 2:
				return inj(s, graphsim.Fault{Kind: graphsim.FaultUnavailable, Count: 8, Route: "GET permissions"})
			case 4:
				return inj(s, graphsim.Fault{Kind: graphsim.FaultUnavailable, Count: n})
			case 6:
				date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
				return inj(s, graphsim.Fault{Kind: graphsim.FaultUnavailable, Count: n / 2, RetryAfter: date, Route: "POST createLink"})
			}
			return 0
		}},
		{name: "added latency (50–400 ms)", units: 4, strict: true, inject: func(s *graphsim.Sim, _, n int, rng *rand.Rand) int {
			return inj(s, graphsim.Fault{Kind: graphsim.FaultLatency, Count: max(n/3, 1), Latency: time.Duration(50+rng.IntN(350)) * time.Millisecond})
		}},
		{name: "dropped connections", units: 3, inject: func(s *graphsim.Sim, tick, n int, _ *rand.Rand) int {
			route := [...]string{"", "POST createLink", "grant", "DELETE permission", "GET permissions"}[tick%5]
			return inj(s, graphsim.Fault{Kind: graphsim.FaultDrop, Count: max(n/4, 1), Route: route})
		}},
		{name: "truncated bodies", units: 3, inject: func(s *graphsim.Sim, tick, n int, _ *rand.Rand) int {
			route := [...]string{"", "POST createLink", "grant", "DELETE permission", "GET permissions"}[tick%5]
			return inj(s, graphsim.Fault{Kind: graphsim.FaultTruncate, Count: max(n/4, 1), Route: route})
		}},
		{name: "recovery", units: 3, strict: true},
	}
}

// TestSoak is the real-time fault suite: short in make test, full in make
// soak. See the package documentation for what it checks.
func TestSoak(t *testing.T) {
	m := shortMode
	if *flagMode == "full" || os.Getenv("SOAK") == "full" {
		m = fullMode
	} else if *flagMode != "" && *flagMode != "short" {
		t.Fatalf("-soak.mode=%q: want short or full", *flagMode)
	}
	report, failures := runSoak(t, m)
	if *flagReport == "" {
		t.Log("\n" + report) // shown with -v, or when the run fails
	} else {
		fmt.Print(report)
		if err := os.MkdirAll(filepath.Dir(*flagReport), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*flagReport, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
}

func runSoak(t *testing.T, m mode) (string, []string) {
	started := time.Now()
	r := &rig{mode: m, phases: phases(), links: map[string]*link{}}
	r.stats = make([]phaseStats, len(r.phases))
	for i := range r.stats {
		r.stats[i].byOp, r.stats[i].byClass = map[string]int{}, map[string]int{}
	}

	// graphsim, behind the tracker, on loopback.
	r.sim = graphsim.New(graphsim.DemoSeed())
	r.tr = newTracker(r.sim)
	simURL, closeSim, err := graphsim.Serve(r.tr, "")
	if err != nil {
		t.Fatal(err)
	}
	r.simURL = simURL
	t.Cleanup(func() { _ = closeSim() })

	// The proxy: the configuration read as the function reads it, the
	// handler over net/http as lambda/cmd/local serves it, the real clock.
	env := map[string]string{lambda.EnvGraphBaseURL: simURL}
	for k, v := range proxyEnv {
		env[k] = v
	}
	cfg, err := lambda.LoadConfig(func(k string) string { return env[k] }, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	r.upstream = lambda.NewHTTPClient(cfg)
	r.logs = newLogSink("eyJ", "fabrikam", "@")
	h := lambda.New(cfg, lambda.WithClient(r.upstream), lambda.WithLogger(lambda.NewLogger(r.logs)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	r.proxyURL = "http://" + ln.Addr().String()
	r.client = &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}, Timeout: 20 * time.Second}

	// Warm-up: one worker per actor, a few of each request, then the
	// baselines with idle connections closed.
	acts := actors()
	workers := make([]*worker, m.workers)
	for i := range workers {
		workers[i] = &worker{id: i, rng: rand.New(rand.NewPCG(uint64(i), 0x50a6)), a: acts[i%len(acts)]}
	}
	for _, w := range workers[:len(acts)] {
		for range 8 {
			r.step(w)
		}
	}
	g0, settle0 := settle(r, -1)
	heap0 := heapInuse()

	// The phases: workers run throughout; the phase number each request
	// starts under names its phase.
	var peakG atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var started0 atomic.Int64 // requests started in the current phase
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if started0.Add(1) > int64(m.maxPerPhase) {
					time.Sleep(20 * time.Millisecond) // this phase's count is spent
					continue
				}
				r.step(w)
				time.Sleep(m.pace)
			}
		}()
	}
	monDone := make(chan struct{})
	go func() {
		defer close(monDone)
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
				if n := int64(runtime.NumGoroutine()); n > peakG.Load() {
					peakG.Store(n)
				}
			}
		}
	}()
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 1; i < len(r.phases); i++ {
		p := r.phases[i]
		t0 := time.Now()
		started0.Store(0)
		r.phase.Store(int32(i))
		end := t0.Add(time.Duration(p.units) * m.scale)
		injected, tick := 0, 0
		for next := t0; time.Now().Before(end) && started0.Load() < int64(m.maxPerPhase); next = next.Add(m.tick) {
			if p.inject != nil {
				injected += p.inject(r.sim, tick, m.workers, rng)
				tick++
			}
			wake := next.Add(m.tick)
			if wake.After(end) {
				wake = end
			}
			time.Sleep(time.Until(wake))
		}
		left := 0
		for _, f := range r.sim.Faults() {
			left += f.Count
		}
		r.sim.ClearFaults()
		r.mu.Lock()
		r.stats[i].injected, r.stats[i].left, r.stats[i].elapsed = injected, left, time.Since(t0)
		r.mu.Unlock()
	}
	cancel()
	wg.Wait()
	<-monDone
	trafficEnd := time.Now()

	simCounts, simTotal := r.sim.Requests(), r.sim.Total()
	lost := r.verify()
	heapHeld := heapInuse() // graphsim's state and the harness's records still held

	// Release what the harness kept per request, then read goroutines and
	// the heap again, as at the start.
	var b strings.Builder
	r.writeReport(&b, m, cfg, simCounts, simTotal, lost)
	nLinks := len(r.links)
	r.mu.Lock()
	r.links, r.linkOrder = nil, nil
	for i := range r.stats {
		r.stats[i].lat = nil
	}
	r.mu.Unlock()
	for _, w := range workers {
		w.mine = nil
	}
	heapSim := heapInuse() // graphsim's state still held
	r.sim.Reset()
	g1, settle1 := settle(r, g0)
	heap1 := heapInuse()

	const goroutineSlack = 2
	const heapBound = 8 << 20
	fmt.Fprintf(&b, "\ngoroutines: baseline %d (after warm-up, idle connections closed, settled in %v), peak %d during the phases, end %d (idle connections closed, settled in %v); allowed end ≤ baseline + %d\n",
		g0, settle0.Round(time.Millisecond), peakG.Load(), g1, settle1.Round(time.Millisecond), goroutineSlack)
	if g1 > g0+goroutineSlack {
		r.violation(-1, "goroutine leak: %d at the end, %d at the baseline\n%s", g1, g0, goroutineDump())
	}
	fmt.Fprintf(&b, "heap in use after GC: start %.2f MiB (after warm-up); after the phases %.2f MiB, of which the harness's %d link\n"+
		"  records %.2f MiB and graphsim's state %+.2f MiB over the start; end %.2f MiB (%+.2f MiB) after dropping the records and\n"+
		"  graphsim.Reset; bound: start + %d MiB\n",
		mib(heap0), mib(heapHeld), nLinks, mib(heapHeld)-mib(heapSim), mib(heapSim)-mib(heap1), mib(heap1), mib(heap1)-mib(heap0), heapBound>>20)
	fmt.Fprintf(&b, "  (the bound: what legitimately stays is pooled buffers and span fragmentation, a few MiB at most; a leak of\n"+
		"   1 KiB per request would add %.1f MiB over the %d requests of this run)\n", float64(r.totalRequests())/1024, r.totalRequests())
	if heap1 > heap0+heapBound {
		r.violation(-1, "heap grew from %.2f MiB to %.2f MiB, over the +%d MiB bound", mib(heap0), mib(heap1), heapBound>>20)
	}
	fmt.Fprintf(&b, "wall time: %v (traffic %v)\n", time.Since(started).Round(100*time.Millisecond), trafficEnd.Sub(started).Round(100*time.Millisecond))

	r.mu.Lock()
	failures := append([]string(nil), r.violations...)
	n := r.nViolations
	r.mu.Unlock()
	if n == 0 {
		b.WriteString("\nverdict: PASS — no lost link, no retry before its Retry-After, no proxy-made 5xx, no leak\n")
	} else {
		fmt.Fprintf(&b, "\nverdict: FAIL — %d violations", n)
		if n > len(failures) {
			fmt.Fprintf(&b, " (the first %d listed)", len(failures))
		}
		b.WriteString(":\n")
		for _, f := range failures {
			b.WriteString("  " + f + "\n")
		}
	}
	return b.String(), failures
}

// settle closes idle connections on both clients and waits (bounded) for
// the goroutine count to stop falling, or to reach want when want ≥ 0.
func settle(r *rig, want int) (int, time.Duration) {
	t0 := time.Now()
	r.client.CloseIdleConnections()
	r.upstream.CloseIdleConnections()
	n, stable := runtime.NumGoroutine(), 0
	for time.Since(t0) < 5*time.Second {
		time.Sleep(20 * time.Millisecond)
		m := runtime.NumGoroutine()
		switch {
		case want >= 0 && m <= want:
			return m, time.Since(t0)
		case m == n:
			stable++
		default:
			stable = 0
		}
		n = m
		if want < 0 && stable >= 10 {
			break
		}
	}
	return n, time.Since(t0)
}

func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func goroutineDump() string {
	var b strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	if b.Len() > 6000 {
		return b.String()[:6000] + "\n…"
	}
	return b.String()
}

// verify lists every item's permissions straight from graphsim and checks
// the links the proxy answered for: present unless deleted (204), absent
// when deleted, every granted recipient on its link. It returns the count
// of links lost.
func (r *rig) verify() (lost int) {
	r.mu.Lock()
	links := append([]*link(nil), r.linkOrder...)
	r.mu.Unlock()
	perms := map[*item]map[string]json.RawMessage{}
	orphans := 0
	for _, it := range allItems {
		got, err := r.listDirect(it)
		if err != nil {
			r.violation(-1, "listing %s on graphsim: %v", it.name, err)
			continue
		}
		perms[it] = got
	}
	seen := map[string]bool{}
	for _, l := range links {
		seen[l.id] = true
		got, ok := perms[l.it]
		if !ok {
			continue
		}
		raw, present := got[l.id]
		r.mu.Lock()
		deleted, grants := l.deleted, append([]string(nil), l.grants...)
		r.mu.Unlock()
		switch {
		case deleted && present:
			r.violation(-1, "link %s on %s: DELETE answered 204 but graphsim still has it", l.id, l.it.name)
		case !deleted && !present:
			lost++
			r.violation(-1, "lost link: %s (%s, %s) on %s answered 2xx through the proxy, but graphsim does not list it", l.id, l.role, l.scope, l.it.name)
		case present:
			for _, g := range grants {
				if !strings.Contains(string(raw), g) {
					r.violation(-1, "grant to %s on link %s (%s) answered 200 but the link does not list the recipient", g, l.id, l.it.name)
				}
			}
		}
	}
	for _, got := range perms {
		for id, raw := range got {
			var p struct {
				InheritedFrom json.RawMessage `json:"inheritedFrom"`
				Link          *struct {
					Application struct {
						ID string `json:"id"`
					} `json:"application"`
				} `json:"link"`
			}
			_ = json.Unmarshal(raw, &p)
			if p.InheritedFrom == nil && p.Link != nil && p.Link.Application.ID == graphsim.DemoAppID && !seen[id] {
				orphans++
			}
		}
	}
	r.mu.Lock()
	r.orphans = orphans
	r.mu.Unlock()
	return lost
}

// listDirect reads an item's permissions from graphsim, not through the
// proxy, as a user who can see the item.
func (r *rig) listDirect(it *item) (map[string]json.RawMessage, error) {
	req, err := http.NewRequest("GET", r.simURL+"/v1.0/drives/"+it.drive+"/items/"+it.id+"/permissions", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+graphsim.DemoToken(it.lister))
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	var v struct {
		Value []json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(v.Value))
	for _, p := range v.Value {
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(p, &id) != nil || id.ID == "" {
			return nil, errors.New("a permission without an id")
		}
		out[id.ID] = p
	}
	return out, nil
}

func (r *rig) totalRequests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for i := range r.stats {
		n += r.stats[i].requests
	}
	return n
}

func pct(lat []time.Duration, q int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[(len(lat)-1)*q/100]
}

func (r *rig) writeReport(b *strings.Builder, m mode, cfg lambda.Config, simCounts map[string]int, simTotal, lost int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	race := ""
	if raceEnabled {
		race = ", -race"
	}
	fmt.Fprintf(b, "sharelink soak report — %s mode, %s, %s %s/%s, GOMAXPROCS %d%s\n", m.name, time.Now().UTC().Format(time.RFC3339),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), race)
	fmt.Fprintf(b, "setup: callers → lambda.Handler over net/http (%s) → graphsim behind a timing tracker (%s), both 127.0.0.1; real clock\n", r.proxyURL, r.simURL)
	fmt.Fprintf(b, "proxy: %s=%d %s=%v %s=%v; %d workers (alice, bob), each phase ≤ %d requests and ≤ its duration\n",
		lambda.EnvMaxAttempts, cfg.MaxAttempts, lambda.EnvAttemptTimeout, cfg.AttemptTimeout, lambda.EnvRequestTimeout, cfg.RequestTimeout, m.workers, m.maxPerPhase)
	b.WriteString("traffic: createLink (view/edit/review/blocksDownload/createOnly × organization/anonymous/users, 8 items, /me, /users, /drives,\n" +
		"         v1.0/beta/none), grant through the link's u! id, list permissions, delete (users-scope links a worker made)\n\n")

	fmt.Fprintf(b, "%-38s %6s %6s %5s %5s %5s %9s %9s %7s %6s %8s  %s\n", "phase", "time", "reqs", "2xx", "4xx", "5xx", "p50", "p99", "retries", "faults", "consumed", "non-2xx")
	var tot phaseStats
	tot.byClass, tot.byOp = map[string]int{}, map[string]int{}
	for i := range r.stats {
		s := &r.stats[i]
		slices.Sort(s.lat)
		c2, c4, c5 := 0, 0, 0
		for k, n := range s.byClass {
			switch k[0] {
			case '2':
				c2 += n
			case '4':
				c4 += n
			case '5':
				c5 += n
			}
			tot.byClass[k] += n
		}
		for k, n := range s.byOp {
			tot.byOp[k] += n
		}
		tot.requests += s.requests
		tot.proxyTries += s.proxyTries
		tot.simAttempts += s.simAttempts
		tot.retries += s.retries
		tot.injected += s.injected
		tot.left += s.left
		el := "-"
		if s.elapsed > 0 {
			el = s.elapsed.Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(b, "%-38s %6s %6d %5d %5d %5d %9s %9s %7d %6d %8d  %s\n", r.phases[i].name, el, s.requests, c2, c4, c5,
			pct(s.lat, 50).Round(100*time.Microsecond), pct(s.lat, 99).Round(100*time.Microsecond), s.retries, s.injected, s.injected-s.left,
			non2xx(s.byClass))
	}
	fmt.Fprintf(b, "%-38s %6s %6d %29s %7d %6d %8d  %s\n", "total", "", tot.requests, "", tot.retries, tot.injected, tot.injected-tot.left, non2xx(tot.byClass))
	b.WriteString("(a request counts in the phase it started in, and one still retrying when the next phase began may meet that\n" +
		" phase's faults; time: the phase's length; p50/p99: the caller's latency; retries: the proxy's re-sends,\n" +
		" Σ(upstream_attempts−1) from its log lines; faults: faulted answers asked of graphsim; consumed: used by requests)\n")

	ops := make([]string, 0, len(tot.byOp))
	for k := range tot.byOp {
		ops = append(ops, k)
	}
	sort.Strings(ops)
	b.WriteString("\nrequests by operation:")
	for _, k := range ops {
		fmt.Fprintf(b, " %s %d", k, tot.byOp[k])
	}
	b.WriteString("\n\noutcomes by class (every 4xx and 5xx is classified against graphsim's last answer and the proxy's log line):\n")
	classes := make([]string, 0, len(tot.byClass))
	for k := range tot.byClass {
		classes = append(classes, k)
	}
	sort.Strings(classes)
	for _, k := range classes {
		fmt.Fprintf(b, "  %6d  %s\n", tot.byClass[k], k)
	}
	fmt.Fprintf(b, "  2xx: 200 existing link, list or grant; 201 new link; 204 deleted. 429 and 503: graphsim's error, shaped, sent once\n"+
		"  the %d attempts were spent (retry_stopped attempts) or when its Retry-After did not fit in the %v the request may take\n"+
		"  (retry_stopped deadline), with graphsim's Retry-After. 502: graphsim closed the connection without an answer or\n"+
		"  mid-body; not retried, as createLink, grant and delete may have changed state upstream. Nothing else is allowed.\n",
		cfg.MaxAttempts, cfg.RequestTimeout)

	fmt.Fprintf(b, "\nupstream: graphsim counted %d requests before verification (tracked per client-request-id: %d) for %d proxied requests;\n",
		simTotal, tot.simAttempts, tot.requests)
	fmt.Fprintf(b, "  the proxy logged %d upstream attempts (%d retries); %d more reached graphsim: Go's Transport replaying an idempotent\n"+
		"  GET on a reused connection that graphsim closed before answering (net/http, not a proxy retry)\n",
		tot.proxyTries, tot.retries, tot.simAttempts-tot.proxyTries)
	if simTotal != tot.simAttempts {
		r.violationLocked(-1, "graphsim counted %d requests but the tracker saw %d carrying the callers' client-request-ids: a request was not propagated", simTotal, tot.simAttempts)
	}
	keys := make([]string, 0, len(simCounts))
	for k := range simCounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("  graphsim by route:")
	for _, k := range keys {
		fmt.Fprintf(b, " %q %d", k, simCounts[k])
	}
	b.WriteString("\n")

	gl, early, ex := r.tr.gapReport()
	fmt.Fprintf(b, "\nRetry-After honoured (measured at graphsim, answer written → next attempt of the same client-request-id; slack %v):\n", clockSlack)
	for _, l := range gl {
		b.WriteString("  " + l + "\n")
	}
	for _, e := range ex {
		r.violationLocked(-1, "retry earlier than Retry-After: %s", e)
	}
	if early > len(ex) {
		r.violationLocked(-1, "%d more retries earlier than Retry-After", early-len(ex))
	}

	created, deleted, grants := 0, 0, 0
	for _, l := range r.linkOrder {
		created++
		if l.deleted {
			deleted++
		}
		grants += len(l.grants)
	}
	fmt.Fprintf(b, "\nlinks (read from graphsim directly at the end): %d distinct links answered 2xx; %d deleted (204) and gone; %d lost;\n"+
		"  %d grants answered 200, recipients on their links; %d links of the app graphsim holds that no caller was told of\n",
		created, deleted, lost, grants, r.orphans)
	total, bad, leaks, leakEx, pendingLogs := r.logs.counts()
	fmt.Fprintf(b, "log: %d lines, %d not JSON, %d with a token or an address; unclaimed: %d log lines, %d graphsim traces\n",
		total, bad, leaks, pendingLogs, r.tr.pending())
	if bad > 0 || leaks > 0 {
		r.violationLocked(-1, "log: %d lines not JSON, %d with a token or address (%s)", bad, leaks, leakEx)
	}
}

// non2xx sums the non-2xx classes by status and code: "429 activityLimitReached×5".
func non2xx(byClass map[string]int) string {
	sum := map[string]int{}
	for k, n := range byClass {
		if k[0] == '2' {
			continue
		}
		f := strings.Fields(k)
		key := f[0]
		if len(f) > 1 {
			key += " " + strings.TrimSuffix(f[1], ":")
		}
		sum[key] += n
	}
	keys := make([]string, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%s×%d", k, sum[k])
	}
	return strings.Join(keys, ", ")
}

// violationLocked is violation with r.mu held.
func (r *rig) violationLocked(ph int, format string, a ...any) {
	r.mu.Unlock()
	r.violation(ph, format, a...)
	r.mu.Lock()
}
