// Command local serves the sharelink Lambda handler over net/http, for
// development and for Graph clients that want a local endpoint (make run).
//
// Each HTTP request is translated into the API Gateway 2.0 event the
// function receives in AWS and answered by the same Handler.Handle; only
// the translation is local. With GRAPH_BASE_URL unset, graphsim (the
// in-process Microsoft Graph emulator) is started with its demo tenant on
// a loopback port (GRAPHSIM_ADDR fixes it) and a ready token and curl line
// are printed.
//
// Environment: PORT (default 8080; 0 picks a free port), GRAPHSIM_ADDR,
// LOCAL_TLS (a directory: serve https with a self-signed certificate
// for 127.0.0.1 written there, for clients that send tokens to https
// hosts only), and every variable the function reads (see
// lambda.LoadConfig).
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	sharelink "github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sharelink local:", err)
		os.Exit(1)
	}
}

// option changes the server's limits (lambda.DefaultServerLimits): tests
// set small timeouts instead of waiting for the real ones.
type option func(*sharelink.ServerLimits)

// run serves until ctx ends, then shuts down: in-flight requests finish
// (5 s at most), graphsim closes.
func run(ctx context.Context, getenv func(string) string, out, logs io.Writer, opts ...option) error {
	cfg, err := sharelink.LoadConfig(getenv, os.ReadFile)
	if err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	limits := sharelink.DefaultServerLimits(cfg)
	for _, o := range opts {
		o(&limits)
	}
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	var simURL string
	if getenv(sharelink.EnvGraphBaseURL) == "" {
		sim := graphsim.New(graphsim.DemoSeed())
		u, closeSim, err := graphsim.Serve(sim, getenv("GRAPHSIM_ADDR"))
		if err != nil {
			return err
		}
		defer closeSim()
		simURL, cfg.GraphBaseURL = u, u
	}
	// Loopback only: with graphsim, tokens are unsigned; with real Graph,
	// this is a developer's tool, not a server.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return err
	}
	h := sharelink.New(cfg, sharelink.WithLogger(sharelink.NewLogger(logs)))
	srv := sharelink.NewServer(h, limits)
	scheme, certFile := "http", ""
	if dir := getenv("LOCAL_TLS"); dir != "" {
		conf, path, err := selfSigned(dir)
		if err != nil {
			ln.Close()
			return fmt.Errorf("LOCAL_TLS: %w", err)
		}
		srv.TLSConfig, scheme, certFile = conf, "https", path
		ln = tls.NewListener(ln, conf)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	banner(out, scheme+"://"+ln.Addr().String(), simURL, certFile, cfg)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	fmt.Fprintln(out, "sharelink local: stopped")
	return err
}

// banner prints where things are and a first request that works. The
// KEY=value lines are shell assignments and, like the curl line, stable:
// tests and scripts read them.
func banner(w io.Writer, url, simURL, certFile string, cfg sharelink.Config) {
	fmt.Fprintln(w, "sharelink local: the Lambda handler over net/http (Ctrl-C stops it)")
	fmt.Fprintf(w, "SHARELINK_URL=%s\n", url)
	cacert := ""
	if certFile != "" {
		fmt.Fprintf(w, "TLS_CERT_FILE=%s\n", certFile)
		cacert = " --cacert '" + certFile + "'"
	}
	if simURL == "" {
		fmt.Fprintf(w, "GRAPH_BASE_URL=%s\n", cfg.GraphBaseURL)
		fmt.Fprintln(w, "Send your own Graph token: Authorization is forwarded unchanged.")
		return
	}
	token := graphsim.DemoToken(graphsim.DemoAliceUPN)
	fmt.Fprintf(w, "GRAPHSIM_URL=%s\n", simURL)
	fmt.Fprintf(w, "TOKEN=%s\n", token)
	fmt.Fprintf(w, "graphsim (in-process Microsoft Graph emulator, demo tenant %q) answers upstream; TOKEN is %s's.\n",
		graphsim.DemoTenantName, graphsim.DemoAliceUPN)
	fmt.Fprintln(w, "Create a sharing link on alice's /Documents/Report.docx (201, then 200 for the same link):")
	fmt.Fprintf(w, "curl -sS -i%s -X POST '%s/v1.0/me/drive/items/%s/createLink' -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{\"type\":\"view\",\"scope\":\"organization\"}'\n",
		cacert, url, graphsim.DemoReportID, token)
}
