package lambda

import (
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// ServeHTTP serves the handler over net/http (lambda/cmd/local): the
// request becomes the same 2.0 event API Gateway would send, Handle
// answers it, and the event response becomes the HTTP response. There is
// no second code path: only this translation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ev := h.EventFromHTTP(r)
	resp, _ := h.Handle(r.Context(), ev) // never an error: see Handle
	WriteEventResponse(w, &resp)
}

// EventFromHTTP builds the 2.0 event of r as API Gateway does: header
// names in lower case, repeated headers joined by commas, a body that is
// not UTF-8 base64-encoded. At most MaxBody+1 bytes are read, enough for
// the handler to answer 413.
func (h *Handler) EventFromHTTP(r *http.Request) events.APIGatewayV2HTTPRequest {
	hd := make(map[string]string, len(r.Header)+1)
	for k, vs := range r.Header {
		hd[strings.ToLower(k)] = strings.Join(vs, ",")
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
	if r.Body != nil && r.Body != http.NoBody {
		b, _ := io.ReadAll(io.LimitReader(r.Body, int64(h.cfg.MaxBody)+1))
		if utf8.Valid(b) {
			ev.Body = string(b)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(b)
			ev.IsBase64Encoded = true
		}
	}
	return ev
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
		_, _ = w.Write(body)
	}
}
