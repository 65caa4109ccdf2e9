package graphsim

import "testing"

// ServeTest starts a Sim of the demo seed on a loopback port for a test
// and closes it when the test ends: the set-up every suite against
// graphsim begins with.
func ServeTest(tb testing.TB) (*Sim, string) {
	tb.Helper()
	sim := New(DemoSeed())
	base, closeFn, err := Serve(sim, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = closeFn() })
	return sim, base
}
