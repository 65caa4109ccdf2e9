package lambda

import (
	"context"
	crand "crypto/rand"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
)

// Doer sends one HTTP request; *http.Client is one. Tests and benchmarks
// put an in-memory upstream here.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Handler answers API Gateway HTTP API and Function URL events (payload
// 2.0). It is safe for concurrent use and holds no per-request state.
type Handler struct {
	cfg      Config
	client   Doer
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	jitter   func() float64 // [0, 1)
	newID    func() string
	log      *slog.Logger
	deadline func(context.Context) (time.Time, bool)
}

// Option changes a Handler's collaborators: the clock, randomness, the
// upstream client and the log, so that tests need no real time or network.
type Option func(*Handler)

// WithClient sends upstream requests through d instead of the pooled
// client New makes.
func WithClient(d Doer) Option { return func(h *Handler) { h.client = d } }

// WithClock replaces the clock and the wait between attempts; the wait
// must return early with ctx's error when ctx ends.
func WithClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(h *Handler) { h.now, h.sleep = now, sleep }
}

// WithJitter replaces the source of backoff jitter (values in [0, 1)).
func WithJitter(f func() float64) Option { return func(h *Handler) { h.jitter = f } }

// WithIDs replaces the generator of client-request-id and request-id values.
func WithIDs(f func() string) Option { return func(h *Handler) { h.newID = f } }

// WithLogger replaces the JSON logger on standard output.
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// WithDeadline replaces how the invocation's deadline is read from its
// context (tests with a fake clock give one on that clock).
func WithDeadline(f func(context.Context) (time.Time, bool)) Option {
	return func(h *Handler) { h.deadline = f }
}

// New makes a Handler. Without WithClient it makes the one pooled HTTP
// client the function keeps for its lifetime.
func New(cfg Config, opts ...Option) *Handler {
	h := &Handler{
		cfg:      cfg.withDefaults(),
		now:      time.Now,
		sleep:    sleepCtx,
		jitter:   rand.Float64,
		newID:    newUUID,
		deadline: func(ctx context.Context) (time.Time, bool) { return ctx.Deadline() },
	}
	for _, o := range opts {
		o(h)
	}
	if h.client == nil {
		h.client = NewHTTPClient(cfg)
	}
	if h.log == nil {
		h.log = NewLogger(os.Stdout)
	}
	return h
}

// Handle answers one event. It never returns an error: every failure is a
// Graph-shaped response, because an error returned to the Lambda runtime
// reaches the caller as API Gateway's own 500, not as Graph JSON.
func (h *Handler) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	x := exchange{start: h.now(), apigwRequestID: ev.RequestContext.RequestID}
	resp := h.serve(ctx, &ev, &x)
	x.status = resp.StatusCode
	h.logDecision(ctx, &x, x.pol.route) // decision.go
	h.logMetrics(ctx, &x)               // metrics.go
	h.logExchange(ctx, &x)
	return resp, nil
}

// exchange is what one request did, for its log line and its response
// headers.
type exchange struct {
	start           time.Time
	action          core.Action
	version         core.Version
	method          string
	clientRequestID string
	requestID       string // upstream's request-id, or ours when nothing went upstream
	etag            string // upstream's ETag, checked, for an action that forwards conditional headers
	apigwRequestID  string // API Gateway's or the Function URL's id of the request
	status          int
	upstreamStatus  int
	attempts        int
	upstreamTime    time.Duration
	waited          time.Duration
	errCode         string
	errTarget       string
	adjusted        []core.Adjustment
	gaveUp          string           // why a retryable answer was not retried
	origin          string           // the caller's Origin, when SHARELINK_CORS_ORIGINS lists it
	batch           *core.BuiltBatch // a $batch's steps, each logged on its own line
	pol             policyState      // decision.go: the policy chosen, what it found, the decision record
}

// serve is Handle without the log line.
func (h *Handler) serve(ctx context.Context, ev *events.APIGatewayV2HTTPRequest, x *exchange) events.APIGatewayV2HTTPResponse {
	in := readEvent(ev, h.cfg.BasePath)
	x.method = in.method
	x.clientRequestID = in.clientRequestID
	if x.clientRequestID == "" {
		x.clientRequestID = h.newID()
	}
	if resp, done := h.transport(ctx, &in, x); done { // transport.go: body read errors, CORS
		return resp
	}
	route, err := core.ParseRouteVersion(in.method, in.path, h.cfg.DefaultVersion)
	if err != nil {
		return h.fail(x, core.AsError(err))
	}
	x.action, x.version = route.Action, route.Version
	query, qerr := core.ParseQuery(route.Action, in.rawQuery)
	if qerr != nil {
		return h.fail(x, core.AsError(qerr))
	}
	if route.Action.IsBatch() {
		return h.serveBatch(ctx, ev, &in, x, &route) // batch.go
	}
	if err := core.CheckAuthorization(in.authorization); err != nil {
		return h.fail(x, core.AsError(err))
	}
	x.pol.choose(h, &route, &in)
	req, berr := h.build(&route, ev, &in, x.pol.policy)
	x.pol.request(&req)
	if berr != nil {
		return h.fail(x, berr)
	}
	x.adjusted = req.Adjusted
	if h.wantsDryRun(ev) { // dryrun.go
		return h.dryRun(x, &req)
	}
	res := h.send(ctx, x, &req, query, in.authorization)
	return h.respond(x, &route, &res)
}

// build reads the body of an action that takes one, checking its
// transport (size, encoding, media type), and has core turn route and
// body into the upstream request. A body sent to an action that takes
// none (GET, DELETE) is neither read nor forwarded.
func (h *Handler) build(route *core.Route, ev *events.APIGatewayV2HTTPRequest, in *incoming, policy *core.Policy) (core.Request, *core.Error) {
	var body []byte
	if route.Action.TakesBody() {
		b, err := readBody(ev, h.cfg.MaxBody)
		if err != nil {
			return core.Request{}, err
		}
		if err := checkJSONMediaType(in.contentType); err != nil {
			return core.Request{}, err
		}
		body = b
	}
	ctx := core.Context{Now: h.now(), Policy: policy} // the one x.pol.choose picked
	if route.Action.Forwards() {
		ctx.Header = func(name string) string { return header(ev.Headers, core.ToLowerASCII(name)) }
	}
	req, err := core.Build(route, body, &ctx)
	if err != nil {
		return req, core.AsError(err) // req: the terms and findings, for the decision record
	}
	return req, nil
}

// newUUID is a random version-4 UUID, the form Graph's request ids take.
func newUUID() string {
	var b [16]byte
	_, _ = crand.Read(b[:]) // never fails on Linux (Go 1.24+ panics rather than return an error)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	var s [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hexd[c>>4], hexd[c&0xf]
		j += 2
	}
	return string(s[:])
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
