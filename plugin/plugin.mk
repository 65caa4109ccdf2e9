# plugin/: the Extism WASM plugin, its Go host tests (tests/pluginhost, run
# by `make unit` with every other Go test) and its JS host tests
# (tests/jshost). Included by the main Makefile.
#
#   make plugin         dist/sharelink.wasm (standard Go, a WASI reactor)
#   make plugin-lint    vet and staticcheck of plugin/ as built for wasip1
#   make plugin-js      npm ci, then the JS host tests (vectors, soak, edge, http)
#   make plugin-bench   Go host and JS host benchmarks, module size
PLUGIN_WASM   := dist/sharelink.wasm
PLUGIN_GOENV  := GOOS=wasip1 GOARCH=wasm
PLUGIN_FLAGS  := -buildmode=c-shared -trimpath -ldflags='-s -w'
JSHOST        := tests/jshost
NPM           ?= npm
NODE          ?= node

.PHONY: plugin plugin-lint plugin-js plugin-js-deps plugin-bench plugin-bench-go plugin-bench-js

EXTRA_TESTS += plugin-lint plugin-js
EXTRA_BENCH += plugin-bench

## plugin: build dist/sharelink.wasm. Always runs go build (its cache makes
## an unchanged build instant), so the module is never stale.
plugin:
	@mkdir -p $(dir $(PLUGIN_WASM))
	$(PLUGIN_GOENV) $(GO) build $(PLUGIN_FLAGS) -o $(PLUGIN_WASM) ./plugin
	@echo "$(PLUGIN_WASM): $$(wc -c < $(PLUGIN_WASM)) bytes"

## plugin-lint: the wasip1 files are invisible to `go vet ./...` on the
## host. staticcheck is built for the host (into dist/tools) and analyses
## ./plugin as built for wasip1.
plugin-lint:
	$(PLUGIN_GOENV) $(GO) vet ./plugin
	GOBIN=$(CURDIR)/dist/tools $(GO) install $(STATICCHECK)
	$(PLUGIN_GOENV) dist/tools/staticcheck ./plugin

## plugin-js-deps: node_modules from the committed lock file.
plugin-js-deps:
	cd $(JSHOST) && $(NPM) ci --no-audit --no-fund

## plugin-js: the JS host tests against dist/sharelink.wasm.
plugin-js: plugin plugin-js-deps
	cd $(JSHOST) && SHARELINK_WASM=$(CURDIR)/$(PLUGIN_WASM) GO=$(GO) $(NPM) test

plugin-bench: plugin-bench-go plugin-bench-js

plugin-bench-go:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./tests/pluginhost/

plugin-bench-js: plugin plugin-js-deps
	cd $(JSHOST) && SHARELINK_WASM=$(CURDIR)/$(PLUGIN_WASM) $(NODE) --disable-warning=ExperimentalWarning bench.mjs
