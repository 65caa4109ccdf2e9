package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// core runs unchanged natively, in WASM and behind Lambda only because it
// does no I/O and has no clock or state of its own. These tests hold it to
// that.

func TestCoreImportsNoIO(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".", "./ops").Output()
	if err != nil {
		t.Fatalf("go list: %v", err) // the go tool runs the tests: it is there
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net", strings.HasPrefix(dep, "net/") && dep != "net/url",
			dep == "os/exec", dep == "os/signal", dep == "plugin", dep == "log", dep == "log/slog":
			t.Errorf("core depends on %s", dep)
		}
	}
}

func TestCoreHasNoClockPanicOrMutableGlobals(t *testing.T) {
	for _, dir := range []string{".", "ops", "../internal/jsontext"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		fset := token.NewFileSet()
		globals := map[string]bool{}
		var parsed []*ast.File
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, file)
			for _, d := range file.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, s := range g.Specs {
						for _, n := range s.(*ast.ValueSpec).Names {
							globals[n.Name] = true
						}
					}
				}
			}
		}
		for _, file := range parsed {
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until") {
							t.Errorf("%s: time.%s in core", fset.Position(n.Pos()), sel.Sel.Name)
						}
						if x, ok := sel.X.(*ast.Ident); ok && x.Name == "rand" {
							t.Errorf("%s: randomness in core", fset.Position(n.Pos()))
						}
					}
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "panic" {
						t.Errorf("%s: panic in core", fset.Position(n.Pos()))
					}
				case *ast.AssignStmt:
					for _, lhs := range n.Lhs {
						if g := rootIdent(lhs); g != "" && globals[g] && n.Tok != token.DEFINE {
							t.Errorf("%s: package-level %s is written", fset.Position(n.Pos()), g)
						}
					}
				case *ast.IncDecStmt:
					if g := rootIdent(n.X); globals[g] {
						t.Errorf("%s: package-level %s is written", fset.Position(n.Pos()), g)
					}
				}
				return true
			})
		}
	}
}

func rootIdent(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return ""
		}
	}
}
