package main

import (
	"bytes"
	"strconv"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// host is what an export needs from the Extism host: its config, a clock
// and its HTTP. exports.go implements it with go-pdk; tests with fakes.
type host interface {
	Config(key string) (string, bool)
	Now() time.Time
	Send(r *httpRequest) httpResponse
}

// httpRequest is one request for the host to send.
type httpRequest struct {
	Method, URL string
	Headers     [][2]string
	Body        []byte
}

// httpResponse is the host's answer. Status 0 means the host sent nothing
// (the JS SDK without a worker answers so instead of refusing).
type httpResponse struct {
	Status  int
	Headers map[string]string // names in any case; the Go SDK gives them only with EnableHttpResponseHeaders
	Body    []byte
}

// sendExports are the exports that do I/O, each with the build operation
// it wraps. noop is the empty export, the per-call floor of a host.
var sendExports = [...][2]string{{"create_link", "build_create_link"}, {"grant", "build_grant"}}

// exportNames lists every export, in the order version reports them.
func exportNames() []string {
	names := ops.Names()
	for _, s := range sendExports {
		names = append(names, s[0])
	}
	return append(names, "noop")
}

// versionInfo is the version export's output: ops' version document with
// the plugin's own exports added to the list. It never changes: made once.
func versionInfo() []byte {
	if versionDoc == nil {
		versionDoc = makeVersionInfo()
	}
	return versionDoc
}

var versionDoc []byte

func makeVersionInfo() []byte {
	b := ops.VersionInfo()
	if !bytes.HasSuffix(b, []byte("]}")) {
		return b
	}
	b = b[:len(b)-2]
	for _, n := range exportNames()[len(ops.Names()):] {
		b = append(b, ',')
		b = jsontext.AppendString(b, n)
	}
	return append(b, "]}"...)
}

// instance is what one plugin instance keeps between calls: its config,
// read on the first call (Extism config is fixed for an instance's life).
type instance struct {
	loaded   bool
	fixedNow bool // config "now" was set: a reproducible clock
	cfg      ops.Config
	err      error
}

func (in *instance) config(h host) (*ops.Config, error) {
	if !in.loaded {
		in.cfg, in.err = ops.ParseConfig(h.Config, nil)
		in.fixedNow = !in.cfg.Now.IsZero()
		in.loaded = true
	}
	return &in.cfg, in.err
}

// call runs the export name on input.
func (in *instance) call(name string, input []byte, h host) ([]byte, error) {
	cfg, err := in.config(h)
	if err != nil {
		return nil, err
	}
	if !in.fixedNow {
		switch name {
		case "build_create_link", "build_grant", "shape_error", "create_link", "grant":
			now := h.Now()
			if now.Before(earliestClock) {
				return nil, &core.Error{Status: 500, Code: core.CodeGeneralException, Target: "now",
					Message: "the host's clock reads " + now.UTC().Format(time.RFC3339) + ", not the time: " +
						"give the module the system clock (wazero: ModuleConfig.WithSysWalltime) or set the config key now"}
			}
			cfg.Now = now
		}
	}
	switch name {
	case "version":
		return versionInfo(), nil
	case "create_link":
		return sendBuilt(ops.CreateLinkRequest, core.ShapePermission, input, cfg, h)
	case "grant":
		return sendBuilt(ops.GrantRequest, core.ShapeCollection, input, cfg, h)
	}
	return ops.Do(name, input, cfg)
}

// earliestClock is the guard against a host's fake clock: wazero (so the
// Extism Go SDK) gives a module a clock that starts at 2022-01-01 unless
// the host asks for the system's. Expiries checked against it would be
// wrong, so an export that needs the time refuses a clock before this.
var earliestClock = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// envelopeDepth is ops' bound on an input envelope.
const envelopeDepth = 66

// maxToken bounds the bearer token (Entra ID access tokens are a few KB).
const maxToken = 16 << 10

// splitToken takes "token" out of a create_link or grant input and gives
// back the build operation's input. Input that is not a well-formed object
// is handed on as it is: the build operation reports it exactly as it
// does for its own export.
func splitToken(input []byte) (env []byte, token string, err error) {
	if p, _ := jsontext.Check(input, envelopeDepth); p != jsontext.OK {
		return input, "", nil
	}
	env = append(make([]byte, 0, len(input)), '{')
	found := false
	var seen [8]string
	dup := jsontext.Members(jsontext.Parse(input), seen[:0], func(k string, v gjson.Result) bool {
		if k != "token" {
			env = jsontext.AppendKey(env, k)
			env = append(env, v.Raw...)
			return true
		}
		if v.Type != gjson.String {
			err = inputError("token", "'token' must be a string, not "+jsontext.TypeName(v))
			return false
		}
		token, found = v.Str, true
		return true
	})
	switch {
	case dup != "":
		return nil, "", inputError(dup, "'"+dup+"' appears twice in the input")
	case err != nil:
		return nil, "", err
	case !found:
		return nil, "", inputError("token", "the input needs 'token', the bearer token to send to Graph")
	}
	if token == "" || len(token) > maxToken {
		return nil, "", inputError("token", "'token' must be a bearer token of 1 to 16384 characters")
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c <= ' ' || c >= 0x7f {
			// Never echo the token: say where, not what.
			return nil, "", inputError("token", "'token' holds a character a bearer token cannot have, at byte "+strconv.Itoa(i))
		}
	}
	return append(env, '}'), token, nil
}

func inputError(target, msg string) *core.Error {
	return &core.Error{Status: 400, Code: core.CodeInvalidRequest, Target: target, Message: msg}
}

// sendBuilt is create_link and grant: build the request, send it through
// the host with the caller's token, and shape the answer — a 2xx as the
// shape_permission operation writes it (grant always as a collection),
// anything else as an upstreamError.
func sendBuilt(build func([]byte, *ops.Config) (core.Request, error), shape func(int, []byte) (core.Shaped, error),
	input []byte, cfg *ops.Config, h host) ([]byte, error) {
	env, token, err := splitToken(input)
	if err != nil {
		return nil, err
	}
	req, err := build(env, cfg)
	if err != nil {
		return nil, err
	}
	if token == "" {
		// unreachable: a malformed input fails in the build operation
		return nil, inputError("token", "the input needs 'token'")
	}
	resp := h.Send(&httpRequest{
		Method: req.Method,
		URL:    cfg.GraphBaseURL + req.Path,
		Headers: [][2]string{
			{"Authorization", "Bearer " + token},
			{"Content-Type", req.ContentType},
			{"Accept", "application/json"},
		},
		Body: req.Body,
	})
	switch {
	case resp.Status == 0:
		return nil, &core.Error{Status: 502, Code: core.CodeBadGateway, Target: "graph_base_url",
			Message: "the host sent no request to Graph: it must allow the host of graph_base_url " +
				"(Extism allowed_hosts; the JS SDK also needs runInWorker: true)"}
	case resp.Status < 200 || resp.Status > 299:
		return nil, shapeUpstream(resp, cfg.Now)
	}
	shaped, err := shape(resp.Status, resp.Body)
	if err != nil {
		return nil, err
	}
	out := ops.AppendShaped(make([]byte, 0, len(shaped.Body)+64), &shaped)
	if len(req.Adjusted) == 0 {
		return out, nil
	}
	// A policy that clamped the request says so beside the result.
	return append(ops.AppendAdjusted(out[:len(out)-1], req.Adjusted), '}'), nil
}

// upstreamError is Graph's error answer, shaped: its text is the error
// text the host sees.
type upstreamError struct{ text []byte }

func (e *upstreamError) Error() string { return string(e.text) }

// shapeUpstream reads a Graph error answer:
// {"error":{...},"status","throttled","retryable","retryAfterSeconds"?}.
func shapeUpstream(resp httpResponse, now time.Time) *upstreamError {
	var retryAfter string
	for k, v := range resp.Headers {
		if core.EqualFoldASCII(k, "Retry-After") {
			retryAfter = v
		}
	}
	u := core.ParseUpstreamError(resp.Status, retryAfter, resp.Body, now)
	b := u.AppendJSON(make([]byte, 0, 256+len(u.Message)))
	b = append(b[:len(b)-1], `,"status":`...)
	b = strconv.AppendInt(b, int64(u.Status), 10)
	b = u.AppendRetryFacts(b)
	return &upstreamError{append(b, '}')}
}

// errorText is the error text an export sets: the Graph error body with
// the status beside it, {"error":{"code","message","target"?},"status"}.
func errorText(err error) []byte {
	if u, ok := err.(*upstreamError); ok {
		return u.text
	}
	e := core.AsError(err)
	b := e.AppendJSON(make([]byte, 0, 96+len(e.Message)))
	b = append(b[:len(b)-1], `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	return append(b, '}')
}
