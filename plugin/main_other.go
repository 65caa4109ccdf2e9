//go:build !wasip1

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "sharelink's plugin is a WASM module: build it with `make plugin`\n"+
		"(GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w' -o dist/sharelink.wasm ./plugin)")
	os.Exit(2)
}
