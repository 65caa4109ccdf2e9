package pluginhost_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/pluginhost"
	"github.com/sharelink/sharelink/tests/vectors"
)

// yamlMap reads the block-mapping subset of YAML plugin/schema.yaml is
// written in: "key: value" and "key:" lines nested by indentation,
// comments, quoted or plain scalars. Anything else is an error, so the
// file stays in the subset this test can check.
func yamlMap(b []byte) (map[string]any, error) {
	type level struct {
		indent int
		m      map[string]any
	}
	root := map[string]any{}
	stack := []level{{-1, root}}
	var pending string // key of the last "key:" line, waiting for its block
	pendingIndent := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(trimmed)
		key, val, ok := strings.Cut(trimmed, ":")
		if !ok || key == "" || strings.ContainsAny(key, " \t") && !strings.HasPrefix(key, "$") {
			return nil, fmt.Errorf("line %d: not a key: value line: %q", n, line)
		}
		val = strings.TrimSpace(val)
		if pending != "" {
			if indent <= pendingIndent {
				return nil, fmt.Errorf("line %d: %q has an empty block", n, pending)
			}
			m := map[string]any{}
			stack[len(stack)-1].m[pending] = m
			stack = append(stack, level{indent, m})
			pending = ""
		}
		for indent < stack[len(stack)-1].indent {
			stack = stack[:len(stack)-1]
		}
		top := stack[len(stack)-1]
		if indent != top.indent && top.indent != -1 {
			return nil, fmt.Errorf("line %d: bad indentation", n)
		}
		if top.indent == -1 {
			stack[len(stack)-1].indent = indent
		}
		if _, dup := top.m[key]; dup {
			return nil, fmt.Errorf("line %d: %q twice", n, key)
		}
		if val == "" {
			pending, pendingIndent = key, indent
			continue
		}
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') {
			if val[len(val)-1] != val[0] {
				return nil, fmt.Errorf("line %d: unterminated quote", n)
			}
			val = val[1 : len(val)-1]
		}
		top.m[key] = val
	}
	if pending != "" {
		return nil, fmt.Errorf("%q has an empty block", pending)
	}
	return root, sc.Err()
}

type schemaFile struct {
	exports    map[string]any
	components map[string]any
}

func loadSchema(t *testing.T) schemaFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pluginhost.Root(), "plugin", "schema.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := yamlMap(b)
	if err != nil {
		t.Fatalf("schema.yaml: %v", err)
	}
	if doc["version"] != "v1-draft" {
		t.Fatalf("schema.yaml: version %v", doc["version"])
	}
	exports, _ := doc["exports"].(map[string]any)
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if exports == nil || schemas == nil {
		t.Fatal("schema.yaml: no exports or no components.schemas")
	}
	return schemaFile{exports, schemas}
}

// ref resolves an input or output of an export to its component.
func (s schemaFile) ref(export, which string) (map[string]any, bool) {
	e, _ := s.exports[export].(map[string]any)
	p, _ := e[which].(map[string]any)
	if p == nil {
		return nil, false
	}
	r, _ := p["$ref"].(string)
	c, _ := s.components[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
	return c, c != nil
}

func properties(c map[string]any) map[string]any {
	p, _ := c["properties"].(map[string]any)
	return p
}

// TestSchemaInSync keeps plugin/schema.yaml true: its exports are the
// module's exports and the version export's list; every $ref resolves and
// every component is used; every vector's input and every output native
// core gives for it fit the export's schemas.
func TestSchemaInSync(t *testing.T) {
	s := loadSchema(t)
	ctx := context.Background()
	p, err := pluginhost.Instance(ctx, compiled, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)

	var module []string
	for name := range p.Module().ExportedFunctions() {
		if name != "_initialize" {
			module = append(module, name)
		}
	}
	var inSchema []string
	for name := range s.exports {
		inSchema = append(inSchema, name)
	}
	sort.Strings(module)
	sort.Strings(inSchema)
	if !slices.Equal(module, inSchema) {
		t.Errorf("module exports %v\nschema.yaml exports %v", module, inSchema)
	}
	r, err := pluginhost.Call(ctx, p, "version", nil)
	if err != nil || r.Err != nil {
		t.Fatalf("version: %v %s", err, r.Err)
	}
	var v struct{ Exports []string }
	if err := json.Unmarshal(r.Output, &v); err != nil {
		t.Fatal(err)
	}
	sort.Strings(v.Exports)
	if !slices.Equal(v.Exports, inSchema) {
		t.Errorf("version lists %v\nschema.yaml exports %v", v.Exports, inSchema)
	}

	// Every reference resolves, every component is used.
	used := map[string]bool{}
	var walk func(path string, m map[string]any)
	walk = func(path string, m map[string]any) {
		for k, x := range m {
			switch x := x.(type) {
			case map[string]any:
				walk(path+"."+k, x)
			case string:
				if k != "$ref" {
					continue
				}
				name := strings.TrimPrefix(x, "#/components/schemas/")
				if _, ok := s.components[name]; !ok || name == x {
					t.Errorf("%s: $ref %q does not resolve", path, x)
				}
				used[name] = true
			}
		}
	}
	walk("exports", s.exports)
	walk("components", s.components)
	for name := range s.components {
		if !used[name] {
			t.Errorf("component %s is not used", name)
		}
	}
	kinds := map[string]ops.Kind{}
	for _, o := range ops.Operations() {
		kinds[o.Name] = o.Kind
	}
	for name := range s.exports {
		if k := kinds[name]; k == ops.KindVersion || k == ops.KindNoop {
			continue
		}
		if _, ok := s.ref(name, "input"); !ok {
			t.Errorf("export %s: no input schema", name)
		}
		if _, ok := s.ref(name, "output"); !ok {
			t.Errorf("export %s: no output schema", name)
		}
	}

	// The send exports take their build export's input and a token.
	for _, o := range ops.Operations() {
		if o.Kind != ops.KindSend {
			continue
		}
		send, build := o.Name, o.Wraps
		si, _ := s.ref(send, "input")
		bi, _ := s.ref(build, "input")
		var a, b []string
		for k := range properties(si) {
			a = append(a, k)
		}
		for k := range properties(bi) {
			b = append(b, k)
		}
		b = append(b, "token")
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s input %v, want %s's and token: %v", send, a, build, b)
		}
	}

	// Each vector's input members and native output members are in the schema.
	all, err := vectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		v := &all[i]
		in, ok := s.ref(v.Op, "input")
		if v.Op == "version" {
			continue
		}
		if !ok {
			t.Errorf("%s: op %s has no input schema", v.Name, v.Op)
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(v.InputBytes(), &obj) == nil && v.Error == nil {
			for k := range obj {
				if _, ok := properties(in)[k]; !ok {
					t.Errorf("%s: input member %q is not in %s's input schema", v.Name, k, v.Op)
				}
			}
		}
		res := pluginhost.Native(v, time.Now)
		if res.Err != nil {
			continue
		}
		out, _ := s.ref(v.Op, "output")
		obj = nil
		if err := json.Unmarshal(res.Output, &obj); err != nil {
			t.Errorf("%s: output is not an object: %s", v.Name, res.Output)
			continue
		}
		for k := range obj {
			if _, ok := properties(out)[k]; !ok {
				t.Errorf("%s: output member %q is not in %s's output schema", v.Name, k, v.Op)
			}
		}
	}
}
