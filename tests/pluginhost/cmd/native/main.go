// Command native writes what native core gives for every test vector, as
// the plugin reports it (output bytes, or the error text), so that a host
// in another language can check the plugin byte for byte against native
// core: the JS host tests in tests/jshost run it.
//
//	go run ./tests/pluginhost/cmd/native > native.json
//
// The output is one JSON object: vector name → {"output": base64} or
// {"error": base64}, as pluginhost.Native gives them.
//
// With -bench it is native core's side of the JS host benchmark
// (tests/jshost/bench.mjs): it reads lines "export milliseconds" and
// answers each with the ns/op of that export's operation (ops.Do on
// tests/pluginhost/testdata/bench.json's input, warm) run for that long,
// so that the benchmark measures native core and the plugin side by side
// in one run.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/pluginhost"
	"github.com/sharelink/sharelink/tests/vectors"
)

func main() {
	bench := flag.Bool("bench", false, "time native ops for the JS host benchmark (lines \"export ms\" on stdin)")
	flag.Parse()
	var err error
	if *bench {
		err = serveBench()
	} else {
		err = writeVectors()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func writeVectors() error {
	all, err := vectors.Load()
	if err != nil {
		return err
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
	if err := json.NewEncoder(w).Encode(out); err != nil {
		return err
	}
	return w.Flush()
}

// serveBench answers "export ms" lines with ns/op of ops.Do for that
// export's bench input, with the bench config (its fixed now).
func serveBench() error {
	in, err := pluginhost.LoadBenchInputs()
	if err != nil {
		return err
	}
	cfg, err := ops.ParseConfig(func(k string) (string, bool) { v, ok := in.Config[k]; return v, ok }, time.Now)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		name, msText, _ := strings.Cut(sc.Text(), " ")
		ms, err := strconv.Atoi(msText)
		if err != nil {
			return fmt.Errorf("want \"export ms\", got %q", sc.Text())
		}
		input, ok := in.Input(name)
		if !ok {
			return fmt.Errorf("no bench input for %s", name)
		}
		ns, err := pluginhost.TimeNative(name, input, &cfg, time.Duration(ms)*time.Millisecond)
		if err != nil {
			return fmt.Errorf("%s: %s", name, ops.ErrorText(err))
		}
		fmt.Printf("%.1f\n", ns)
	}
	return sc.Err()
}
