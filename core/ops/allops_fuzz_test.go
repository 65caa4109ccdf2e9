package ops_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/vectors"
)

// FuzzEveryOperation: every operation of the table, on any input, under
// a policy with modes and answer checks, answers JSON or a *core.Error
// with a status from 400 to 599, a code, and a target or a message;
// never a panic. Seeded with every vector, each under its own operation.
func FuzzEveryOperation(f *testing.F) {
	names := ops.Names()
	all, err := vectors.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range all {
		for i, n := range names {
			if v.Op == n {
				f.Add(uint16(i), v.InputBytes())
			}
		}
	}
	for i := range names {
		f.Add(uint16(i), []byte(`{}`))
		f.Add(uint16(i), []byte(`{"method":"POST","path":"/me/drive/items/01AB/invite","body":{"recipients":[{"email":"a@b.co"}],"roles":["read"]}}`))
	}
	p, err := core.ParsePolicy([]byte(`{"mode":"shadow","modes":{"denyAnonymous":"enforce"},"denyAnonymous":true,"maxExpiryDays":30,"expiryAction":"clamp","allowedRoles":["read"],"allowedRecipientDomains":["contoso.com"],"maxRecipients":3,"answers":{"allowedRoles":"report","maxExpiryDays":"refuse"}}`))
	if err != nil {
		f.Fatal(err)
	}
	cfg := ops.Config{Now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), GraphBaseURL: ops.DefaultGraphBaseURL, Policy: p}
	f.Fuzz(func(t *testing.T, op uint16, input []byte) {
		name := names[int(op)%len(names)]
		out, err := ops.Do(name, input, &cfg)
		if err != nil {
			var e *core.Error
			if !errors.As(err, &e) {
				t.Fatalf("%s: %T is not a *core.Error: %v", name, err, err)
			}
			if e.Status < 400 || e.Status > 599 || e.Code == "" || e.Target == "" && e.Message == "" {
				t.Fatalf("%s: error %+v", name, e)
			}
			if !json.Valid(ops.ErrorText(err)) {
				t.Fatalf("%s: error text is not JSON: %q", name, ops.ErrorText(err))
			}
			return
		}
		if name == "noop" && len(out) == 0 { // the bench's empty export
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%s: output is not JSON: %q", name, out)
		}
	})
}
