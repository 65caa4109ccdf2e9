package main

import (
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

// versionInfo is the version export's output: ops' version document,
// every operation of ops' table. It never changes: made once.
func versionInfo() []byte {
	if versionDoc == nil {
		versionDoc = ops.VersionInfo()
	}
	return versionDoc
}

var versionDoc []byte

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

// call runs the export name on input: the operation of that name in ops'
// table, given the host's clock when it needs the time, and sent through
// the host when it is a send operation.
func (in *instance) call(name string, input []byte, h host) ([]byte, error) {
	cfg, err := in.config(h)
	if err != nil {
		return nil, err
	}
	op, err := ops.Lookup(name)
	if err != nil {
		return nil, err
	}
	if op.Clock && !in.fixedNow {
		now := h.Now()
		if now.Before(earliestClock) {
			return nil, core.Internal("now", "the host's clock reads "+now.UTC().Format(time.RFC3339)+", not the time: "+
				"give the module the system clock (wazero: ModuleConfig.WithSysWalltime) or set the config key now")
		}
		cfg.Now = now
	}
	switch op.Kind {
	case ops.KindVersion:
		return versionInfo(), nil
	case ops.KindSend:
		return sendBuilt(op, input, cfg, h)
	}
	return op.Do(input, cfg)
}

// earliestClock is the guard against a host's fake clock: wazero (so the
// Extism Go SDK) gives a module a clock that starts at 2022-01-01 unless
// the host asks for the system's. Expiries checked against it would be
// wrong, so an export that needs the time refuses a clock before this.
var earliestClock = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// splitToken takes "token" out of a create_link or grant input and gives
// back the build operation's input. Input that is not a well-formed object
// is handed on as it is: the build operation reports it exactly as it
// does for its own export.
func splitToken(input []byte) (env []byte, token string, err error) {
	if p, _ := jsontext.Check(input, ops.EnvelopeDepth); p != jsontext.OK {
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
			err = core.Invalid("token", "'token' must be a string, not "+jsontext.TypeName(v))
			return false
		}
		token, found = v.Str, true
		return true
	})
	switch {
	case dup != "":
		return nil, "", core.Invalid(dup, "'"+dup+"' appears twice in the input")
	case err != nil:
		return nil, "", err
	case !found:
		return nil, "", core.Invalid("token", "the input needs 'token', the bearer token to send to Graph")
	}
	if err := core.CheckBearerToken(token); err != nil {
		return nil, "", err
	}
	return append(env, '}'), token, nil
}

// sendBuilt runs a send operation (create_link, grant): build the
// request of its action, send it through the host with the caller's
// token, and answer a 2xx as the action's row shapes it (grant always as a
// collection), written as the shape_permission operation writes it;
// anything else is an upstreamError.
func sendBuilt(op *ops.Operation, input []byte, cfg *ops.Config, h host) ([]byte, error) {
	env, token, err := splitToken(input)
	if err != nil {
		return nil, err
	}
	route, req, err := op.Request(env, cfg)
	if err != nil {
		return nil, err
	}
	if token == "" {
		// unreachable: a malformed input fails in the build operation
		return nil, core.Invalid("token", "the input needs 'token'")
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
		return nil, core.BadGateway("graph_base_url", "the host sent no request to Graph: it must allow the host of graph_base_url "+
			"(Extism allowed_hosts; the JS SDK also needs runInWorker: true)")
	case resp.Status < 200 || resp.Status > 299:
		return nil, shapeUpstream(resp, cfg.Now)
	}
	res, err := core.Shape(&route, resp.Status, resp.Body)
	if err != nil {
		return nil, err
	}
	return ops.AppendSent(make([]byte, 0, len(res.Body)+64), &res.Shaped, req.Adjusted), nil
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
	b := append(make([]byte, 0, 256+len(u.Message)), `{"error":`...)
	b = u.AppendObject(b)
	b = append(b, `,"status":`...)
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
	return ops.ErrorText(err)
}
