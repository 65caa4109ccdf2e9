// Package browser_test runs a real browser (headless Chromium) against
// the Lambda handler's net/http front: a page on one loopback origin,
// listed in SHARELINK_CORS_ORIGINS, creates a link through CORS, and a
// page on another origin, not listed, is refused by the browser itself.
package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

// chromium finds the browser; on CI (.ci/run installs Debian's chromium)
// its absence is a failure, elsewhere a skip.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on CI: .ci/run installs Debian's chromium package")
	}
	t.Skip("no chromium (apt-get install chromium)")
	return ""
}

// serve serves h on a loopback port and returns its origin.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// outcome is what a page reports of its fetches.
type outcome struct {
	Page       string `json:"page"`
	Status     int    `json:"status"`
	RequestID  string `json:"requestId"`
	LinkScope  string `json:"linkScope"`
	GzipStatus int    `json:"gzipStatus"`
	Error      string `json:"error"`
	GzipError  string `json:"gzipError"`
}

// page is the script each page runs: a createLink with a JSON body, then
// one gzipped by the browser (CompressionStream, Content-Encoding: gzip),
// reported to the page's own origin; then it goes to next, if any.
const page = `<!doctype html><meta charset="utf-8"><title>sharelink CORS</title><script>
(async () => {
  const out = {page: %q};
  const url = %q, token = %q, next = %q;
  const headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json", "client-request-id": "0f3c2a1b-browser"};
  try {
    const r = await fetch(url, {method: "POST", headers, body: JSON.stringify({type: "view", scope: "organization"})});
    out.status = r.status;
    out.requestId = r.headers.get("request-id") || "";
    const j = await r.json();
    out.linkScope = (j.link && j.link.scope) || "";
  } catch (e) { out.error = String(e); }
  try {
    const zipped = await new Response(new Blob([JSON.stringify({type: "edit", scope: "organization"})]).stream()
      .pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    const r = await fetch(url, {method: "POST", headers: {...headers, "Content-Encoding": "gzip"}, body: zipped});
    out.gzipStatus = r.status;
  } catch (e) { out.gzipError = String(e); }
  await fetch("/result", {method: "POST", body: JSON.stringify(out)});
  if (next) location.href = next;
})();
</script>`

// pageServer serves the page at / and takes its report at /result.
func pageServer(name, url, token string, next *string, results chan<- outcome) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, page, name, url, token, *next)
		case "/result":
			var o outcome
			b, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			if err == nil {
				err = json.Unmarshal(b, &o)
			}
			if err != nil {
				o = outcome{Page: name, Error: "unreadable report: " + err.Error()}
			}
			results <- o
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	})
}

func TestBrowserCORS(t *testing.T) {
	bin := chromium(t)
	sim, base := graphsimtest.Serve(t)
	results := make(chan outcome, 4)
	var listedNext, none string
	token := graphsim.DemoToken(graphsim.DemoAliceUPN)

	// The pages' origins must be known before the API's configuration.
	listedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listedOrigin := "http://" + listedLn.Addr().String()

	cfg := lambda.DefaultConfig()
	cfg.GraphBaseURL = base
	cfg.CORSOrigins = []string{listedOrigin}
	h := lambda.New(cfg, lambda.WithLogger(lambda.NewLogger(io.Discard)))
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := lambda.NewServer(h, lambda.DefaultServerLimits(cfg))
	go func() { _ = api.Serve(apiLn) }()
	t.Cleanup(func() { _ = api.Close() })
	url := "http://" + apiLn.Addr().String() + "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"

	unlisted := serve(t, pageServer("unlisted", url, token, &none, results))
	listedNext = unlisted + "/"
	listed := &http.Server{Handler: pageServer("listed", url, token, &listedNext, results), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = listed.Serve(listedLn) }()
	t.Cleanup(func() { _ = listed.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
		"--user-data-dir="+t.TempDir(), listedOrigin+"/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group: the renderers end with it
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group this test started
		<-exited
	}()

	got := map[string]outcome{}
	for len(got) < 2 {
		select {
		case o := <-results:
			got[o.Page] = o
		case err := <-exited:
			exited <- err
			t.Fatalf("chromium exited (%v) with reports %+v:\n%.3000s", err, got, stderr.String())
		case <-ctx.Done():
			t.Fatalf("no reports from both pages in time (%+v):\n%.3000s", got, stderr.String())
		}
	}
	l, u := got["listed"], got["unlisted"]
	t.Logf("listed: %+v", l)
	t.Logf("unlisted: %+v", u)
	if l.Error != "" || l.Status != 201 || l.LinkScope != "organization" || l.RequestID == "" {
		t.Errorf("the listed origin's createLink: %+v (want 201, the link, and request-id readable through Access-Control-Expose-Headers)", l)
	}
	if l.GzipError != "" || l.GzipStatus != 201 {
		t.Errorf("the listed origin's gzipped createLink: %+v", l)
	}
	if u.Error == "" || u.Status != 0 || u.GzipError == "" {
		t.Errorf("the unlisted origin was not refused by the browser: %+v", u)
	}
	if n := sim.Requests()["POST createLink"]; n != 2 {
		t.Errorf("graphsim saw %d createLinks, want the listed page's 2 (the unlisted page's preflights stop before Graph): %v", n, sim.Requests())
	}
}
