package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRunPrintsAWorkingCurlLine starts the local server as make run does
// (graphsim in-process, a free port), runs the printed curl line's request
// and stops the server with its context, as Ctrl-C does.
func TestRunPrintsAWorkingCurlLine(t *testing.T) {
	t.Run("http", func(t *testing.T) { testCurlLine(t, false) })
	t.Run("https", func(t *testing.T) { testCurlLine(t, true) })
}

func testCurlLine(t *testing.T, useTLS bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	env := map[string]string{"PORT": "0"}
	if useTLS {
		env["LOCAL_TLS"] = t.TempDir()
	}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string { return env[k] }, outW, io.Discard)
		outW.Close()
	}()
	vals := map[string]string{}
	sc := bufio.NewScanner(outR)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for vals["CURL"] == "" && sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "curl ") {
			vals["CURL"] = line
		} else if k, v, ok := strings.Cut(line, "="); ok && k == strings.ToUpper(k) && !strings.Contains(k, " ") {
			vals[k] = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	for _, k := range []string{"SHARELINK_URL", "GRAPHSIM_URL", "TOKEN", "CURL"} {
		if vals[k] == "" {
			t.Fatalf("the banner has no %s line: %v", k, vals)
		}
	}
	method, url, headers, body, cacert := parseCurl(t, vals["CURL"])
	client := http.DefaultClient
	if useTLS {
		pemBytes, err := os.ReadFile(cacert)
		if err != nil || cacert != vals["TLS_CERT_FILE"] {
			t.Fatalf("curl --cacert %q, banner %q: %v", cacert, vals["TLS_CERT_FILE"], err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pemBytes)
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	}
	if !strings.HasPrefix(url, vals["SHARELINK_URL"]+"/") {
		t.Fatalf("the curl line does not go to %s: %s", vals["SHARELINK_URL"], url)
	}
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	resp, err := client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || !strings.Contains(string(b), `"webUrl"`) {
		t.Fatalf("the printed curl line got %d %s", resp.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no clean shutdown within 10 s")
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	env := map[string]string{"PORT": "0", "SHARELINK_POLICY": `{"maxExpiryDays":"thirty"}`}
	err := run(context.Background(), func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SHARELINK_POLICY") || !strings.Contains(err.Error(), "policy.maxExpiryDays") {
		t.Fatalf("error %v, want one naming SHARELINK_POLICY and the rule", err)
	}
}

// parseCurl reads the curl line the banner prints: single-quoted words,
// -X, -H and -d.
func parseCurl(t *testing.T, line string) (method, url string, headers map[string]string, body, cacert string) {
	t.Helper()
	var words []string
	for s := strings.TrimSpace(line); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				t.Fatalf("unbalanced quote in %s", line)
			}
			words = append(words, s[1:end+1])
			s = s[end+2:]
			continue
		}
		w, rest, _ := strings.Cut(s, " ")
		words = append(words, w)
		s = rest
	}
	if len(words) == 0 || words[0] != "curl" {
		t.Fatalf("not a curl line: %s", line)
	}
	method, headers = "GET", map[string]string{}
	for i := 1; i < len(words); i++ {
		switch words[i] {
		case "-X":
			i++
			method = words[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(words[i], ":")
			headers[k] = strings.TrimSpace(v)
		case "-d":
			i++
			body = words[i]
		case "--cacert":
			i++
			cacert = words[i]
		case "-sS", "-i":
		default:
			url = words[i]
		}
	}
	return method, url, headers, body, cacert
}
