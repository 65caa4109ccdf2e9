package hostile_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/lambda"
)

// The transport cases the corpus cannot express: framing that breaks
// mid-body, connections that close or stall, and the server's own
// limits. Each runs against a fresh server, so graphsim's counter is this
// case's alone.

const validCreate = `{"type":"view","scope":"organization"}`

// rawExchange writes head (and then each of parts, with pause between
// them) on a new connection, optionally half-closes it, and reads the
// answer; resp is nil when the server closed without one.
func rawExchange(t *testing.T, s *server, closeWrite bool, pause time.Duration, parts ...string) (*http.Response, []byte, time.Duration) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
	start := time.Now()
	for i, p := range parts {
		if i > 0 && pause > 0 {
			time.Sleep(pause)
		}
		if _, err := io.WriteString(conn, p); err != nil {
			break // the server may close first; what it answered is read below
		}
	}
	if closeWrite {
		_ = conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, nil, time.Since(start)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp, b, time.Since(start)
}

func head(s *server, extra string) string {
	return "POST " + placeholders.Replace("{{create}}") + " HTTP/1.1\r\nHost: " + s.addr + "\r\nAuthorization: Bearer " + token +
		"\r\nContent-Type: application/json\r\n" + extra + "\r\n"
}

// wantBodyRefusal checks a 400 naming body, Graph-shaped, with nosniff,
// nothing upstream, and the refusal in the handler's log.
func wantBodyRefusal(t *testing.T, s *server, resp *http.Response, body []byte) {
	t.Helper()
	if n := s.sim.Total(); n != 0 {
		t.Errorf("reached graphsim %d times: %v", n, s.sim.Requests())
	}
	if resp == nil {
		t.Fatal("no answer")
	}
	var g graphError
	if resp.StatusCode != 400 || json.Unmarshal(body, &g) != nil || g.Error == nil || g.Error.Target != "body" {
		t.Fatalf("%d %s, want a 400 naming body", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Request-Id") == "" {
		t.Errorf("headers %v", resp.Header)
	}
	logged := false
	for _, l := range s.logs.Lines() {
		logged = logged || strings.Contains(l, `"status":400`) && strings.Contains(l, `"body"`)
	}
	if !logged {
		t.Errorf("the refusal was not logged: %q", s.logs.Lines())
	}
}

// TestChunkedBodyBrokenFraming: the first chunk is a whole valid
// createLink; the framing then breaks. The link must not be created.
func TestChunkedBodyBrokenFraming(t *testing.T) {
	for _, tail := range []string{
		"zz\r\n",                     // a chunk size that is not hex
		"5\r\nabcdefgh\r\n0\r\n\r\n", // a chunk longer than its size
		"3\r\nabc",                   // no CRLF after the data, then the end
	} {
		t.Run(fmt.Sprintf("%q", tail), func(t *testing.T) {
			s := startServerWith(t, nil)
			first := fmt.Sprintf("%x\r\n%s\r\n", len(validCreate), validCreate)
			resp, body, _ := rawExchange(t, s, true, 0, head(s, "Transfer-Encoding: chunked\r\n")+first+tail)
			wantBodyRefusal(t, s, resp, body)
		})
	}
}

// TestContentLengthLongerThanBody: the client says 200 bytes, sends a
// valid createLink and closes its side. Nothing goes upstream (before,
// this reached the upstream stage and ended in a proxy-made 502).
func TestContentLengthLongerThanBody(t *testing.T) {
	s := startServerWith(t, nil)
	resp, body, _ := rawExchange(t, s, true, 0, head(s, "Content-Length: 200\r\n")+validCreate)
	wantBodyRefusal(t, s, resp, body)
}

// TestStalledBodyCut: a body that stops coming is cut by the read
// timeout: the connection does not stay open, nothing goes upstream.
func TestStalledBodyCut(t *testing.T) {
	s := startServerLimits(t, nil, func(l *lambda.ServerLimits) {
		l.ReadHeaderTimeout, l.ReadTimeout = 300*time.Millisecond, 600*time.Millisecond
	})
	resp, body, took := rawExchange(t, s, false, 0, head(s, "Content-Length: 200\r\n")+validCreate[:10])
	if took > 5*time.Second {
		t.Fatalf("held for %v", took)
	}
	if resp != nil {
		wantBodyRefusal(t, s, resp, body)
	} else if n := s.sim.Total(); n != 0 {
		t.Errorf("reached graphsim %d times", n)
	}
	t.Logf("cut after %v (answered: %v)", took.Round(time.Millisecond), resp != nil)
}

// TestSlowBodyCut: a body sent a byte at a time, each in time, is still
// cut when the whole read outlasts the read timeout (a slow-loris body).
func TestSlowBodyCut(t *testing.T) {
	s := startServerLimits(t, nil, func(l *lambda.ServerLimits) { l.ReadTimeout = 700 * time.Millisecond })
	parts := []string{head(s, fmt.Sprintf("Content-Length: %d\r\n", len(validCreate)))}
	for i := 0; i < len(validCreate); i++ {
		parts = append(parts, validCreate[i:i+1])
	}
	resp, body, took := rawExchange(t, s, false, 100*time.Millisecond, parts...)
	if resp != nil {
		wantBodyRefusal(t, s, resp, body)
	}
	if n := s.sim.Total(); n != 0 {
		t.Errorf("reached graphsim %d times after %v", n, took)
	}
}

// TestIdleKeepAliveClosed: a kept-alive connection with no next request
// is closed by the idle timeout.
func TestIdleKeepAliveClosed(t *testing.T) {
	s := startServerLimits(t, nil, func(l *lambda.ServerLimits) { l.IdleTimeout = 400 * time.Millisecond })
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /v1.0/nowhere HTTP/1.1\r\nHost: "+s.addr+"\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after %v: %v, want the idle connection closed", time.Since(start), err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("closed after %v, before the idle timeout", d)
	}
}

