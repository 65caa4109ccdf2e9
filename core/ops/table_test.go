package ops

import (
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
)

// The table of operations is the one list: names unique, the version
// document lists them all in order, every kind has what it needs.
func TestOperationTable(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range Operations() {
		if o.Name == "" || seen[o.Name] {
			t.Errorf("empty or repeated operation name %q", o.Name)
		}
		seen[o.Name] = true
		switch o.Kind {
		case KindPure:
			if o.run == nil {
				t.Errorf("%s: a pure operation without run", o.Name)
			}
		case KindSend:
			w, err := Lookup(o.Wraps)
			if o.Send == nil || err != nil || w.Kind != KindPure || w.Clock != o.Clock {
				t.Errorf("%s: a send operation must wrap a pure build operation with the same clock need", o.Name)
			}
			if _, err := o.Do([]byte(`{}`), &Config{}); core.AsError(err).Target != "op" {
				t.Errorf("%s: Do without a host: %v", o.Name, err)
			}
		}
	}
	want := `{"version":"` + Version + `","exports":["` + strings.Join(Names(), `","`) + `"]}`
	if got := string(VersionInfo()); got != want {
		t.Errorf("VersionInfo() = %s, want %s", got, want)
	}
	if _, err := Do("nope", nil, &Config{}); core.AsError(err).Status != 404 {
		t.Errorf("an unknown operation: %v", err)
	}
	if got := string(ErrorText(core.Invalid("x", "bad"))); got != `{"error":{"code":"invalidRequest","message":"bad","target":"x"},"status":400}` {
		t.Errorf("ErrorText: %s", got)
	}
}
