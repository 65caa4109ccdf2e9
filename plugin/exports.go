//go:build wasip1

package main

import (
	"time"

	pdk "github.com/extism/go-pdk"
	"github.com/sharelink/sharelink/core/ops"
)

// main is empty: built with -buildmode=c-shared the module is a WASI
// reactor, and the host calls its exports after _initialize.
func main() {}

// pdkHost is the Extism host, through go-pdk.
type pdkHost struct{}

func (pdkHost) Config(key string) (string, bool) { return pdk.GetConfig(key) }

func (pdkHost) Now() time.Time { return time.Now() }

// Send is go-pdk's HTTPRequest.Send without its encoding/json: the
// request's metadata is written, and the response headers read, here.
func (pdkHost) Send(r *httpRequest) httpResponse {
	meta := store(appendHTTPMeta(make([]byte, 0, 128+len(r.URL)), r))
	defer meta.Free()
	var body uint64
	if len(r.Body) > 0 {
		mem := store(r.Body)
		defer mem.Free()
		body = mem.Offset()
	}
	resp := pdk.FindMemory(extismHTTPRequest(meta.Offset(), body))
	out := httpResponse{Status: int(extismHTTPStatusCode())}
	if resp.Length() > 0 {
		out.Body = resp.ReadBytes()
		resp.Free()
	}
	if h := pdk.FindMemory(extismHTTPHeaders()); h.Length() > 0 {
		out.Headers = readHeaders(h.ReadBytes())
		h.Free()
	}
	return out
}

// the is this instance: a WASM instance runs one call at a time.
var the instance

// run is every export but noop: input, the operation, output or error.
func run(name string) int32 {
	out, err := the.call(name, input(), pdkHost{})
	if err != nil {
		setError(ops.ErrorText(err))
		return 1
	}
	output(out)
	return 0
}

//go:wasmexport build_create_link
func buildCreateLink() int32 { return run("build_create_link") }

//go:wasmexport build_grant
func buildGrant() int32 { return run("build_grant") }

//go:wasmexport encode_sharing_url
func encodeSharingURL() int32 { return run("encode_sharing_url") }

//go:wasmexport decode_sharing_url
func decodeSharingURL() int32 { return run("decode_sharing_url") }

//go:wasmexport parse_route
func parseRoute() int32 { return run("parse_route") }

//go:wasmexport shape_permission
func shapePermission() int32 { return run("shape_permission") }

//go:wasmexport shape_error
func shapeError() int32 { return run("shape_error") }

//go:wasmexport create_link
func createLink() int32 { return run("create_link") }

//go:wasmexport grant
func grant() int32 { return run("grant") }

//go:wasmexport version
func version() int32 { return run("version") }

//go:wasmexport build_request
func buildRequest() int32 { return run("build_request") }

//go:wasmexport shape_response
func shapeResponse() int32 { return run("shape_response") }

//go:wasmexport build_batch
func buildBatch() int32 { return run("build_batch") }

//go:wasmexport shape_batch
func shapeBatch() int32 { return run("shape_batch") }

//go:wasmexport check_answer
func checkAnswer() int32 { return run("check_answer") }

// noop does nothing: the cost of a call into this module, the floor the
// benchmarks measure each export against.
//
//go:wasmexport noop
func noop() int32 { return 0 }

// This lists the exports for tools that do not see go:wasmexport as a
// use (staticcheck's unused check); the host calls them by name.
var _ = [...]func() int32{
	buildCreateLink, buildGrant, encodeSharingURL, decodeSharingURL, parseRoute,
	shapePermission, shapeError, createLink, grant, version, noop,
	buildRequest, shapeResponse, buildBatch, shapeBatch, checkAnswer,
}