// TestHeaderBoundIs431: past the header bound net/http answers 431
// itself, before the handler (so without the handler's headers), and
// nothing goes upstream.
func TestHeaderBoundIs431(t *testing.T) {
	s := startServerLimits(t, nil, nil)
	pad := "X-Pad: " + strings.Repeat("p", lambda.DefaultMaxHeaderBytes+8<<10) + "\r\nConnection: close\r\n"
	resp, _, _ := rawExchange(t, s, false, 0, head(s, pad+"Content-Length: 2\r\n")+"{}")
	if resp == nil || resp.StatusCode != 431 {
		t.Fatalf("%v, want 431", resp)
	}
	if n := s.sim.Total(); n != 0 {
		t.Errorf("reached graphsim %d times", n)
	}
}

// TestGzipOverTheWire: a gzip body, chunked as the Graph SDKs send it,
// creates the link once; graphsim gets it plain.
func TestGzipOverTheWire(t *testing.T) {
	s := startServerWith(t, nil)
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	_, _ = io.WriteString(w, validCreate)
	_ = w.Close()
	chunked := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", z.Len(), z.Bytes())
	resp, body, _ := rawExchange(t, s, false, 0, head(s, "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nConnection: close\r\n")+chunked)
	if resp == nil || resp.StatusCode != 201 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("%v %s", resp, body)
	}
	if n := s.sim.Requests()["POST createLink"]; n != 1 || s.sim.Total() != 1 {
		t.Fatalf("graphsim: %v", s.sim.Requests())
	}
}

// TestPreflightOverTheWire: a preflight from the listed origin is a 204
// without a token and without Graph; the answer to the request that
// follows names the origin.
func TestPreflightOverTheWire(t *testing.T) {
	s := startServerWith(t, nil)
	pre := "OPTIONS " + placeholders.Replace("{{create}}") + " HTTP/1.1\r\nHost: " + s.addr + "\r\nOrigin: " + listedOrigin +
		"\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type, content-encoding\r\nConnection: close\r\n\r\n"
	resp, _, _ := rawExchange(t, s, false, 0, pre)
	if resp == nil || resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != listedOrigin ||
		resp.Header.Get("Access-Control-Allow-Methods") != "POST" || resp.Header.Get("Vary") != "Origin" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("%v", resp)
	}
	if n := s.sim.Total(); n != 0 {
		t.Fatalf("the preflight reached graphsim: %v", s.sim.Requests())
	}
	resp, body, _ := rawExchange(t, s, false, 0, head(s, fmt.Sprintf("Origin: %s\r\nContent-Length: %d\r\nConnection: close\r\n", listedOrigin, len(validCreate)))+validCreate)
	if resp == nil || resp.StatusCode != 201 || resp.Header.Get("Access-Control-Allow-Origin") != listedOrigin ||
		!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "request-id") {
		t.Fatalf("%v %s", resp, body)
	}
}
