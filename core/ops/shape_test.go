package ops_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/vectors"
)

// TestShapeVectors runs the shaping vectors through ShapePermission and
// ShapeError directly, so they are proven without the rest of Do.
func TestShapeVectors(t *testing.T) {
	for _, file := range []string{"permission.json", "graph_error.json"} {
		b, err := os.ReadFile(filepath.Join(vectors.Dir(), file))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var vs []vectors.Vector
		if err := dec.Decode(&vs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		valid, invalid := 0, 0
		for _, v := range vs {
			t.Run(v.Name, func(t *testing.T) {
				cfg, err := ops.ParseConfig(v.ConfigValue, nil)
				if err != nil {
					t.Fatalf("config: %v", err)
				}
				var got []byte
				switch v.Op {
				case "shape_permission":
					got, err = ops.ShapePermission(v.InputBytes())
				case "shape_error":
					got, err = ops.ShapeError(v.InputBytes(), cfg.Now)
				default:
					t.Fatalf("op %q is not a shaping op", v.Op)
				}
				var parts *vectors.ErrParts
				if err != nil {
					e := core.AsError(err)
					parts = &vectors.ErrParts{Status: e.Status, Code: e.Code, Target: e.Target}
				}
				if msg := v.CheckParts(got, parts); msg != "" {
					t.Fatal(msg)
				}
			})
			if v.Error != nil {
				invalid++
			} else {
				valid++
			}
		}
		t.Logf("%s: %d valid, %d invalid", file, valid, invalid)
	}
}

// TestShapeOutputsAreJSON: every output of the shaping ops is one JSON
// object, whatever the vector.
func TestShapeOutputsAreJSON(t *testing.T) {
	out, err := ops.ShapePermission([]byte(`{"status":200,"body":{"value":[{"id":"a","link":{"scope":"users"}}]}}`))
	if err != nil || !json.Valid(out) {
		t.Fatalf("%s %v", out, err)
	}
	if want := `{"permissions":[{"id":"a","link":{"scope":"users"}}],"kinds":["link"],"link":{"id":"a","link":{"scope":"users"}}}`; string(out) != want {
		t.Fatalf("got %s\nwant %s", out, want)
	}
}
