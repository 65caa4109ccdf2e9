package lambda

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/sharelink/sharelink/core"
)

// maxUpstreamBody bounds what is read of one Graph answer. A permission
// collection of a heavily shared item is tens of KiB; past this the answer
// is a 502 rather than unbounded memory.
const maxUpstreamBody = 4 << 20

// NewHTTPClient is the pooled client a function instance keeps for its
// lifetime: connections to Graph are reused across invocations. Redirects
// are not followed: the upstream host is fixed by configuration, and a 3xx
// is reported as a bad gateway.
func NewHTTPClient(cfg Config) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   256, // lambda/cmd/local serves many callers at once
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: cfg.AttemptTimeout,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// result is the outcome of the last upstream attempt.
type result struct {
	status    int // 0 when no answer came (err is set)
	body      []byte
	requestID string
	retry     string // Retry-After as sent
	etag      string // ETag as sent
	err       *core.Error
}

// attempt sends one request and reads its whole answer within timeout (a
// duration, not a time: the handler's clock may be a test's).
func (h *Handler) attempt(ctx context.Context, timeout time.Duration, req *core.Request, query, auth, crid string) result {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(actx, req.Method, h.cfg.GraphBaseURL+req.Path+query, body)
	if err != nil {
		return result{err: badGateway("the upstream request could not be made")}
	}
	// Set directly, not through Header.Set: the keys are already canonical
	// (Graph reads client-request-id in any case). The constant values are
	// shared slices: net/http never writes to a request's header values.
	vals := [2]string{auth, crid}
	hr.Header = make(http.Header, 5)
	hr.Header["Authorization"] = vals[0:1:1]
	hr.Header["Client-Request-Id"] = vals[1:2:2]
	hr.Header["Accept"] = acceptJSON
	hr.Header["User-Agent"] = userAgent
	// The conditional headers the action forwards (If-Match,
	// If-None-Match), checked and made canonical by core.Build.
	for _, kv := range req.Headers {
		hr.Header[kv[0]] = []string{kv[1]}
	}
	if req.Body != nil {
		if req.ContentType == "application/json" {
			hr.Header["Content-Type"] = acceptJSON
		} else {
			hr.Header["Content-Type"] = []string{req.ContentType}
		}
	}
	resp, err := h.client.Do(hr)
	if err != nil {
		return result{err: transportError(ctx, actx, err)}
	}
	defer resp.Body.Close()
	// Graph's request-id goes into every log line and the caller's
	// request-id header: kept only when it is a plain id, as Graph's GUIDs
	// are (else the request keeps sharelink's own).
	res := result{status: resp.StatusCode, requestID: checkClientRequestID(resp.Header.Get("Request-Id")), retry: resp.Header.Get("Retry-After"), etag: resp.Header.Get("Etag")}
	res.body, err = readAll(resp)
	if err != nil {
		res.status = 0
		if errors.Is(err, errTooLong) {
			res.err = badGateway("the upstream answer is larger than sharelink reads")
		} else {
			res.err = transportError(ctx, actx, err)
		}
	}
	return res
}

var (
	acceptJSON = []string{"application/json"}
	userAgent  = []string{"sharelink-lambda"}
)

var errTooLong = errors.New("upstream body too long")

// readAll reads a bounded body, in one allocation when its length is known.
func readAll(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 {
		if n > maxUpstreamBody {
			return nil, errTooLong
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamBody+1))
	if err == nil && len(b) > maxUpstreamBody {
		return nil, errTooLong
	}
	return b, err
}

// transportError is a failed exchange as the caller sees it: a timeout is
// a 504, anything else (refused, reset, dropped, truncated) a 502. No
// detail of the network error is echoed: it may name internal addresses.
func transportError(parent, attempt context.Context, err error) *core.Error {
	var ne net.Error
	switch {
	case parent.Err() != nil && !errors.Is(parent.Err(), context.DeadlineExceeded):
		return core.BadGateway("", "the request was cancelled before Graph answered")
	case errors.Is(attempt.Err(), context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return core.GatewayTimeout("", "Microsoft Graph did not answer in time")
	}
	return badGateway("the connection to Microsoft Graph failed before a complete answer arrived")
}

func badGateway(msg string) *core.Error {
	return core.BadGateway("", msg)
}
