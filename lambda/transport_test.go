package lambda

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"

	"github.com/sharelink/sharelink/tests/graphsim"
)

func gzipOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zlibOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	_, _ = io.WriteString(w, s)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func rawDeflateOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	_, _ = io.WriteString(w, s)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestContentEncoding: bodies in each content coding a Graph client sends
// create the link; the upstream request carries the plain body.
func TestContentEncoding(t *testing.T) {
	const body = `{"type":"view","scope":"organization"}`
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	cases := []struct {
		name, coding string
		body         []byte
		base64       bool
	}{
		{"gzip", "gzip", gzipOf(t, body), true},
		{"x-gzip", "x-gzip", gzipOf(t, body), true},
		{"GZIP in capitals", "GZIP", gzipOf(t, body), true},
		{"gzip with identity", "identity, gzip", gzipOf(t, body), true},
		{"deflate as zlib (RFC 9110)", "deflate", zlibOf(t, body), true},
		{"deflate raw (.NET DeflateStream)", "deflate", rawDeflateOf(t, body), true},
		{"identity", "identity", []byte(body), false},
		{"two gzip members", "gzip", append(gzipOf(t, body[:10]), gzipOf(t, body[10:])...), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			cap := &capturingUpstream{next: NewHTTPClient(DefaultConfig())}
			t.Cleanup(cap.next.CloseIdleConnections)
			e.h = New(e.h.cfg, WithClient(cap), WithLogger(NewLogger(io.Discard)))
			resp := e.do(req{method: "POST", path: path, body: string(c.body), base64: c.base64,
				headers: map[string]string{"content-encoding": c.coding}})
			if resp.StatusCode != 201 {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
			if cap.encoding != "" || !bytes.HasPrefix(cap.body, []byte(`{"type":"view"`)) {
				t.Errorf("upstream got Content-Encoding %q and body %q; want a plain JSON body", cap.encoding, cap.body)
			}
		})
	}
}

// capturingUpstream keeps the body and Content-Encoding of the last
// request it forwards.
type capturingUpstream struct {
	next     *http.Client
	body     []byte
	encoding string
}

func (c *capturingUpstream) Do(r *http.Request) (*http.Response, error) {
	c.encoding = r.Header.Get("Content-Encoding")
	if r.Body != nil {
		c.body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(c.body))
	}
	return c.next.Do(r)
}

// TestContentEncodingRefused: what cannot be decoded is refused before
// anything goes upstream, naming the header or the body.
func TestContentEncodingRefused(t *testing.T) {
	const body = `{"type":"view","scope":"organization"}`
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	gz := gzipOf(t, body)
	var bomb bytes.Buffer
	bw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	_, _ = bw.Write(make([]byte, 10<<20))
	_ = bw.Close()
	cases := []struct {
		name, coding string
		body         []byte
		status       int
		code, target string
	}{
		{"br", "br", gz, 415, "unsupportedMediaType", "Content-Encoding"},
		{"zstd", "zstd", gz, 415, "unsupportedMediaType", "Content-Encoding"},
		{"compress", "compress", gz, 415, "unsupportedMediaType", "Content-Encoding"},
		{"unknown", "gzip2", gz, 415, "unsupportedMediaType", "Content-Encoding"},
		{"stacked gzip", "gzip, gzip", gzipOf(t, string(gz)), 415, "unsupportedMediaType", "Content-Encoding"},
		{"stacked deflate gzip", "deflate,gzip", gz, 415, "unsupportedMediaType", "Content-Encoding"},
		{"empty entry", "gzip,,", gz, 415, "unsupportedMediaType", "Content-Encoding"},
		{"gzip label, plain body", "gzip", []byte(body), 400, "invalidRequest", "body"},
		{"truncated gzip", "gzip", gz[:len(gz)-6], 400, "invalidRequest", "body"},
		{"gzip with a wrong CRC", "gzip", append(append([]byte{}, gz[:len(gz)-8]...), 0, 0, 0, 0, gz[len(gz)-4], gz[len(gz)-3], gz[len(gz)-2], gz[len(gz)-1]), 400, "invalidRequest", "body"},
		{"gzip then garbage", "gzip", append(append([]byte{}, gz...), "junk"...), 400, "invalidRequest", "body"},
		{"corrupt deflate", "deflate", []byte{0x78, 0x9c, 0xff, 0xff, 0xff, 0xff}, 400, "invalidRequest", "body"},
		{"zlib then garbage", "deflate", append(zlibOf(t, body), 0), 400, "invalidRequest", "body"},
		{"gzip bomb", "gzip", bomb.Bytes(), 413, "requestTooLarge", "body"},
		{"gzip of an invalid body", "gzip", gzipOf(t, `{"type":"view","scope":"everyone"}`), 400, "invalidRequest", "scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			resp := e.do(req{method: "POST", path: path, body: string(c.body), base64: true,
				headers: map[string]string{"content-encoding": c.coding}})
			if resp.StatusCode != c.status || resp.errCode() != c.code || resp.errTarget() != c.target {
				t.Errorf("%d %s, want %d %s target %s", resp.StatusCode, resp.Body, c.status, c.code, c.target)
			}
			if n := e.sim.Total(); n != 0 {
				t.Errorf("%d requests upstream", n)
			}
		})
	}
	// The invalid body gets the same answer gzipped as plain.
	e := newEnv(t)
	plain := e.do(req{method: "POST", path: path, body: `{"type":"view","scope":"everyone"}`})
	zipped := e.do(req{method: "POST", path: path, body: string(gzipOf(t, `{"type":"view","scope":"everyone"}`)), base64: true,
		headers: map[string]string{"content-encoding": "gzip"}})
	if plain.StatusCode != zipped.StatusCode || plain.json["error"].(map[string]any)["message"] != zipped.json["error"].(map[string]any)["message"] {
		t.Errorf("plain %d %s, gzip %d %s", plain.StatusCode, plain.Body, zipped.StatusCode, zipped.Body)
	}
}

