// Package pluginhost builds sharelink's WASM plugin and loads it in the
// Extism Go SDK, for the tests and benchmarks that check the plugin gives
// the same bytes as native core (host_test.go) and for the JS host's
// native reference (cmd/native).
package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/vectors"
	"github.com/tetratelabs/wazero"
)

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// GoTool is the go command: $GO (make passes its own), else go on PATH.
func GoTool() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// Module returns the plugin module to test: $SHARELINK_WASM when make
// passes the one module it built for the whole run, else a module built
// into dir by `make plugin`, so that the build flags stay in one place
// (plugin/plugin.mk's PLUGIN_FLAGS).
func Module(dir string) (string, error) {
	if p := os.Getenv("SHARELINK_WASM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("SHARELINK_WASM: %v", err)
		}
		return p, nil
	}
	out := filepath.Join(dir, "sharelink.wasm")
	cmd := exec.Command("make", "--no-print-directory", "-s", "plugin", "PLUGIN_WASM="+out, "GO="+GoTool())
	cmd.Dir = Root()
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the plugin: %v\n%s", err, b)
	}
	return out, nil
}

// Options are the Go host's choices for loading the plugin.
type Options struct {
	CacheDir     string   // wazero compilation cache folder; "" compiles in memory only
	AllowedHosts []string // hosts create_link and grant may reach
	Config       map[string]string
}

// Compile loads wasm into a new wazero runtime: WASI on (a standard-Go
// module needs it) and HTTP response headers on (create_link and grant
// read Retry-After). Close the result when done.
func Compile(ctx context.Context, wasm []byte, o Options) (*extism.CompiledPlugin, error) {
	rc := wazero.NewRuntimeConfig()
	if o.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(o.CacheDir)
		if err != nil {
			return nil, err
		}
		rc = rc.WithCompilationCache(cache)
	}
	m := extism.Manifest{
		Wasm:         []extism.Wasm{extism.WasmData{Data: wasm, Name: "main"}},
		AllowedHosts: o.AllowedHosts,
		Config:       o.Config,
	}
	return extism.NewCompiledPlugin(ctx, m, extism.PluginConfig{
		EnableWasi:                true,
		EnableHttpResponseHeaders: true,
		RuntimeConfig:             rc,
	}, nil)
}

// InstanceConfig gives an instance the system clock: wazero's default is
// a fake one that starts at 2022-01-01, which the plugin refuses for the
// exports that need the time (unless the config key now is set).
func InstanceConfig() extism.PluginInstanceConfig {
	return extism.PluginInstanceConfig{ModuleConfig: wazero.NewModuleConfig().WithSysWalltime().WithSysNanotime()}
}

// Instance is one plugin instance with its own config (nil: the
// manifest's). An instance runs one call at a time.
func Instance(ctx context.Context, cp *extism.CompiledPlugin, config map[string]string) (*extism.Plugin, error) {
	p, err := cp.Instance(ctx, InstanceConfig())
	if err != nil {
		return nil, err
	}
	if config != nil {
		p.Config = config
	}
	return p, nil
}

// Result is what an export gave: output bytes, or the error text.
type Result struct {
	Output []byte
	Err    []byte // the plugin's error text: {"error":{...},"status":N,...}
}

// Call runs one export. A trap or a host refusal (not an error the
// plugin set) is returned as err.
func Call(ctx context.Context, p *extism.Plugin, export string, input []byte) (Result, error) {
	rc, out, err := p.CallWithContext(ctx, export, input)
	if err != nil {
		text := err.Error()
		if rc == 1 && strings.HasPrefix(text, `{"error":`) {
			return Result{Err: []byte(text)}, nil
		}
		return Result{}, err
	}
	if rc != 0 {
		return Result{}, fmt.Errorf("%s returned %d without an error", export, rc)
	}
	return Result{Output: out}, nil
}

// ErrParts reads the status, code and target of an error text.
func ErrParts(text []byte) (*vectors.ErrParts, error) {
	var e struct {
		Status int `json:"status"`
		Error  struct {
			Code   string `json:"code"`
			Target string `json:"target"`
		} `json:"error"`
	}
	if err := json.Unmarshal(text, &e); err != nil {
		return nil, fmt.Errorf("error text is not JSON: %v: %s", err, text)
	}
	if e.Status == 0 || e.Error.Code == "" {
		return nil, fmt.Errorf("error text lacks status or code: %s", text)
	}
	return &vectors.ErrParts{Status: e.Status, Code: e.Error.Code, Target: e.Error.Target}, nil
}

// ErrorText is the error text the plugin sets for err: the Graph error
// body with the status beside it (ops.ErrorText).
func ErrorText(err error) []byte { return ops.ErrorText(err) }

// Native runs a vector's operation in native core the way the plugin does
// in a host: config from the vector, the clock when it sets no "now". The
// result is what the plugin must give, byte for byte.
func Native(v *vectors.Vector, clock func() time.Time) Result {
	cfg, err := ops.ParseConfig(v.ConfigValue, clock)
	var out []byte
	if err == nil {
		out, err = ops.Do(v.Op, v.InputBytes(), &cfg)
	}
	if err != nil {
		return Result{Err: ErrorText(err)}
	}
	return Result{Output: out}
}

// ConfigKey identifies a vector's config, for sharing one instance among
// the vectors that have the same.
func ConfigKey(c map[string]string) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Quote(k))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(c[k]))
		b.WriteByte(';')
	}
	return b.String()
}

// BenchInputs are testdata/bench.json: one representative input per
// export, shared by the Go host's benchmark and the JS host's
// (tests/jshost/bench.mjs), with the config they run under.
type BenchInputs struct {
	Config map[string]string `json:"config"`
	Inputs []struct {
		Export string  `json:"export"`
		Input  *string `json:"input"`
	} `json:"inputs"`
}

// LoadBenchInputs reads testdata/bench.json.
func LoadBenchInputs() (*BenchInputs, error) {
	raw, err := os.ReadFile(filepath.Join(Root(), "tests", "pluginhost", "testdata", "bench.json"))
	if err != nil {
		return nil, err
	}
	var in BenchInputs
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("bench.json: %v", err)
	}
	return &in, nil
}

// Input is the bench input of export (nil for one that takes none).
func (b *BenchInputs) Input(export string) ([]byte, bool) {
	for _, c := range b.Inputs {
		if c.Export == export {
			if c.Input == nil {
				return nil, true
			}
			return []byte(*c.Input), true
		}
	}
	return nil, false
}

// TimeNative is native core's ns/op for export's operation on input
// (ops.Do, warm), run for about d: the reference each host's figure is
// compared with.
func TimeNative(export string, input []byte, cfg *ops.Config, d time.Duration) (float64, error) {
	op, err := ops.Lookup(export)
	if err != nil {
		return 0, err
	}
	if _, err := op.Do(input, cfg); err != nil {
		return 0, err
	}
	n := 0
	start := time.Now()
	for batch := 64; ; batch *= 2 {
		for range batch {
			op.Do(input, cfg)
		}
		n += batch
		if el := time.Since(start); el >= d {
			return float64(el.Nanoseconds()) / float64(n), nil
		}
	}
}
