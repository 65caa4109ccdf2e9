# Peer comparisons for issue 6 ("Against peers"). tests/peers is a module of
# its own: it pulls in msgraph-sdk-go, whose models package takes minutes
# and gigabytes to compile, so it stays out of the main go.mod and out of
# `make test`. Included from the top-level Makefile; paths are relative to
# the repository root.
GO        ?= go
BENCHTIME ?= 1s
PEERS_COUNT ?= 5

.PHONY: bench-peers test-peers

## bench-peers: core against msgraph-sdk-go (Kiota) and the standard
## library, side by side in one run. Compare ratios within one run: the
## machine is shared. benchstat summarises the -count runs.
bench-peers:
	cd tests/peers && $(GO) test -run '^$$' -bench . -benchmem -count=$(PEERS_COUNT) -benchtime $(BENCHTIME) .

## test-peers: the checks behind the benchmarks (every contender reads or
## writes what it is timed on), the SDK's createLink bytes, and the share ids
## the one-'='/first-'/' port gets wrong; -v prints the bytes and ids.
test-peers:
	cd tests/peers && $(GO) vet ./... && $(GO) test -count=1 -v .
