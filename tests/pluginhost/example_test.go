package pluginhost_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"
)

// Example is docs/plugin.md's Go host, run: compile once with a file
// cache, an instance, a call, an error text read.
func Example() {
	ctx := context.Background()
	cache, err := wazero.NewCompilationCacheWithDir(cacheDir) // TestMain filled it
	if err != nil {
		fmt.Println(err)
		return
	}
	compiled, err := extism.NewCompiledPlugin(ctx, extism.Manifest{
		Wasm:   []extism.Wasm{extism.WasmData{Data: wasm}},
		Config: map[string]string{"policy": `{"denyAnonymous":true}`},
	}, extism.PluginConfig{
		EnableWasi:                true,
		EnableHttpResponseHeaders: true,
		RuntimeConfig:             wazero.NewRuntimeConfig().WithCompilationCache(cache),
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer compiled.Close(ctx)
	p, err := compiled.Instance(ctx, extism.PluginInstanceConfig{
		ModuleConfig: wazero.NewModuleConfig().WithSysWalltime().WithSysNanotime(), // the real clock
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close(ctx)

	_, out, err := p.Call("build_create_link", []byte(`{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization"}}`))
	fmt.Println(string(out), err)

	_, _, err = p.Call("build_create_link", []byte(`{"path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"anonymous"}}`))
	var e struct {
		Status int             `json:"status"`
		Error  json.RawMessage `json:"error"`
	}
	if json.Unmarshal([]byte(err.Error()), &e) == nil {
		fmt.Fprintf(os.Stdout, "%d {\"error\":%s}\n", e.Status, e.Error)
	}
	// Output:
	// {"method":"POST","url":"https://graph.microsoft.com/v1.0/me/drive/items/01ABC/createLink","headers":{"Content-Type":"application/json"},"body":"{\"type\":\"view\",\"scope\":\"organization\"}"} <nil>
	// 403 {"error":{"code":"accessDenied","message":"the organisation's sharing policy does not allow this: anonymous links","target":"policy.denyAnonymous"}}
}
