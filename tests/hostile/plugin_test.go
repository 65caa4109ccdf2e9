package hostile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	extism "github.com/extism/go-sdk"
	"github.com/sharelink/sharelink/tests/pluginhost"
)

// The plugin is built and compiled once, on first use, into a folder
// TestMain removes: only the plugin test pays for the build.
var (
	pluginOnce sync.Once
	pluginErr  error
	compiled   *extism.CompiledPlugin
	workDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if compiled != nil {
		_ = compiled.Close(context.Background())
	}
	if workDir != "" {
		_ = os.RemoveAll(workDir)
	}
	os.Exit(code)
}

// plugin is a new instance with config (nil: none), closed when the
// test ends.
func plugin(t *testing.T, config map[string]string) *extism.Plugin {
	t.Helper()
	pluginOnce.Do(func() {
		if workDir, pluginErr = os.MkdirTemp("", "sharelink-hostile-"); pluginErr != nil {
			return
		}
		var out string
		if out, pluginErr = pluginhost.Module(workDir); pluginErr != nil {
			return
		}
		wasm, err := os.ReadFile(out)
		if err != nil {
			pluginErr = err
			return
		}
		// wazero's compiler is slow under the race detector: a separate,
		// ordinary process compiles the module into a cache folder, and
		// this one loads the machine code from there.
		cache := filepath.Join(workDir, "wazero-cache")
		fill := exec.Command(pluginhost.GoTool(), "run", "./tests/pluginhost/cmd/wasmcache", "-cache", cache, out)
		fill.Dir = pluginhost.Root()
		if b, err := fill.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("filling the wazero cache: %v\n%s", err, b)
			return
		}
		compiled, pluginErr = pluginhost.Compile(context.Background(), wasm, pluginhost.Options{CacheDir: cache})
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	p, err := pluginhost.Instance(context.Background(), compiled, config)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// parts is a refusal's status, code and target.
type parts struct {
	status       int
	code, target string
}

func (p parts) String() string { return fmt.Sprintf("%d %s target=%q", p.status, p.code, p.target) }

// call runs one export and returns its refusal; an export that succeeds
// or traps is an error.
func call(p *extism.Plugin, export string, input map[string]string) (parts, error) {
	for k, v := range input {
		if !utf8.ValidString(v) {
			// JSON text cannot carry these bytes: such entries must not
			// name a plugin mode.
			return parts{}, fmt.Errorf("input %q is not UTF-8", k)
		}
	}
	in, err := json.Marshal(input)
	if err != nil {
		return parts{}, err
	}
	return callBytes(p, export, in)
}

// callBytes is call on an input already written.
func callBytes(p *extism.Plugin, export string, in []byte) (parts, error) {
	res, err := pluginhost.Call(context.Background(), p, export, in)
	if err != nil {
		return parts{}, fmt.Errorf("%s trapped: %v", export, err)
	}
	if res.Err == nil {
		return parts{}, fmt.Errorf("%s accepted the input: %.300s", export, res.Output)
	}
	ep, err := pluginhost.ErrParts(res.Err)
	if err != nil {
		return parts{}, err
	}
	return parts{ep.Status, ep.Code, ep.Target}, nil
}

// shareSlot is the share id a /shares/{id}/… path names, decoded once as
// the route decodes it.
func shareSlot(path string) (string, error) {
	_, rest, ok := strings.Cut(path, "/shares/")
	if !ok {
		return "", fmt.Errorf("no share id in %q", path)
	}
	seg, _, _ := strings.Cut(rest, "/")
	return url.PathUnescape(seg)
}

// slotTargets are the names one input takes in the path and in an
// export's envelope: the route calls a share id "share-id", build_grant
// and decode_sharing_url name their own input ("shareId", or "url" when
// the id is a URL).
var slotTargets = map[string][]string{"share-id": {"shareId", "url"}}

// TestPluginAgreesWithServer sends every entry that names a plugin mode
// to the server and to the plugin in the Go host: the plugin must refuse
// it too, with the server's status, code and target.
func TestPluginAgreesWithServer(t *testing.T) {
	corpus := loadCorpus(t)
	f := newFleet(t)
	instances := map[string]*extism.Plugin{}
	n := 0
	for _, e := range corpus {
		if e.Plugin == "" {
			continue
		}
		n++
		// One instance per policy, made by the parent test so that it
		// lives until the last entry.
		p, ok := instances[string(e.Policy)]
		if !ok {
			var cfg map[string]string
			if len(e.Policy) > 0 {
				cfg = map[string]string{"policy": string(e.Policy)}
			}
			p = plugin(t, cfg)
			instances[string(e.Policy)] = p
		}
		t.Run(e.id(), func(t *testing.T) {
			a, err := f.get(e).send(e)
			if err != nil {
				t.Fatalf("server: %v", err)
			}
			var g graphError
			if json.Unmarshal(a.body, &g) != nil || g.Error == nil || g.Error.Code == nil {
				t.Fatalf("server: not a Graph error: %d %.300s", a.status, a.body)
			}
			server := parts{a.status, *g.Error.Code, g.Error.Target}
			want := parts{e.Want.Status, e.Want.Code, *e.Want.Target}
			if server != want {
				t.Errorf("server gave %v, the corpus wants %v", server, want)
			}
			same := func(export string, got parts, err error, slot bool) {
				t.Helper()
				switch {
				case err != nil:
					t.Errorf("%s: %v\n\t%s", export, err, e.describe())
				case slot && got.status == server.status && got.code == server.code && contains(slotTargets[server.target], got.target):
				case got != server:
					t.Errorf("%s gave %v, the server %v\n\t%s", export, got, server, e.describe())
				}
			}
			route := map[string]string{"method": e.Method, "path": e.Path}
			switch e.Plugin {
			case "route":
				got, err := call(p, "parse_route", route)
				same("parse_route", got, err, false)
			case "request":
				// build_request: method, path, body and the headers, as an object
				in := map[string]any{"method": e.Method, "path": e.Path}
				if e.Body != nil {
					in["body"] = e.body()
				}
				if len(e.Headers) > 0 {
					h := map[string]string{}
					for k, v := range e.Headers {
						if v != nil {
							h[k] = *v
						}
					}
					in["headers"] = h
				}
				b, err := json.Marshal(in)
				if err != nil {
					t.Fatal(err)
				}
				got, err := callBytes(p, "build_request", b)
				same("build_request", got, err, false)
			case "createLink":
				got, err := call(p, "build_create_link", map[string]string{"path": e.Path, "body": e.body()})
				same("build_create_link", got, err, false)
			case "grant":
				id, err := shareSlot(e.Path)
				if err != nil {
					t.Fatal(err)
				}
				got, err := call(p, "build_grant", map[string]string{"shareId": id, "body": e.body()})
				same("build_grant", got, err, false)
			case "share":
				got, err := call(p, "parse_route", route)
				same("parse_route", got, err, false)
				id, err := shareSlot(e.Path)
				if err != nil {
					t.Fatal(err)
				}
				got, err = call(p, "build_grant", map[string]string{"shareId": id, "body": `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`})
				same("build_grant", got, err, true)
				if len(id) >= 2 && (id[0] == 'u' || id[0] == 'U') && id[1] == '!' {
					got, err = call(p, "decode_sharing_url", map[string]string{"shareId": id})
					same("decode_sharing_url", got, err, true)
				}
			}
		})
	}
	t.Logf("%d of %d entries checked through the plugin", n, len(corpus))
	if n < 200 {
		t.Errorf("only %d entries reach the plugin; the corpus should keep at least 200", n)
	}
	if d := f.total(); d != 0 {
		t.Errorf("the plugin corpus reached graphsim %d times through the server", d)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
