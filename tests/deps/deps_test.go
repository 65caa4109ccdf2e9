// Package deps holds the architecture's dependency rules as tests, in the
// manner of tailscale's tstest/deptest: each rule is a package, the build
// it is listed for, and the imports it must not reach, read from
// `go list -deps` as the linker would see them.
package deps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "github.com/sharelink/sharelink"

// rule: pkg, built for goos/goarch with tags, must not depend on any
// import path in bad (a path ending in "/..." bans the tree under it).
type rule struct {
	pkg, goos, goarch, tags string
	bad                     []string
	why                     string
}

var rules = []rule{
	{pkg: "./tests/graphsim", bad: []string{mod + "/core/...", mod + "/lambda/...", mod + "/plugin/...", mod + "/internal/..."},
		why: "graphsim is an independent reading of Graph's docs: a test of core against it must compare two readings, not one with itself"},
	{pkg: "./core/...", bad: []string{mod + "/lambda/...", mod + "/plugin/...", mod + "/tests/...", "github.com/aws/...", "github.com/extism/...", "testing"},
		why: "core is the library the adapters share; it depends on none of them"},
	{pkg: "./lambda/cmd/bootstrap", goos: "linux", goarch: "arm64", tags: "lambda.norpc",
		bad: []string{"testing", "net/http/httptest", mod + "/tests/...", "github.com/extism/..."},
		why: "the deployed function links neither the test harness nor the emulator"},
	{pkg: "./lambda/cmd/local", bad: []string{"testing", "net/http/httptest", "github.com/extism/..."},
		why: "make run's binary embeds graphsim, not its test helpers"},
	{pkg: "./plugin", goos: "wasip1", goarch: "wasm",
		bad: []string{"testing", "net/http", "github.com/aws/...", mod + "/lambda/...", mod + "/tests/..."},
		why: "the WASM module is core and go-pdk only: every import is module size"},
}

func TestDependencyRules(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, r := range rules {
		t.Run(r.pkg+"@"+r.goos, func(t *testing.T) {
			args := []string{"list", "-deps"}
			if r.tags != "" {
				args = append(args, "-tags", r.tags)
			}
			cmd := exec.Command(goTool(), append(args, r.pkg)...)
			cmd.Dir = root
			cmd.Env = os.Environ()
			if r.goos != "" {
				cmd.Env = append(cmd.Env, "GOOS="+r.goos, "GOARCH="+r.goarch, "CGO_ENABLED=0")
			}
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list %s: %v", r.pkg, err)
			}
			deps := strings.Fields(string(out))
			if len(deps) < 2 {
				t.Fatalf("go list %s listed %d packages: the rule would hold vacuously", r.pkg, len(deps))
			}
			for _, d := range deps {
				for _, b := range r.bad {
					if banned(d, b) {
						t.Errorf("%s depends on %s: %s", r.pkg, d, r.why)
					}
				}
			}
		})
	}
}

func banned(dep, pattern string) bool {
	if tree, ok := strings.CutSuffix(pattern, "/..."); ok {
		return dep == tree || strings.HasPrefix(dep, tree+"/")
	}
	return dep == pattern
}

// TestRulesCanFail checks the matcher on dependencies that do exist, so
// that a typo in a pattern cannot make every rule pass.
func TestRulesCanFail(t *testing.T) {
	cmd := exec.Command(goTool(), "list", "-deps", "-test", "./tests/pluginhost")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	for _, p := range []string{"testing", mod + "/core/...", "github.com/extism/...", mod + "/tests/..."} {
		hit := false
		for _, d := range deps {
			hit = hit || banned(d, p)
		}
		if !hit {
			t.Errorf("pattern %q matches nothing in tests/pluginhost's dependencies, which do hold it", p)
		}
	}
}

func goTool() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}
