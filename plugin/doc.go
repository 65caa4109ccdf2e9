// Command plugin is sharelink as an Extism WASM plugin: every operation of
// core/ops as an export, plus create_link and grant, which send the built
// request through the host's HTTP and shape Graph's answer.
//
// Build it with `make plugin` (standard Go, a WASI reactor; the flags are
// plugin/plugin.mk's):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w' -modfile=dist/plugin-mod/go.mod -o dist/sharelink.wasm ./plugin
//
// where dist/plugin-mod/go.mod is go.mod with github.com/tidwall/pretty
// replaced by a copy without encoding/json (see plugin/pretty).
//
// Each export reads its JSON input and writes its JSON output. A failure
// is reported the Extism way: a non-zero return and an error text, which is
// the Graph error body with the HTTP status beside it,
// {"error":{"code","message","target"?},"status":400}. docs/plugin.md
// and plugin/schema.yaml describe each export.
//
// The package builds for wasip1 only; on any other target main says how to
// build it. The logic that does not touch the host (call, sendBuilt) has
// no build constraint and is tested natively.
package main
