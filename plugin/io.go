//go:build wasip1

package main

import (
	"encoding/binary"

	pdk "github.com/extism/go-pdk"
)

// The Extism kernel moves bytes between host and plugin 8 at a time
// (input_load_u64, store_u64) or 1 at a time. go-pdk's Input and Output do
// the last len%8 bytes one by one; input and output here cover them with
// one more 8-byte move that overlaps the previous one, still inside the
// block, so a call costs at most one move per 8 bytes and no byte moves.

//go:wasmimport extism:host/env input_length
func extismInputLength() uint64

//go:wasmimport extism:host/env input_load_u64
func extismInputLoadU64(offset uint64) uint64

//go:wasmimport extism:host/env store_u64
func extismStoreU64(offset uint64, v uint64)

//go:wasmimport extism:host/env error_set
func extismErrorSet(offset uint64)

//go:wasmimport extism:host/env http_request
func extismHTTPRequest(meta, body uint64) uint64

//go:wasmimport extism:host/env http_status_code
func extismHTTPStatusCode() int32

//go:wasmimport extism:host/env http_headers
func extismHTTPHeaders() uint64

// inputBuf is reused from call to call: an allocation costs more than a
// microsecond in a standard-Go WASM module, and no export keeps its input.
var inputBuf []byte

// input is the call's input, as pdk.Input, in inputBuf.
func input() []byte {
	n := extismInputLength()
	if n < 8 {
		return pdk.Input()
	}
	var buf []byte
	switch {
	case uint64(cap(inputBuf)) >= n:
		buf = inputBuf[:n]
	case n > 1<<20: // a big input is not kept
		buf = make([]byte, n)
	default:
		inputBuf = make([]byte, n+n/4)
		buf = inputBuf[:n]
	}
	var i uint64
	for ; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], extismInputLoadU64(i))
	}
	if i < n {
		binary.LittleEndian.PutUint64(buf[n-8:], extismInputLoadU64(n-8))
	}
	return buf
}

// store copies b into a new block of the kernel's memory.
func store(b []byte) pdk.Memory {
	mem := pdk.Allocate(len(b))
	off, n := mem.Offset(), uint64(len(b))
	var i uint64
	for ; i+8 <= n; i += 8 {
		extismStoreU64(off+i, binary.LittleEndian.Uint64(b[i:]))
	}
	if i < n {
		extismStoreU64(off+n-8, binary.LittleEndian.Uint64(b[n-8:]))
	}
	return mem
}

// output sets the call's output, as pdk.Output.
func output(b []byte) {
	if len(b) < 8 {
		pdk.Output(b)
		return
	}
	pdk.OutputMemory(store(b))
}

// setError sets the call's error text, as pdk.SetErrorString.
func setError(b []byte) {
	if len(b) < 8 {
		pdk.SetErrorString(string(b))
		return
	}
	mem := store(b)
	extismErrorSet(mem.Offset())
}
