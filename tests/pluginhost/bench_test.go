package pluginhost_test

import (
	"context"
	extism "github.com/extism/go-sdk"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/pluginhost"
)

// BenchmarkCall is each export's warm call on one instance, against noop
// (the empty export: the floor of a call into this module on this host).
// x-floor is ns/op over noop's ns/op; x-floor-in over the ns/op of noop
// given the same input (the host's cost of passing that input in, which
// any export pays, is then in the floor too); x-native over native core's
// ns/op for the same operation and input (ops.Do), timed just before.
func BenchmarkCall(b *testing.B) {
	in, p, cfg := benchSetup(b)
	ctx := context.Background()
	var floor float64
	for _, c := range in.Inputs {
		var input []byte
		if c.Input != nil {
			input = []byte(*c.Input)
		}
		if r, err := pluginhost.Call(ctx, p, c.Export, input); err != nil || r.Err != nil {
			b.Fatalf("%s: %v %s", c.Export, err, r.Err)
		}
		var floorIn float64
		if c.Export != "noop" {
			b.Run("noop-with-"+c.Export+"-input", func(b *testing.B) {
				for b.Loop() {
					p.CallWithContext(ctx, "noop", input)
				}
				floorIn = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			})
		}
		native, err := pluginhost.TimeNative(c.Export, input, &cfg, 200*time.Millisecond)
		if err != nil {
			b.Fatalf("%s natively: %s", c.Export, ops.ErrorText(err))
		}
		b.Run(c.Export, func(b *testing.B) {
			for b.Loop() {
				p.CallWithContext(ctx, c.Export, input)
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if c.Export == "noop" {
				floor = ns
			}
			if floor > 0 {
				b.ReportMetric(ns/floor, "x-floor")
			}
			if floorIn > 0 {
				b.ReportMetric(ns/floorIn, "x-floor-in")
			}
			if c.Export != "noop" {
				b.ReportMetric(ns/native, "x-native")
			}
		})
	}
	// create_link through the host's HTTP against a local server that
	// answers a fixed permission: the plugin's part plus a loopback round trip.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		io.WriteString(w, `{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://x.example/s"}}`)
	}))
	defer srv.Close()
	hp, err := pluginhost.Instance(ctx, compiled, map[string]string{"graph_base_url": srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	defer hp.Close(ctx)
	hp.AllowedHosts = []string{"127.0.0.1"}
	input := []byte(`{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization"},"token":"t0ken"}`)
	if r, err := pluginhost.Call(ctx, hp, "create_link", input); err != nil || r.Err != nil {
		b.Fatalf("create_link: %v %s", err, r.Err)
	}
	b.Run("create_link+loopback-http", func(b *testing.B) {
		for b.Loop() {
			hp.CallWithContext(ctx, "create_link", input)
		}
	})
}

// BenchmarkRatio is each export's per-call time against noop given the
// same input (x-floor-in) and against native core doing the same
// operation (x-native), the three timed in alternating slices, ROUNDS of
// each, the fastest slice of each taken: on a shared machine a ratio from
// one run of interleaved slices is what can be compared. Its ns/op is the
// export's fastest slice. Run it with -benchtime 1x or more: each
// sub-benchmark measures once (≈ 1.5 s).
func BenchmarkRatio(b *testing.B) {
	in, p, cfg := benchSetup(b)
	ctx := context.Background()
	const rounds, slice = 5, 100 * time.Millisecond
	// timed is the ns/op of calling export for about slice.
	timed := func(export string, input []byte) float64 {
		n := 0
		start := time.Now()
		for batch := 16; ; batch *= 2 {
			for range batch {
				p.CallWithContext(ctx, export, input)
			}
			n += batch
			if el := time.Since(start); el >= slice {
				return float64(el.Nanoseconds()) / float64(n)
			}
		}
	}
	for _, c := range in.Inputs {
		if c.Export == "noop" {
			continue
		}
		var input []byte
		if c.Input != nil {
			input = []byte(*c.Input)
		}
		if r, err := pluginhost.Call(ctx, p, c.Export, input); err != nil || r.Err != nil {
			b.Fatalf("%s: %v %s", c.Export, err, r.Err)
		}
		b.Run(c.Export, func(b *testing.B) {
			export, floorIn, native := math.Inf(1), math.Inf(1), math.Inf(1)
			for range rounds {
				ns, err := pluginhost.TimeNative(c.Export, input, &cfg, slice)
				if err != nil {
					b.Fatal(err)
				}
				native = min(native, ns)
				export = min(export, timed(c.Export, input))
				floorIn = min(floorIn, timed("noop", input))
			}
			b.ReportMetric(export, "ns/op")
			b.ReportMetric(floorIn, "ns-floor-in")
			b.ReportMetric(export/floorIn, "x-floor-in")
			b.ReportMetric(export/native, "x-native")
		})
	}
}

// BenchmarkInstance is a new instance of the compiled plugin (new), and a
// new instance ready to answer: its first call runs the Go runtime's
// initialisation (_initialize) — new+init.
func BenchmarkInstance(b *testing.B) {
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			p, err := compiled.Instance(ctx, pluginhost.InstanceConfig())
			if err != nil {
				b.Fatal(err)
			}
			p.Close(ctx)
		}
	})
	b.Run("new+init", func(b *testing.B) {
		for b.Loop() {
			p, err := compiled.Instance(ctx, pluginhost.InstanceConfig())
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := p.Call("noop", nil); err != nil {
				b.Fatal(err)
			}
			p.Close(ctx)
		}
	})
}

