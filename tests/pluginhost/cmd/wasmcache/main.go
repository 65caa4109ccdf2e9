// Command wasmcache compiles a WASM module into a wazero compilation cache
// folder, so that a later process (a test under the race detector, where
// wazero's compiler is slow) loads the machine code instead of compiling.
//
//	go run ./tests/pluginhost/cmd/wasmcache -cache DIR module.wasm
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/sharelink/sharelink/tests/pluginhost"
)

func main() {
	cache := flag.String("cache", "", "wazero compilation cache folder")
	flag.Parse()
	if *cache == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: wasmcache -cache DIR module.wasm")
		os.Exit(2)
	}
	wasm, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	start := time.Now()
	cp, err := pluginhost.Compile(ctx, wasm, pluginhost.Options{CacheDir: *cache})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("compiled in %v\n", time.Since(start).Round(time.Millisecond))
	if err := cp.Close(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
