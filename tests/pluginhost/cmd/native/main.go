// Command native writes what native core gives for every test vector, as
// the plugin reports it (output bytes, or the error text), so that a host
// in another language can check the plugin byte for byte against native
// core: the JS host tests in tests/jshost run it.
//
//	go run ./tests/pluginhost/cmd/native > native.json
//
// The output is one JSON object: vector name → {"output": base64} or
// {"error": base64}, as pluginhost.Native gives them.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/sharelink/sharelink/tests/pluginhost"
	"github.com/sharelink/sharelink/tests/vectors"
)

func main() {
	all, err := vectors.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	type result struct {
		Output string `json:"output,omitempty"`
		Error  string `json:"error,omitempty"`
	}
	out := make(map[string]result, len(all))
	for i := range all {
		v := &all[i]
		r := pluginhost.Native(v, time.Now)
		if r.Err != nil {
			out[v.Name] = result{Error: base64.StdEncoding.EncodeToString(r.Err)}
		} else {
			out[v.Name] = result{Output: base64.StdEncoding.EncodeToString(r.Output)}
		}
	}
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
