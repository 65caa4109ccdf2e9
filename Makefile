# sharelink — the README's two commands are `make run` and `make test`.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 60s
FUZZ_PKGS   ?= ./core ./internal/jsontext ./lambda ./tests/graphsim
BENCHTIME   ?= 1s

.PHONY: help test lint unit bench fuzz

# Each shipped part keeps its own targets beside its code and adds to
# EXTRA_TESTS (run by make test) and EXTRA_BENCH (run by make bench).
.DEFAULT_GOAL := test
EXTRA_TESTS :=
EXTRA_BENCH :=
include lambda/lambda.mk plugin/plugin.mk tests/peers/peers.mk tests/soak/soak.mk

## help: this list: every target with a '## name:' line, in this file and the included ones.
help:
	@awk '/^## [a-zA-Z0-9_-]+:/ { sub(/^## /, ""); n = index($$0, ":"); printf "  %-24s %s\n", substr($$0, 1, n - 1), substr($$0, n + 2); on = 1; next } \
	  on && /^## / { sub(/^## /, ""); printf "  %-24s %s\n", "", $$0; next } { on = 0 }' $(MAKEFILE_LIST)

## test: formatting, vet, staticcheck and every test with the race detector.
test: lint unit $(EXTRA_TESTS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	GOARCH=386 $(GO) build ./core/... ./internal/...  # core is a library: 32-bit hosts too

## unit: every Go test with -race; the plugin module is built once (make plugin) and passed to the tests that load it.
unit: plugin
	SHARELINK_WASM=$(abspath $(PLUGIN_WASM)) $(GO) test -race -count=1 ./...

## bench: core's benchmarks with allocations; figures go to BENCHMARKS.md.
bench: $(EXTRA_BENCH)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./core/... ./internal/...

## fuzz: each fuzz target for FUZZTIME; the corpus it grows is copied from
## Go's cache into the package's testdata/fuzz, so `go test` replays it.
fuzz:
	@cache=$$($(GO) env GOCACHE)/fuzz/github.com/sharelink/sharelink; \
	for pkg in $(FUZZ_PKGS); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	    src=$$cache/$${pkg#./}/$$t; dst=$$pkg/testdata/fuzz/$$t; \
	    if [ -d $$src ]; then mkdir -p $$dst && cp -n $$src/* $$dst/; fi; \
	  done; \
	done
