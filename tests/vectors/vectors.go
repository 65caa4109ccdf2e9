// Package vectors loads sharelink's test vectors: JSON files, one array per
// concept, each entry an operation of core/ops with its input and either
// the exact output bytes or the error (status, code, target) expected.
// Native core, the WASM plugin in each host and the lambda run the same
// files.
//
// An entry:
//
//	{"name": "createlink/seed000-view-anonymous",
//	 "op": "build_create_link",
//	 "config": {"now": "2026-01-15T12:00:00Z", "policy": {...}},
//	 "input": {...} | "inputRaw": "exact input text",
//	 "output": {...} | "error": {"status": 400, "code": "invalidRequest", "target": "type"},
//	 "note": "where it comes from"}
//
// output is compared with the operation's bytes after compacting it, so
// the files may be indented but strings must be escaped as core escapes
// them (only '"', '\\' and control characters).
package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
)

// Vector is one test vector.
type Vector struct {
	File     string          `json:"-"`
	Name     string          `json:"name"`
	Op       string          `json:"op"`
	Config   map[string]any  `json:"config,omitempty"`
	Input    json.RawMessage `json:"input,omitempty"`
	InputRaw *string         `json:"inputRaw,omitempty"`
	Output   json.RawMessage `json:"output,omitempty"`
	Error    *Expected       `json:"error,omitempty"`
	Note     string          `json:"note,omitempty"`
}

// Expected is an expected error.
type Expected struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Target string `json:"target"`
}

// Dir is the folder holding the vector files.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// Load reads every *.json file of Dir, sorted by file then order.
func Load() ([]Vector, error) {
	files, err := filepath.Glob(filepath.Join(Dir(), "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var all []Vector
	names := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var vs []Vector
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&vs); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		for _, v := range vs {
			v.File = filepath.Base(f)
			if v.Name == "" || v.Op == "" {
				return nil, fmt.Errorf("%s: a vector without name or op", v.File)
			}
			if prev, ok := names[v.Name]; ok {
				return nil, fmt.Errorf("%s: vector %q also in %s", v.File, v.Name, prev)
			}
			names[v.Name] = v.File
			if (v.Output == nil) == (v.Error == nil) {
				return nil, fmt.Errorf("%s: vector %q needs exactly one of output and error", v.File, v.Name)
			}
			if (v.Input == nil) == (v.InputRaw == nil) {
				return nil, fmt.Errorf("%s: vector %q needs exactly one of input and inputRaw", v.File, v.Name)
			}
			all = append(all, v)
		}
	}
	return all, nil
}

// InputBytes is the exact input of the operation.
func (v *Vector) InputBytes() []byte {
	if v.InputRaw != nil {
		return []byte(*v.InputRaw)
	}
	return v.Input
}

// ConfigValue serves the vector's config the way a plugin host does: every
// key a string, objects (a policy) as their JSON text.
func (v *Vector) ConfigValue(key string) (string, bool) {
	x, ok := v.Config[key]
	if !ok {
		return "", false
	}
	if s, isString := x.(string); isString {
		return s, true
	}
	b, _ := json.Marshal(x)
	return string(b), true
}

// ConfigStrings is the whole config as plugin config strings.
func (v *Vector) ConfigStrings() map[string]string {
	m := make(map[string]string, len(v.Config))
	for k := range v.Config {
		m[k], _ = v.ConfigValue(k)
	}
	return m
}

// WantOutput is the expected output, compacted.
func (v *Vector) WantOutput() []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, v.Output); err != nil {
		return nil
	}
	return b.Bytes()
}

// Check compares an operation's result with the vector and describes the
// first difference ("" when it matches). errBody is the error's status,
// code and target, as any target reports them.
func (v *Vector) Check(got []byte, err error) string {
	return v.CheckParts(got, errParts(err))
}

// ErrParts is an error as a host sees it.
type ErrParts struct {
	Status       int
	Code, Target string
}

func errParts(err error) *ErrParts {
	if err == nil {
		return nil
	}
	type graphError interface{ Parts() (int, string, string) }
	if g, ok := err.(graphError); ok {
		s, c, t := g.Parts()
		return &ErrParts{s, c, t}
	}
	return &ErrParts{Code: err.Error()}
}

// CheckParts compares output bytes or an error with the vector.
func (v *Vector) CheckParts(got []byte, e *ErrParts) string {
	if v.Error != nil {
		if e == nil {
			return fmt.Sprintf("want error %+v, got output %s", *v.Error, got)
		}
		if e.Status != v.Error.Status || e.Code != v.Error.Code || e.Target != v.Error.Target {
			return fmt.Sprintf("want error %d %s target %q, got %d %s target %q", v.Error.Status, v.Error.Code, v.Error.Target, e.Status, e.Code, e.Target)
		}
		return ""
	}
	if e != nil {
		return fmt.Sprintf("want output %s, got error %+v", v.WantOutput(), *e)
	}
	if want := v.WantOutput(); !bytes.Equal(got, want) {
		return fmt.Sprintf("output differs\n got: %s\nwant: %s", got, want)
	}
	return ""
}
