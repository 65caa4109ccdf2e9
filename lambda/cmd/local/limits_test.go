package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	sharelink "github.com/sharelink/sharelink/lambda"
)

// startLocal runs the local server as make run does, with opts, and
// returns its address (host:port) and graphsim's URL.
func startLocal(t *testing.T, opts ...option) (addr, simURL string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string { return map[string]string{"PORT": "0"}[k] }, outW, io.Discard, opts...)
		outW.Close()
	}()
	t.Cleanup(func() { cancel(); <-done })
	sc := bufio.NewScanner(outR)
	for sc.Scan() && (addr == "" || simURL == "") {
		if v, ok := strings.CutPrefix(sc.Text(), "SHARELINK_URL=http://"); ok {
			addr = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "GRAPHSIM_URL="); ok {
			simURL = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if addr == "" {
		t.Fatal("no SHARELINK_URL line")
	}
	return addr, simURL
}

// small are limits a test can wait out.
func small(l *sharelink.ServerLimits) {
	l.ReadHeaderTimeout = 300 * time.Millisecond
	l.ReadTimeout = 500 * time.Millisecond
	l.IdleTimeout = 500 * time.Millisecond
}

// closedWithin reads conn until it ends and reports whether that took
// less than d (the answer, if any, is what was read).
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) (string, bool) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return string(b), false
	}
	return string(b), true
}

// TestStalledBodyIsCut: a body that stops coming is cut by the read
// timeout, with a 400 if anything is answered, not held open.
func TestStalledBodyIsCut(t *testing.T) {
	addr, _ := startLocal(t, small)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /v1.0/me/drive/root/createLink HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\r\n"+
		"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":")
	start := time.Now()
	got, closed := closedWithin(t, conn, 5*time.Second)
	if !closed {
		t.Fatalf("still open after %v", time.Since(start))
	}
	if got != "" && !strings.HasPrefix(got, "HTTP/1.1 400") {
		t.Fatalf("answered %q", got)
	}
	t.Logf("closed after %v: %.60q", time.Since(start).Round(time.Millisecond), got)
}

// TestStalledHeadersAreCut: headers that stop coming too.
func TestStalledHeadersAreCut(t *testing.T) {
	addr, _ := startLocal(t, small)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /v1.0/me/drive HTTP/1.1\r\nHost: x\r\n")
	if _, closed := closedWithin(t, conn, 5*time.Second); !closed {
		t.Fatal("still open")
	}
}

// TestIdleKeepAliveIsClosed: a kept-alive connection with no next
// request is closed by the idle timeout.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	addr, _ := startLocal(t, small)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET /v1.0/nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server closed at once; want keep-alive")
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after %v: %v, want the server to close the idle connection", time.Since(start), err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("closed after %v, before the idle timeout", d)
	}
}

// TestHeaderBound: headers past MaxHeaderBytes are net/http's 431; a
// 32 KB token (the handler's own bound) still reaches the handler.
func TestHeaderBound(t *testing.T) {
	addr, _ := startLocal(t)
	for _, c := range []struct {
		name   string
		header string
		want   int
	}{
		{"token at the handler's bound", "Authorization: Bearer " + strings.Repeat("A", 32<<10), 404},
		{"headers past the bound", "X-Pad: " + strings.Repeat("p", sharelink.DefaultMaxHeaderBytes+8<<10), 431},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(conn, "GET /v1.0/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"+c.header+"\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		conn.Close()
		if err != nil || resp.StatusCode != c.want {
			t.Errorf("%s: %v %v, want %d", c.name, resp, err, c.want)
		}
	}
}
