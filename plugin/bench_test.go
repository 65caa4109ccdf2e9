package main

import (
	"testing"
	"time"
)

// BenchmarkCreateLink is the create_link export's own work natively, with
// a fake host that answers at once: the input read once, the request
// built, Graph's answer shaped.
func BenchmarkCreateLink(b *testing.B) {
	h := &fakeHost{config: map[string]string{"now": "2026-01-15T12:00:00Z"}, now: time.Now(),
		answer: httpResponse{Status: 201, Body: []byte(`{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://s.example/x"}}`)}}
	var in instance
	input := []byte(createInput)
	b.ReportAllocs()
	for b.Loop() {
		h.sent = h.sent[:0]
		if _, err := in.call("create_link", input, h); err != nil {
			b.Fatal(err)
		}
	}
}