// TestDecodeBodyBound: a bomb stops after max+1 decoded bytes, and a
// body of exactly max decoded bytes passes.
func TestDecodeBodyBound(t *testing.T) {
	const max = 1 << 20
	exact := strings.Repeat("a", max)
	if b, err := decodeBody(gzipOf(t, exact), codingGzip, max); err != nil || len(b) != max {
		t.Fatalf("exactly max: %d bytes, %v", len(b), err)
	}
	if _, err := decodeBody(gzipOf(t, exact+"a"), codingGzip, max); err == nil || err.Status != 413 {
		t.Fatalf("max+1: %v", err)
	}
	bomb := gzipOf(t, strings.Repeat("a", 10<<20))
	if _, err := decodeBody(bomb, codingGzip, max); err == nil || err.Status != 413 || err.Target != "body" {
		t.Fatalf("10 MB bomb: %v", err)
	}
}

// TestZlibHeader: the zlib header test RFC 1950 gives, on real streams.
func TestZlibHeader(t *testing.T) {
	for _, lvl := range []int{zlib.NoCompression, zlib.BestSpeed, zlib.DefaultCompression, zlib.BestCompression} {
		var b bytes.Buffer
		w, _ := zlib.NewWriterLevel(&b, lvl)
		_, _ = w.Write([]byte(`{"type":"view"}`))
		_ = w.Close()
		if !zlibHeader(b.Bytes()) {
			t.Errorf("level %d: %x is a zlib header", lvl, b.Bytes()[:2])
		}
	}
	for _, lvl := range []int{flate.BestSpeed, flate.DefaultCompression, flate.BestCompression, flate.HuffmanOnly} {
		if b := rawDeflateOf(t, `{"type":"view","scope":"organization"}`+strings.Repeat(" ", lvl+2)); zlibHeader(b) {
			t.Errorf("raw deflate %x taken for zlib", b[:2])
		}
	}
}

// TestBodyReadError: a body net/http could not read whole is a 400 naming
// body, logged, with the usual headers, and nothing goes upstream — even
// when what was read is a valid createLink.
func TestBodyReadError(t *testing.T) {
	e := newEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	for _, c := range []struct {
		name string
		err  error
	}{{"unexpected EOF", io.ErrUnexpectedEOF}, {"broken chunk", errors.New("invalid byte in chunk length")}, {"timeout", timeoutError{}}} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", path, &failingReader{data: `{"type":"view","scope":"organization"}`, err: c.err})
			r.Header.Set("Authorization", "Bearer "+e.token)
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			if w.Code != 400 || !strings.Contains(w.Body.String(), `"target":"body"`) {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			if strings.Contains(w.Body.String(), c.err.Error()) {
				t.Errorf("the read error's text is echoed: %s", w.Body)
			}
			if w.Header().Get("Request-Id") == "" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", w.Header())
			}
		})
	}
	if n := e.sim.Total(); n != 0 {
		t.Errorf("%d requests upstream", n)
	}
	if lines := e.logs.Lines(); len(lines) < 3 || !strings.Contains(lines[len(lines)-1], `"status":400`) {
		t.Errorf("not logged: %q", lines)
	}
}

