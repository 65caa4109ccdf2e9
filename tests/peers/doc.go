// Package peers measures sharelink's core against what a Go program would
// otherwise use for the same job: Microsoft's Graph SDK (msgraph-sdk-go on
// Kiota) and the standard library.
//
// It is a module of its own so that the SDK, whose models package alone
// takes minutes and gigabytes to compile, stays out of sharelink's go.mod
// and out of `make test`. Run it with `make bench-peers` (benchmarks) and
// `make test-peers` (the tests that check the peers produce what the
// benchmarks claim, and the share-id edge cases).
package peers
