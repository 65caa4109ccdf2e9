package main

import (
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

// sendBuilt runs a send operation (create_link, grant): its input read
// once by ops (the build operation's request and the token), the request
// sent through the host with the caller's token, and Graph's answer as ops
// writes it (ops.Answer).
func sendBuilt(op *ops.Operation, input []byte, cfg *ops.Config, h host) ([]byte, error) {
	s, err := op.Send(input, cfg)
	if err != nil {
		return nil, err
	}
	resp := h.Send(&httpRequest{
		Method: s.Request.Method,
		URL:    cfg.GraphBaseURL + s.Request.Path,
		Headers: [][2]string{
			{"Authorization", "Bearer " + s.Token},
			{"Content-Type", s.Request.ContentType},
			{"Accept", "application/json"},
		},
		Body: s.Request.Body,
	})
	if resp.Status == 0 {
		return nil, core.BadGateway("graph_base_url", "the host sent no request to Graph: it must allow the host of graph_base_url "+
			"(Extism allowed_hosts; the JS SDK also needs runInWorker: true)")
	}
	var retryAfter string
	for k, v := range resp.Headers {
		if core.EqualFoldASCII(k, "Retry-After") {
			retryAfter = v
		}
	}
	return ops.Answer(&s, resp.Status, retryAfter, resp.Body, cfg.Now)
}

// appendHTTPMeta writes the metadata of an Extism HTTP request,
// {"method","url","headers":{name:value}}, as go-pdk's HTTPRequestMeta.
func appendHTTPMeta(b []byte, r *httpRequest) []byte {
	b = append(b, `{"method":`...)
	b = jsontext.AppendString(b, r.Method)
	b = jsontext.AppendKey(b, "url")
	b = jsontext.AppendString(b, r.URL)
	b = append(b, `,"headers":{`...)
	for i, h := range r.Headers {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, h[0])
		b = append(b, ':')
		b = jsontext.AppendString(b, h[1])
	}
	return append(b, "}}"...)
}

// readHeaders reads the host's response headers, a JSON object of
// strings; anything else in it is skipped.
func readHeaders(b []byte) map[string]string {
	h := map[string]string{}
	jsontext.Parse(b).ForEach(func(k, v gjson.Result) bool {
		if v.Type == gjson.String {
			h[k.Str] = v.Str
		}
		return true
	})
	return h
}
