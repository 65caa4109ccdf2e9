package core

import (
	"fmt"
	"strings"
	"testing"
)

// bodyOf writes open, then members made by member(i) until the body
// holds size bytes, then close.
func bodyOf(size int, open, close string, member func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(open)
	for i := 0; b.Len()+len(close) < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(member(i))
	}
	b.WriteString(close)
	return []byte(b.String())
}

// BenchmarkBodyBytes reads bodies of 1 KB and of 1 MB, many keys each,
// and reports the time per byte: linear reading gives the two sizes the
// same ns/byte, or less for the larger one when a bound refuses it early.
// createLink and grant: @odata keys (the 1 MB body is refused at its
// 65th member); shape: a permission of unknown members, all kept; error:
// a Graph error of unknown members.
func BenchmarkBodyBytes(b *testing.B) {
	ctx := &Context{Now: testNow}
	odata := func(i int) string { return fmt.Sprintf(`"@odata.k%d":%d`, i, i) }
	unknown := func(i int) string { return fmt.Sprintf(`"u%d":"value %d"`, i, i) }
	for _, kind := range []struct {
		name        string
		open, close string
		member      func(int) string
		run         func(body []byte)
	}{
		{"createLink", `{"type":"view",`, `}`, odata, func(body []byte) { _, _ = parseCreateLink(V1, body, ctx) }},
		{"grant", `{"recipients":[{"alias":"a"}],"roles":["read"],`, `}`, odata, func(body []byte) { _, _ = parseGrant(body) }},
		{"shape", `{"id":"1","roles":["read"],"link":{"type":"view","scope":"anonymous"},`, `}`, unknown, func(body []byte) { _, _ = shapePermission(200, body) }},
		{"error", `{"error":{"code":"accessDenied","message":"no",`, `}}`, unknown, func(body []byte) { _ = ParseUpstreamError(403, "", body, testNow) }},
	} {
		for _, size := range []struct {
			name string
			n    int
		}{{"1KB", 1 << 10}, {"1MB", 1 << 20}} {
			body := bodyOf(size.n, kind.open, kind.close, kind.member)
			b.Run(kind.name+"/"+size.name, func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for range b.N {
					kind.run(body)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(body)), "ns/byte")
			})
		}
	}
}
