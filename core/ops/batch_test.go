package ops_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/vectors"
)

// FuzzBatchAndCheck: build_batch, shape_batch and check_answer, on any
// input, give a JSON output or a core error with an HTTP status; never a
// panic. Seeded with their vectors' inputs.
func FuzzBatchAndCheck(f *testing.F) {
	all, err := vectors.Load()
	if err != nil {
		f.Fatal(err)
	}
	names := []string{"build_batch", "shape_batch", "check_answer"}
	for _, v := range all {
		for i, n := range names {
			if v.Op == n {
				f.Add(uint8(i), v.InputBytes())
			}
		}
	}
	p, err := core.ParsePolicy([]byte(`{"denyAnonymous":true,"maxExpiryDays":30,"expiryAction":"clamp","allowedRoles":["read"],"answers":{"allowedRoles":"report"}}`))
	if err != nil {
		f.Fatal(err)
	}
	cfg := ops.Config{Now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), GraphBaseURL: ops.DefaultGraphBaseURL, Policy: p}
	f.Fuzz(func(t *testing.T, op uint8, input []byte) {
		name := names[int(op)%len(names)]
		out, err := ops.Do(name, input, &cfg)
		if err != nil {
			if e := core.AsError(err); e.Status < 400 || e.Status > 599 || e.Code == "" {
				t.Fatalf("%s: error %+v", name, e)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%s: output is not JSON: %s", name, out)
		}
	})
}
