package ops_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core/ops"
)

// BenchmarkOps is each operation on the plugin benchmarks' input
// (tests/pluginhost/testdata/bench.json), natively: the work an export
// does in the plugin, with its allocations (each costs far more in a
// standard-Go WASM module than natively).
func BenchmarkOps(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "tests", "pluginhost", "testdata", "bench.json"))
	if err != nil {
		b.Fatal(err)
	}
	var in struct {
		Config map[string]string `json:"config"`
		Inputs []struct {
			Export string  `json:"export"`
			Input  *string `json:"input"`
		} `json:"inputs"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		b.Fatal(err)
	}
	cfg, err := ops.ParseConfig(func(k string) (string, bool) { v, ok := in.Config[k]; return v, ok }, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range in.Inputs {
		if c.Input == nil {
			continue
		}
		op, err := ops.Lookup(c.Export)
		if err != nil {
			b.Fatal(err)
		}
		input := []byte(*c.Input)
		b.Run(c.Export, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := op.Do(input, &cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
