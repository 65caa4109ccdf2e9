package lambda

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
)

// ServeHTTP serves the handler over net/http (lambda/cmd/local): the
// request becomes the same 2.0 event API Gateway would send, Handle
// answers it, and the event response becomes the HTTP response. There is
// no second code path: only this translation.
//
// A body that cannot be read whole (a chunked body whose framing breaks,
// a connection closed before Content-Length bytes came, the server's read
// timeout) is answered 400 by the handler, logged as any refusal, and
// nothing goes upstream: a request that did not arrive whole is not acted
// on, even when what did arrive parses.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev, err := h.EventFromHTTP(r)
	ctx := r.Context()
	if err != nil {
		ctx = context.WithValue(ctx, bodyErrorKey{}, err)
	}
	resp, _ := h.Handle(ctx, ev) // never an error: see Handle
	WriteEventResponse(w, &resp)
}

// bodyErrorKey carries, from ServeHTTP to the handler, the error that
// stopped the request body being read.
type bodyErrorKey struct{}

// bodyReadError is the 400 of a request whose body could not be read, or
// nil.
func bodyReadError(ctx context.Context) *core.Error {
	if err, _ := ctx.Value(bodyErrorKey{}).(error); err != nil {
		return badBody("the request body could not be read whole (" + readFailure(err) + "); it was not acted on")
	}
	return nil
}

// readFailure names why a body read failed without echoing the error's
// text (which may quote what the client sent).
func readFailure(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection ended before the body did"
	case errors.As(err, &ne) && ne.Timeout():
		return "it was not sent in time"
	}
	return "its framing is broken"
}

// EventFromHTTP builds the 2.0 event of r as API Gateway does: header
// names in lower case, repeated headers joined by commas, a body that is
// not UTF-8 base64-encoded. At most MaxBody+1 bytes are read, enough for
// the handler to answer 413. The error is the body's read error, if any:
// the event then holds what was read, and must not be acted on.
func (h *Handler) EventFromHTTP(r *http.Request) (events.APIGatewayV2HTTPRequest, error) {
	hd := make(map[string]string, len(r.Header)+1)
	for k, vs := range r.Header {
		hd[core.ToLowerASCII(k)] = strings.Join(vs, ",")
	}
	if r.Host != "" {
		hd["host"] = r.Host
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Headers:        hd,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:  "$default",
			Stage:     "$default",
			TimeEpoch: time.Now().UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  r.RemoteAddr,
				UserAgent: r.UserAgent(),
			},
		},
	}
	var err error
	if r.Body != nil && r.Body != http.NoBody {
		var b []byte
		b, err = io.ReadAll(io.LimitReader(r.Body, int64(h.cfg.MaxBody)+1))
		if utf8.Valid(b) {
			ev.Body = string(b)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(b)
			ev.IsBase64Encoded = true
		}
	}
	return ev, err
}

// WriteEventResponse writes an event response as API Gateway does.
func WriteEventResponse(w http.ResponseWriter, resp *events.APIGatewayV2HTTPResponse) {
	// Set and Add canonicalise the names: net/http looks up Content-Type
	// and Content-Length canonically, and would add its own beside a
	// lower-case copy.
	wh := w.Header()
	for k, v := range resp.Headers {
		wh.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			wh.Add(k, v)
		}
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	if resp.StatusCode != http.StatusNoContent {
		wh.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(resp.StatusCode)
	if len(body) > 0 {
		// A failed write is the client gone or the write timeout: net/http
		// closes the connection, and there is no one left to answer.
		_, _ = w.Write(body)
	}
}

// ServerLimits bound a net/http server in front of the handler
// (lambda/cmd/local), as API Gateway bounds what reaches the function:
// a slow or stalled client holds a connection for a bounded time, and
// headers are bounded in size.
type ServerLimits struct {
	// ReadHeaderTimeout bounds reading the request line and headers;
	// ReadTimeout bounds reading the whole request, body included.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// WriteTimeout runs from the end of the headers to the end of the
	// answer: the body, the handler's work (at most the config's
	// RequestTimeout) and writing the answer.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection with no next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers; past it
	// net/http answers 431 itself.
	MaxHeaderBytes int
}

// The default server limits. API Gateway HTTP APIs take at most 10,240
// bytes of request line and headers and wait 30 s for the function; the
// handler's own bound on a bearer token is larger (32 KB, core.MaxBearerToken), and
// the local server lets it be the one that answers, so the header bound
// is twice that.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 20 * time.Second // a 6 MB body (Lambda's payload bound) at 2.4 Mbit/s
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 2 * core.MaxBearerToken
	// writeSlack is the time left, past the body and the handler's work,
	// to write the answer.
	writeSlack = 5 * time.Second
)

// DefaultServerLimits are the limits of a server for cfg: the write
// timeout outlasts reading the body and the request timeout together, so
// the handler's own timeout always answers first (504, Graph-shaped),
// never a connection cut mid-answer.
func DefaultServerLimits(cfg Config) ServerLimits {
	return ServerLimits{
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      DefaultReadTimeout + cfg.withDefaults().RequestTimeout + writeSlack,
		IdleTimeout:       DefaultIdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
	}
}

// NewServer is the net/http server of h with limits l, and no mux: the
// handler sees every path as sent (a mux would clean paths and redirect).
func NewServer(h *Handler, l ServerLimits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}
