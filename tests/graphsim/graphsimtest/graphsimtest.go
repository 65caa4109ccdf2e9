// Package graphsimtest starts graphsim for a test, the way net/http/httptest
// starts a server: it is the one package of graphsim that imports testing,
// so that the binaries graphsim ships in (make run's) never link it.
package graphsimtest

import (
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// Serve starts a Sim of the demo seed on a loopback port and closes it
// when the test ends: the set-up every suite against graphsim begins with.
func Serve(tb testing.TB) (*graphsim.Sim, string) {
	tb.Helper()
	sim := graphsim.New(graphsim.DemoSeed())
	base, closeFn, err := graphsim.Serve(sim, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = closeFn() })
	return sim, base
}
