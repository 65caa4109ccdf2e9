// Command loadgen measures what sharelink's handler adds in front of Graph,
// on loopback only and bounded in requests and time (make lambda-bench).
//
// Default mode: graphsim (demo seed) and the local server (the Lambda
// handler over net/http, as lambda/cmd/local serves it) run in this
// process on 127.0.0.1; the same createLink is sent to graphsim directly
// and through sharelink, first one at a time (latency), then from several
// workers (throughput). Memory is read after each throughput round.
//
// -coldstart BIN: BIN (lambda/cmd/local built) is started -runs times with
// GRAPH_BASE_URL pointing at an in-process graphsim; each time the clock
// runs from exec to the first 201 createLink answer.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sharelink "github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim"
)

var (
	latencyN   = flag.Int("latency-n", 3000, "sequential requests per target for latency")
	throughN   = flag.Int("n", 40000, "requests per throughput round")
	workers    = flag.Int("c", 8, "concurrent workers for throughput")
	rounds     = flag.Int("rounds", 3, "throughput rounds through sharelink (memory is read after each)")
	maxTime    = flag.Duration("max", 15*time.Second, "time bound of one round")
	coldstart  = flag.String("coldstart", "", "measure exec-to-first-201 of this lambda/cmd/local binary")
	coldRuns   = flag.Int("runs", 10, "cold start runs")
	createPath = "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	createBody = []byte(`{"type":"view","scope":"organization"}`)
)

func main() {
	flag.Parse()
	var err error
	if *coldstart != "" {
		err = coldStart(*coldstart, *coldRuns)
	} else {
		err = load()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func load() error {
	sim := graphsim.New(graphsim.DemoSeed())
	simURL, closeSim, err := graphsim.Serve(sim, "")
	if err != nil {
		return err
	}
	defer closeSim()
	cfg := sharelink.DefaultConfig()
	cfg.GraphBaseURL = simURL
	h := sharelink.New(cfg, sharelink.WithLogger(sharelink.NewLogger(io.Discard)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := sharelink.NewServer(h, sharelink.DefaultServerLimits(cfg)) // lambda/cmd/local's server
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	slURL := "http://" + ln.Addr().String()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers * 2, MaxIdleConns: *workers * 4}}
	token := "Bearer " + graphsim.DemoToken(graphsim.DemoAliceUPN)
	fmt.Printf("loadgen: GOMAXPROCS=%d, createLink on loopback; graphsim %s, sharelink %s\n", runtime.GOMAXPROCS(0), simURL, slURL)

	// Warm both paths (connections, the link exists: every answer is 200).
	for _, u := range []string{simURL, slURL} {
		if r := run(client, u, token, 1, 200, *maxTime); r.errors > 0 {
			return fmt.Errorf("warm-up against %s: %d errors (%s)", u, r.errors, r.firstErr)
		}
	}

	direct := run(client, simURL, token, 1, *latencyN, *maxTime)
	via := run(client, slURL, token, 1, *latencyN, *maxTime)
	fmt.Printf("latency, 1 worker, %d requests each:\n", *latencyN)
	direct.print("  graphsim direct ")
	via.print("  via sharelink   ")
	fmt.Printf("  added: p50 %s, p90 %s, p99 %s\n", us(via.p(50)-direct.p(50)), us(via.p(90)-direct.p(90)), us(via.p(99)-direct.p(99)))

	fmt.Printf("throughput, %d workers, up to %d requests or %s per round:\n", *workers, *throughN, *maxTime)
	td := run(client, simURL, token, *workers, *throughN, *maxTime)
	td.print("  graphsim direct ")
	base := heap()
	fmt.Printf("  heap in use after GC before the sharelink rounds: %.1f MiB, RSS %.1f MiB\n", mib(base), mib(rss()))
	failed := td.errors > 0
	for i := 1; i <= *rounds; i++ {
		tv := run(client, slURL, token, *workers, *throughN, *maxTime)
		tv.print(fmt.Sprintf("  via sharelink #%d", i))
		fmt.Printf("    heap in use after GC: %.1f MiB (%+.1f), RSS %.1f MiB, goroutines %d\n", mib(heap()), mib(heap())-mib(base), mib(rss()), runtime.NumGoroutine())
		failed = failed || tv.errors > 0
	}
	if failed {
		return errors.New("errors under load")
	}
	return nil
}

type stats struct {
	lat      []time.Duration
	errors   int
	firstErr string
	elapsed  time.Duration
}

func (s *stats) p(q int) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	return s.lat[(len(s.lat)-1)*q/100]
}

func (s *stats) print(name string) {
	fmt.Printf("%s: %6d ok, %d errors, %8.0f req/s, p50 %s, p90 %s, p99 %s, max %s\n", name, len(s.lat), s.errors,
		float64(len(s.lat))/s.elapsed.Seconds(), us(s.p(50)), us(s.p(90)), us(s.p(99)), us(s.p(100)))
	if s.firstErr != "" {
		fmt.Printf("    first error: %s\n", s.firstErr)
	}
}

// run sends n createLinks from c workers, stopping at limit.
func run(client *http.Client, base, token string, c, n int, limit time.Duration) stats {
	var next atomic.Int64
	var mu sync.Mutex
	var all stats
	start := time.Now()
	stop := start.Add(limit)
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, n/c+1)
			errs, first := 0, ""
			for next.Add(1) <= int64(n) && time.Now().Before(stop) {
				t0 := time.Now()
				err := createLink(client, base, token)
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all.lat = append(all.lat, lat...)
			all.errors += errs
			if all.firstErr == "" {
				all.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	slices.Sort(all.lat)
	return all
}

func createLink(client *http.Client, base, token string) error {
	req, err := http.NewRequest("POST", base+createPath, bytes.NewReader(createBody))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	return nil
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			_, _ = fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func us(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d.Nanoseconds())/1000) }

// coldStart starts bin repeatedly and times exec → first 201.
func coldStart(bin string, runs int) error {
	sim := graphsim.New(graphsim.DemoSeed())
	simURL, closeSim, err := graphsim.Serve(sim, "")
	if err != nil {
		return err
	}
	defer closeSim()
	token := "Bearer " + graphsim.DemoToken(graphsim.DemoAliceUPN)
	var times []time.Duration
	for i := 0; i < runs; i++ {
		sim.Reset() // a fresh tenant: the first createLink makes the link, 201
		port, err := freePort()
		if err != nil {
			return err
		}
		d, err := coldOnce(bin, simURL, port, token)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		times = append(times, d)
	}
	slices.Sort(times)
	fmt.Printf("cold start (exec of %s to the first 201 createLink), %d runs: min %s, median %s, max %s\n",
		bin, runs, ms(times[0]), ms(times[len(times)/2]), ms(times[len(times)-1]))
	return nil
}

func coldOnce(bin, simURL, port, token string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "PORT="+port, "GRAPH_BASE_URL="+simURL)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
	url := "http://127.0.0.1:" + port
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	for ctx.Err() == nil {
		req, _ := http.NewRequest("POST", url+createPath, bytes.NewReader(createBody))
		req.Header.Set("Authorization", token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			time.Sleep(200 * time.Microsecond) // not listening yet
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			return 0, fmt.Errorf("first answer %d, want 201", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	return 0, errors.New("no 201 within 10 s")
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
