package ops_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/vectors"
)

// TestVectors runs every vector of tests/vectors through the native ops:
// the same files the plugin's hosts and the lambda run.
func TestVectors(t *testing.T) {
	all, err := vectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no vectors found")
	}
	for _, v := range all {
		t.Run(v.Name, func(t *testing.T) {
			cfg, err := ops.ParseConfig(v.ConfigValue, nil)
			var got []byte
			if err == nil {
				got, err = ops.Do(v.Op, v.InputBytes(), &cfg)
			}
			var e error
			if err != nil {
				e = core.AsError(err)
			}
			if msg := v.Check(got, e); msg != "" {
				t.Fatal(msg)
			}
			if got != nil && !json.Valid(got) {
				t.Fatalf("output is not JSON: %s", got)
			}
		})
	}
}

// TestVectorFilesAreTidy keeps the files loadable by any host: unique
// names, exactly one expectation each.
func TestVectorFilesAreTidy(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectors.Dir(), "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range raw {
			for k := range r {
				switch k {
				case "name", "op", "config", "input", "inputRaw", "output", "error", "note":
				default:
					t.Errorf("%s: %s: unknown key %q", f, r["name"], k)
				}
			}
		}
	}
}
