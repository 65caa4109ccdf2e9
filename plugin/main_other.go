//go:build !wasip1

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sharelink's plugin is a WASM module: build it with `make plugin`\n"+
		"(GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared with plugin/plugin.mk's flags, into dist/sharelink.wasm)")
	os.Exit(2)
}
