package graphsim_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestCompressedBodies: Graph takes gzip and deflate (zlib) request
// bodies, as the Graph SDKs send them; what does not decode is refused.
func TestCompressedBodies(t *testing.T) {
	const body = `{"type":"view","scope":"organization"}`
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	var gz, zl, bomb bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write([]byte(body))
	_ = w.Close()
	z := zlib.NewWriter(&zl)
	_, _ = z.Write([]byte(body))
	_ = z.Close()
	bw := gzip.NewWriter(&bomb)
	_, _ = bw.Write(make([]byte, 8<<20))
	_ = bw.Close()

	e := newEnv(t)
	e.do("POST", path, alice, gz.Bytes(), "Content-Encoding", "gzip").must(t, 201)
	e.do("POST", path, alice, gz.Bytes(), "Content-Encoding", "x-gzip").must(t, 200) // the same link
	e.do("POST", path, alice, zl.Bytes(), "Content-Encoding", "Deflate").must(t, 200)
	e.do("POST", path, alice, body, "Content-Encoding", "identity").must(t, 200)
	for _, c := range []struct {
		name, enc string
		body      []byte
		status    int
	}{
		{"plain labelled gzip", "gzip", []byte(body), 400},
		{"truncated gzip", "gzip", gz.Bytes()[:gz.Len()-5], 400},
		{"gzip labelled deflate", "deflate", gz.Bytes(), 400},
		{"gzip bomb", "gzip", bomb.Bytes(), 413},
		{"brotli", "br", gz.Bytes(), 415},
		{"stacked", "gzip, gzip", gz.Bytes(), 415},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", path, alice, c.body, "Content-Encoding", c.enc)
			if r.err != nil || r.status != c.status || !strings.Contains(string(r.raw), `"error"`) {
				t.Fatalf("%d %s (%v), want %d", r.status, r.raw, r.err, c.status)
			}
		})
	}
}
