package core

import (
	"testing"
	"time"
)

const benchThrottled = `{"error":{"code":"activityLimitReached","message":"The request has been throttled","innerError":{"code":"throttledRequest","date":"2026-01-15T12:00:00","request-id":"9c1a8f1e-3b5e-4d7a-9f0e-6a2b1c3d4e5f","client-request-id":"0f9e8d7c-6b5a-4938-8271-6a5b4c3d2e1f"}}}`

func BenchmarkParseUpstreamError(b *testing.B) {
	body := []byte(benchThrottled)
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		u := ParseUpstreamError(429, "10", body, now)
		if !u.Throttled {
			b.Fatal("not throttled")
		}
	}
}
