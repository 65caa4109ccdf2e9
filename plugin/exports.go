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

// methods maps the built request's method (always POST today) to go-pdk's.
var methods = map[string]pdk.HTTPMethod{
	"GET": pdk.MethodGet, "POST": pdk.MethodPost, "PUT": pdk.MethodPut,
	"PATCH": pdk.MethodPatch, "DELETE": pdk.MethodDelete,
}

func (pdkHost) Send(r *httpRequest) httpResponse {
	req := pdk.NewHTTPRequest(methods[r.Method], r.URL)
	for _, h := range r.Headers {
		req.SetHeader(h[0], h[1])
	}
	req.SetBody(r.Body)
	resp := req.Send()
	out := httpResponse{Status: int(resp.Status()), Headers: resp.Headers(), Body: resp.Body()}
	if mem := resp.Memory(); mem.Length() > 0 {
		mem.Free()
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
}