type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

var _ net.Error = timeoutError{}

// TestNosniff: every answer, success or refusal, says nosniff.
func TestNosniff(t *testing.T) {
	e := newEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	for _, r := range []req{
		{method: "POST", path: path, body: `{"type":"view","scope":"organization"}`},
		{method: "POST", path: path, body: `{"type":"nope"}`},
		{method: "GET", path: "/v1.0/nowhere"},
		{method: "GET", path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions", headers: map[string]string{"authorization": ""}},
	} {
		if resp := e.do(r); resp.Headers["x-content-type-options"] != "nosniff" {
			t.Errorf("%s %s: %d %v", r.method, r.path, resp.StatusCode, resp.Headers)
		}
	}
}

const (
	listed   = "https://app.contoso.com"
	unlisted = "https://evil.example"
)

func corsEnv(t *testing.T) *env {
	return newEnv(t, func(c *Config) { c.CORSOrigins = []string{listed, "http://localhost:3000"} })
}

// TestCORSPreflight: a preflight from a listed origin for a served route
// is a 204 with the CORS answer, without a token and without Graph.
func TestCORSPreflight(t *testing.T) {
	e := corsEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	resp := e.do(req{method: "OPTIONS", path: path, headers: map[string]string{"authorization": "", "origin": listed,
		"access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"}})
	h := resp.Headers
	if resp.StatusCode != 204 || h["access-control-allow-origin"] != listed || h["vary"] != "Origin" ||
		h["access-control-allow-methods"] != "POST" || !strings.Contains(h["access-control-allow-headers"], "Authorization") ||
		!strings.Contains(h["access-control-allow-headers"], "Content-Encoding") || h["access-control-max-age"] == "" {
		t.Fatalf("%d %v %s", resp.StatusCode, h, resp.Body)
	}
	if _, ok := h["access-control-allow-credentials"]; ok {
		t.Errorf("credentials allowed: %v", h)
	}
	for _, r := range []struct {
		name    string
		headers map[string]string
		path    string
	}{
		{"unlisted origin", map[string]string{"origin": unlisted, "access-control-request-method": "POST"}, path},
		{"origin with a trailing slash", map[string]string{"origin": listed + "/", "access-control-request-method": "POST"}, path},
		{"origin in capitals", map[string]string{"origin": strings.ToUpper(listed), "access-control-request-method": "POST"}, path},
		{"method not served on the path", map[string]string{"origin": listed, "access-control-request-method": "PUT"}, path},
		{"path not served", map[string]string{"origin": listed, "access-control-request-method": "POST"}, "/v1.0/me/messages"},
		{"no requested method", map[string]string{"origin": listed}, path},
	} {
		t.Run(r.name, func(t *testing.T) {
			r.headers["authorization"] = ""
			resp := e.do(req{method: "OPTIONS", path: r.path, headers: r.headers})
			if resp.StatusCode < 400 || resp.StatusCode > 499 {
				t.Errorf("%d %v", resp.StatusCode, resp.Headers)
			}
			if _, ok := resp.Headers["access-control-allow-methods"]; ok {
				t.Errorf("a preflight answer: %v", resp.Headers)
			}
			if ao, ok := resp.Headers["access-control-allow-origin"]; ok && r.headers["origin"] != listed {
				t.Errorf("Access-Control-Allow-Origin %q for %q", ao, r.headers["origin"])
			}
		})
	}
	if n := e.sim.Total(); n != 0 {
		t.Errorf("%d requests upstream", n)
	}
}

// TestCORSActual: responses to a listed origin carry the CORS headers,
// success or error; to any other origin, none.
func TestCORSActual(t *testing.T) {
	e := corsEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	ok := e.do(req{method: "POST", path: path, body: `{"type":"view","scope":"organization"}`, headers: map[string]string{"origin": listed}})
	bad := e.do(req{method: "POST", path: path, body: `{"type":"nope"}`, headers: map[string]string{"origin": "http://localhost:3000"}})
	for _, r := range []*response{ok, bad} {
		h := r.Headers
		if h["access-control-allow-origin"] == "" || h["vary"] != "Origin" || !strings.Contains(h["access-control-expose-headers"], "request-id") ||
			!strings.Contains(h["access-control-expose-headers"], "sharelink-adjusted") || !strings.Contains(h["access-control-expose-headers"], "retry-after") {
			t.Errorf("%d %v", r.StatusCode, h)
		}
	}
	if ok.StatusCode != 201 || ok.Headers["access-control-allow-origin"] != listed {
		t.Errorf("%d %v", ok.StatusCode, ok.Headers)
	}
	for _, o := range []string{unlisted, "null", ""} {
		r := e.do(req{method: "POST", path: path, body: `{"type":"view","scope":"organization"}`, headers: map[string]string{"origin": o}})
		if r.StatusCode != 200 && r.StatusCode != 201 {
			t.Errorf("origin %q: %d", o, r.StatusCode)
		}
		for k := range r.Headers {
			if strings.HasPrefix(k, "access-control-") || k == "vary" {
				t.Errorf("origin %q: %s", o, k)
			}
		}
	}
	// No CORS configured: a listed-looking origin gets nothing either.
	plain := newEnv(t)
	r := plain.do(req{method: "OPTIONS", path: path, headers: map[string]string{"origin": listed, "access-control-request-method": "POST"}})
	if r.StatusCode < 400 || r.Headers["access-control-allow-origin"] != "" {
		t.Errorf("without CORS: %d %v", r.StatusCode, r.Headers)
	}
}

// TestCORSConfig: SHARELINK_CORS_ORIGINS takes exact origins only; a bad
// one stops the function, naming the variable.
func TestCORSConfig(t *testing.T) {
	load := func(v string) (Config, error) {
		return LoadConfig(func(k string) string {
			if k == EnvCORSOrigins {
				return v
			}
			return ""
		}, nil)
	}
	c, err := load(" https://app.contoso.com, http://localhost:3000 ,http://127.0.0.1:8081,")
	if err != nil || strings.Join(c.CORSOrigins, " ") != "https://app.contoso.com http://localhost:3000 http://127.0.0.1:8081" {
		t.Fatalf("%q %v", c.CORSOrigins, err)
	}
	if c, err := load(""); err != nil || c.CORSOrigins != nil {
		t.Fatalf("unset: %q %v", c.CORSOrigins, err)
	}
	for _, bad := range []string{"*", "https://*.contoso.com", "app.contoso.com", "ftp://app.contoso.com", "https://app.contoso.com/",
		"https://app.contoso.com/app", "https://app.contoso.com?x=1", "https://app.contoso.com#f", "https://user@app.contoso.com",
		"https://user:pw@app.contoso.com", "https://App.Contoso.com", "https://app.contoso.com:443", "http://localhost:80",
		"http://localhost:0", "http://localhost:70000", "http://localhost:", "http://localhost:x", "null", "https://", "https://app.contoso.com,file:///"} {
		if _, err := load(bad); err == nil || !strings.Contains(err.Error(), EnvCORSOrigins) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestServerLimits: the write timeout outlasts reading the body and the
// whole request timeout; the server built carries the limits.
func TestServerLimits(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RequestTimeout = 40 * time.Second
	l := DefaultServerLimits(cfg)
	if l.WriteTimeout <= l.ReadTimeout+cfg.RequestTimeout || l.ReadHeaderTimeout > l.ReadTimeout || l.IdleTimeout <= 0 || l.MaxHeaderBytes < core.MaxBearerToken {
		t.Fatalf("%+v", l)
	}
	srv := NewServer(New(cfg), l)
	if srv.ReadTimeout != l.ReadTimeout || srv.WriteTimeout != l.WriteTimeout || srv.IdleTimeout != l.IdleTimeout ||
		srv.ReadHeaderTimeout != l.ReadHeaderTimeout || srv.MaxHeaderBytes != l.MaxHeaderBytes {
		t.Fatalf("%+v", srv)
	}
}
