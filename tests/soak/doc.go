// Package soak runs the Lambda handler behind its net/http front (as
// lambda/cmd/local serves it) in front of graphsim, both over real HTTP on
// 127.0.0.1, with the handler's real clock, and pushes mixed sharing
// traffic through it while graphsim injects faults in phases: baseline,
// 429 storms (Retry-After in seconds, then as an HTTP date), 503 bursts
// (with and without Retry-After), added latency, dropped connections,
// truncated bodies, and recovery.
//
// It checks what must hold under faults, not speed: every createLink that
// answered 2xx is in its item's permissions afterwards (read from graphsim
// directly) unless the harness deleted it, every 204 delete really deleted,
// every 200 grant's recipient is on the link; no retry reached graphsim
// earlier than the Retry-After it was given (measured at graphsim, per
// client-request-id); every 5xx is the shaped upstream error after the
// retries were spent, or a 502 for a dropped or truncated upstream answer;
// goroutines come back to their baseline and the heap after GC stays
// within a bound of its start.
//
// The tests are in soak_test.go: `go test ./tests/soak` runs the short mode
// (part of make test); `make soak` (tests/soak/soak.mk) runs the full mode
// and writes the report to dist/soak-report.txt.
package soak
