# plugin/: the Extism WASM plugin, its Go host tests (tests/pluginhost, run
# by `make unit` with every other Go test) and its JS host tests
# (tests/jshost). Included by the main Makefile.
#
#   make plugin         dist/sharelink.wasm (standard Go, a WASI reactor)
#   make plugin-lint    vet and staticcheck of plugin/ as built for wasip1
#   make plugin-js      npm ci, then the JS host tests (vectors, soak, edge, http)
#   make plugin-bench   Go host and JS host benchmarks, module size
PLUGIN_WASM   := dist/sharelink.wasm
# PLUGIN_MOD: the module file the plugin is built with (go build -modfile):
# go.mod, with github.com/tidwall/pretty replaced by a copy in which its
# one encoding/json call is plugin/pretty's sharelinkUnquote.
# gjson imports pretty for its @pretty modifier, which sharelink never
# uses, and that call alone keeps encoding/json, reflect and fmt in the
# module (≈ 0.85 MB); sharelinkUnquote gives the same string for every
# input (its tests check it against encoding/json). Made from go.mod, go.sum
# and the pretty of the module cache at each build; a pretty whose source
# no longer has that call stops the build.
PLUGIN_MOD    := dist/plugin-mod
PLUGIN_GOENV  := GOOS=wasip1 GOARCH=wasm
PLUGIN_FLAGS  := -buildmode=c-shared -trimpath -ldflags='-s -w' -modfile=$(CURDIR)/$(PLUGIN_MOD)/go.mod
JSHOST        := tests/jshost
NPM           ?= npm
NODE          ?= node

.PHONY: plugin plugin-mod plugin-lint plugin-js plugin-js-deps plugin-bench plugin-bench-go plugin-bench-js

EXTRA_TESTS += plugin-lint plugin-js
EXTRA_BENCH += plugin-bench

## plugin: build dist/sharelink.wasm. Always runs go build (its cache makes
## an unchanged build instant), so the module is never stale.
plugin: plugin-mod
	@mkdir -p $(dir $(PLUGIN_WASM))
	$(PLUGIN_GOENV) $(GO) build $(PLUGIN_FLAGS) -o $(PLUGIN_WASM) ./plugin
	@echo "$(PLUGIN_WASM): $$(wc -c < $(PLUGIN_WASM)) bytes"

plugin-mod:
	@set -e; $(GO) mod download github.com/tidwall/pretty; dir=$$($(GO) list -m -f '{{.Dir}}' github.com/tidwall/pretty); out=$(CURDIR)/$(PLUGIN_MOD); \
	  mkdir -p $(dir $(PLUGIN_MOD)); tmp=$$(mktemp -d $(CURDIR)/$(PLUGIN_MOD).tmp.XXXXXX); \
	  cp -R $$dir $$tmp/pretty; chmod -R u+w $$tmp/pretty; \
	  sed -e 's|json\.Unmarshal(s, &str)|str = sharelinkUnquote(s)|' -e '/^[[:space:]]*"encoding\/json"$$/d' $$dir/pretty.go > $$tmp/pretty/pretty.go; \
	  if [ "$$(grep -c 'str = sharelinkUnquote(s)' $$tmp/pretty/pretty.go)" != 1 ] || grep -q 'encoding/json\|json\.[A-Z]' $$tmp/pretty/pretty.go; then \
	    rm -rf $$tmp; echo "plugin-mod: $$dir/pretty.go is not the one plugin/plugin.mk knows: review the replacement"; exit 1; fi; \
	  cp plugin/pretty/unquote.go $$tmp/pretty/sharelink_unquote.go; \
	  cp go.sum $$tmp/go.sum; { cat go.mod; echo; echo "replace github.com/tidwall/pretty => $$out/pretty"; } > $$tmp/go.mod; \
	  if diff -r $$tmp $$out >/dev/null 2>&1; then rm -rf $$tmp; else rm -rf $$out; mv $$tmp $$out; fi

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
