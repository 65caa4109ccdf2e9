package pluginhost_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/sharelink/sharelink/tests/pluginhost"
	"github.com/sharelink/sharelink/tests/vectors"
)

// wasm is the plugin, built by TestMain with the Go running the tests;
// compiled is it loaded once in the Go SDK, shared by the tests.
var (
	wasm     []byte
	compiled *extism.CompiledPlugin
	cacheDir string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sharelink-pluginhost-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	out, err := pluginhost.Module(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if wasm, err = os.ReadFile(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cacheDir = filepath.Join(dir, "wazero-cache")
	ctx := context.Background()
	if compiled, err = pluginhost.Compile(ctx, wasm, pluginhost.Options{CacheDir: cacheDir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer compiled.Close(ctx)
	return m.Run()
}

// instances hands out one instance per vector config, created on demand;
// not safe for concurrent use (each goroutine has its own).
type instances struct {
	t  testing.TB
	by map[string]*extism.Plugin
}

func newInstances(t testing.TB) *instances {
	is := &instances{t: t, by: map[string]*extism.Plugin{}}
	t.Cleanup(func() {
		for _, p := range is.by {
			p.Close(context.Background())
		}
	})
	return is
}

func (is *instances) get(cfg map[string]string) *extism.Plugin {
	key := pluginhost.ConfigKey(cfg)
	if p, ok := is.by[key]; ok {
		return p
	}
	p, err := pluginhost.Instance(context.Background(), compiled, cfg)
	if err != nil {
		is.t.Fatal(err)
	}
	is.by[key] = p
	return p
}

// want is what native core gives for v, as the plugin reports it.
func want(v *vectors.Vector) pluginhost.Result { return pluginhost.Native(v, time.Now) }

// check runs v through p and compares with the vector and, byte for byte,
// with native core.
func check(ctx context.Context, p *extism.Plugin, v *vectors.Vector) error {
	got, err := pluginhost.Call(ctx, p, v.Op, v.InputBytes())
	if err != nil {
		return fmt.Errorf("call failed: %v", err)
	}
	var parts *vectors.ErrParts
	if got.Err != nil {
		if parts, err = pluginhost.ErrParts(got.Err); err != nil {
			return err
		}
	}
	if v.Op != "version" {
		if msg := v.CheckParts(got.Output, parts); msg != "" {
			return fmt.Errorf("against the vector: %s", msg)
		}
	}
	w := want(v)
	if !bytes.Equal(got.Output, w.Output) || !bytes.Equal(got.Err, w.Err) {
		return fmt.Errorf("plugin differs from native core\nplugin: %s%s\nnative: %s%s", got.Output, got.Err, w.Output, w.Err)
	}
	return nil
}

// TestVectors runs every vector of tests/vectors through the plugin in the
// Go SDK: the plugin's bytes must be native core's, output and error text.
func TestVectors(t *testing.T) {
	all, err := vectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no vectors")
	}
	is := newInstances(t)
	ctx := context.Background()
	for i := range all {
		v := &all[i]
		t.Run(v.Name, func(t *testing.T) {
			if err := check(ctx, is.get(v.ConfigStrings()), v); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestConcurrent runs the exports from 8 goroutines at once, each with its
// own instances of the one compiled plugin, the vectors in a different
// order per goroutine. It takes the vectors of the most common configs
// (most of them): an instance per config per goroutine costs more than
// the calls under the race detector.
func TestConcurrent(t *testing.T) {
	all, err := vectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	all = commonConfigs(all, 3)
	const workers, rounds = 8, 2
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			is := &instances{t: t, by: map[string]*extism.Plugin{}}
			defer func() {
				for _, p := range is.by {
					p.Close(context.Background())
				}
			}()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			order := rng.Perm(len(all))
			ctx := context.Background()
			for range rounds {
				for _, i := range order {
					cfg := all[i].ConfigStrings()
					key := pluginhost.ConfigKey(cfg)
					p := is.by[key]
					if p == nil {
						var err error
						if p, err = pluginhost.Instance(ctx, compiled, cfg); err != nil {
							errs <- err
							return
						}
						is.by[key] = p
					}
					if err := check(ctx, p, &all[i]); err != nil {
						errs <- fmt.Errorf("goroutine %d, %s: %v", w, all[i].Name, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// commonConfigs keeps the vectors of the n most common configs.
func commonConfigs(all []vectors.Vector, n int) []vectors.Vector {
	count := map[string]int{}
	for i := range all {
		count[pluginhost.ConfigKey(all[i].ConfigStrings())]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	keep := map[string]bool{}
	for _, k := range keys[:min(n, len(keys))] {
		keep[k] = true
	}
	var out []vectors.Vector
	for i := range all {
		if keep[pluginhost.ConfigKey(all[i].ConfigStrings())] {
			out = append(out, all[i])
		}
	}
	return out
}