// BenchmarkCompile is NewCompiledPlugin: cold (no cache), and from a
// warm wazero file cache in a new process (cmd/wasmcache, the way a
// service starts): ms-compile is what that process measured around
// NewCompiledPlugin, ms-process the whole process.
func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			cp, err := pluginhost.Compile(ctx, wasm, pluginhost.Options{})
			if err != nil {
				b.Fatal(err)
			}
			cp.Close(ctx)
		}
	})
	dir := b.TempDir()
	tool := filepath.Join(dir, "wasmcache")
	build := exec.Command(pluginhost.GoTool(), "build", "-o", tool, "./tests/pluginhost/cmd/wasmcache")
	build.Dir = pluginhost.Root()
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	mod := filepath.Join(dir, "sharelink.wasm")
	if err := os.WriteFile(mod, wasm, 0o644); err != nil {
		b.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	if out, err := exec.Command(tool, "-cache", cache, mod).CombinedOutput(); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	b.Run("cached-new-process", func(b *testing.B) {
		var compile, total time.Duration
		for b.Loop() {
			start := time.Now()
			out, err := exec.Command(tool, "-cache", cache, mod).Output()
			total += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			d, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(string(out), "compiled in ")))
			if err != nil {
				b.Fatalf("%q: %v", out, err)
			}
			compile += d
		}
		b.ReportMetric(float64(compile.Microseconds())/1e3/float64(b.N), "ms-compile")
		b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms-process")
	})
}

// BenchmarkModuleSize reports the module's size (the build of TestMain,
// the same flags as make plugin).
func BenchmarkModuleSize(b *testing.B) {
	for b.Loop() {
	}
	b.ReportMetric(float64(len(wasm)), "bytes")
	b.ReportMetric(float64(len(wasm))/(1<<20), "MiB")
}

// benchSetup is what the per-call benchmarks share: the inputs, one
// instance with their config (closed when b ends) and the same config
// read natively, for native core's timings.
func benchSetup(b *testing.B) (*pluginhost.BenchInputs, *extism.Plugin, ops.Config) {
	in, err := pluginhost.LoadBenchInputs()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	p, err := pluginhost.Instance(ctx, compiled, in.Config)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Close(ctx) })
	cfg, err := ops.ParseConfig(func(k string) (string, bool) { v, ok := in.Config[k]; return v, ok }, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	return in, p, cfg
}
