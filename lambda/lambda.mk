# lambda/lambda.mk — the Lambda handler's targets, included by the main
# Makefile (which defines GO and BENCHTIME).
#
#   make run               local server over the handler; graphsim in-process unless GRAPH_BASE_URL is set
#   make lambda            dist/bootstrap-arm64.zip and dist/bootstrap-amd64.zip
#   make lambda-test       the handler's Go tests with -race (make test runs them through `unit`)
#   make graphclient-test  Microsoft's JS Graph client against lambda/cmd/local (part of make test)
#   make lambda-bench      handler CPU, loopback load, cold start, bootstrap size (part of make bench)
#   make build-SharelinkFunction   what `sam build` calls (BuildMethod: makefile)

LAMBDA_DIST      ?= dist
LAMBDA_ARCHES    := arm64 amd64
LAMBDA_TAGS      := lambda.norpc
LAMBDA_LDFLAGS   := -s -w
LAMBDA_MAX_BYTES := 12582912
# LAMBDA_BUILD is how every deployed bootstrap is built (set GOARCH before it).
LAMBDA_BUILD     = CGO_ENABLED=0 GOOS=linux $(GO) build -tags $(LAMBDA_TAGS) -trimpath -ldflags='$(LAMBDA_LDFLAGS)'
GRAPHCLIENT_DIR  := tests/graphclient

.PHONY: run lambda lambda-test graphclient-test lambda-bench build-SharelinkFunction

EXTRA_TESTS += graphclient-test
EXTRA_BENCH += lambda-bench

## run: the Lambda handler behind net/http on PORT (default 8080). Built,
## then run (not go run, which turns Ctrl-C into exit status 1).
run:
	@mkdir -p $(LAMBDA_DIST)/run
	@$(GO) build -o $(LAMBDA_DIST)/run/sharelink-local ./lambda/cmd/local
	@$(LAMBDA_DIST)/run/sharelink-local

## lambda: one zip per architecture, each holding the static bootstrap.
lambda:
	@mkdir -p $(LAMBDA_DIST)
	@for arch in $(LAMBDA_ARCHES); do \
	  d=$(LAMBDA_DIST)/$$arch; mkdir -p $$d; \
	  GOARCH=$$arch $(LAMBDA_BUILD) -o $$d/bootstrap ./lambda/cmd/bootstrap || exit 1; \
	  size=$$(wc -c < $$d/bootstrap); \
	  if [ $$size -gt $(LAMBDA_MAX_BYTES) ]; then echo "$$d/bootstrap is $$size bytes, over 12 MB"; exit 1; fi; \
	  rm -f $(LAMBDA_DIST)/bootstrap-$$arch.zip; \
	  if command -v zip >/dev/null; then (cd $$d && zip -q -X ../bootstrap-$$arch.zip bootstrap) || exit 1; \
	  else (cd $$d && python3 -m zipfile -c ../bootstrap-$$arch.zip bootstrap) || exit 1; fi; \
	  echo "$(LAMBDA_DIST)/bootstrap-$$arch.zip: bootstrap $$size bytes, zip $$(wc -c < $(LAMBDA_DIST)/bootstrap-$$arch.zip) bytes"; \
	done

## build-SharelinkFunction: sam build runs this with ARTIFACTS_DIR set.
build-SharelinkFunction:
	GOARCH=arm64 $(LAMBDA_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./lambda/cmd/bootstrap

lambda-test:
	$(GO) test -race -count=1 ./lambda/...

## graphclient-test: npm ci (the committed lock), then node --test.
graphclient-test:
	@command -v node >/dev/null || { echo "graphclient-test needs Node.js 20+ and npm"; exit 1; }
	cd $(GRAPHCLIENT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(LAMBDA_DIST)/test
	$(GO) build -o $(LAMBDA_DIST)/test/sharelink-local ./lambda/cmd/local
	cd $(GRAPHCLIENT_DIR) && SHARELINK_LOCAL_BIN=$(CURDIR)/$(LAMBDA_DIST)/test/sharelink-local node --test

## lambda-bench: figures for BENCHMARKS.md; loopback only, bounded.
lambda-bench: lambda
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./lambda/
	@mkdir -p $(LAMBDA_DIST)/bench
	$(GO) build -trimpath -ldflags='$(LAMBDA_LDFLAGS)' -o $(LAMBDA_DIST)/bench/sharelink-local ./lambda/cmd/local
	$(GO) run ./lambda/cmd/loadgen
	$(GO) run ./lambda/cmd/loadgen -coldstart $(LAMBDA_DIST)/bench/sharelink-local -runs 20
