package ops

import (
	"strconv"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/tidwall/gjson"
)

// Sending is what the input of a send operation (create_link, grant)
// stands for: its build operation's request, the route whose action row
// shapes the answer, and the bearer token to send it with.
type Sending struct {
	Route   core.Route
	Request core.Request
	Token   string
	// Policy is the configured policy, which Graph's answer is held to
	// (check_answer's check); nil when none is configured.
	Policy *core.Policy
}

// tokenField is the member a send operation adds to its build operation's
// input. It comes first: a missing token is reported before the rest.
var tokenField = field{"token", gjson.String, true}

var (
	createLinkSendFields = withToken(createLinkFields[:])
	grantSendFields      = withToken(grantFields[:])
)

func withToken(fs []field) []field { return append([]field{tokenField}, fs...) }

// readSending reads a send operation's input in one pass against fields
// (tokenField, then its build operation's fields) into out, and checks
// the token.
func readSending(input []byte, fields []field, out []gjson.Result) (token string, err error) {
	if err := readMembers(input, fields, out); err != nil {
		return "", err
	}
	if !out[0].Exists() {
		return "", invalidInput("token", "the input needs 'token', the bearer token to send to Graph")
	}
	if err := required(fields, out); err != nil {
		return "", err
	}
	if err := core.CheckBearerToken(out[0].Str); err != nil {
		return "", err
	}
	return out[0].Str, nil
}

// The values are read into an array of the caller's, passed on by direct
// calls only: the array stays on the stack (each allocation costs more
// than a microsecond in a standard-Go WASM module).

func createLinkSending(input []byte, cfg *Config) (Sending, error) {
	var in [1 + len(createLinkFields)]gjson.Result
	token, err := readSending(input, createLinkSendFields, in[:])
	if err != nil {
		return Sending{}, err
	}
	route, req, err := createLinkFrom(input, in[1:], cfg)
	return Sending{Route: route, Request: req, Token: token, Policy: cfg.PolicyFor(&route)}, err
}

func grantSending(input []byte, cfg *Config) (Sending, error) {
	var in [1 + len(grantFields)]gjson.Result
	token, err := readSending(input, grantSendFields, in[:])
	if err != nil {
		return Sending{}, err
	}
	route, req, err := grantFrom(input, in[1:], cfg)
	return Sending{Route: route, Request: req, Token: token, Policy: cfg.PolicyFor(&route)}, err
}

// Answer is a send operation's output for Graph's answer to s.Request:
// a 2xx shaped by the route's action row, written as the shape_permission
// operation writes it, with "adjusted" beside it when the policy changed
// the request (a clamp is reported, never silent); anything else is an
// *UpstreamError. retryAfter is the answer's Retry-After header. With a
// policy configured, the answer is held to it as check_answer holds it
// (core.CheckAnswer, as the Lambda API does): Graph's own changes join
// "adjusted" ("by":"graph"), the rules that fired are "findings", and a
// rule broken in refuse mode is the error (403 naming the rule and, in
// its message, the permission Graph returned).
func Answer(s *Sending, status int, retryAfter string, body []byte, now time.Time) ([]byte, error) {
	if status < 200 || status > 299 {
		u := core.ParseUpstreamError(status, retryAfter, body, now)
		return nil, newUpstreamError(&u)
	}
	res, err := core.Shape(&s.Route, status, body)
	if err != nil {
		return nil, err
	}
	if s.Policy == nil {
		return AppendSent(make([]byte, 0, shapedCap(&res.Shaped)+128*len(s.Request.Adjusted)), &res.Shaped, s.Request.Adjusted), nil
	}
	ctx := core.Context{Now: now, Policy: s.Policy}
	a, err := core.CheckAnswer(&s.Route, &s.Request, &res.Shaped, &ctx)
	if err != nil {
		return nil, err
	}
	adj := append(s.Request.Adjusted[:len(s.Request.Adjusted):len(s.Request.Adjusted)], a.Adjusted...)
	b := make([]byte, 0, shapedCap(&res.Shaped)+128*(len(adj)+len(s.Request.Findings)+len(a.Findings)))
	b = appendShapedMembers(b, &res.Shaped)
	b = AppendAdjusted(b, adj)
	b = AppendFindings(b, append(s.Request.Findings[:len(s.Request.Findings):len(s.Request.Findings)], a.Findings...))
	return append(b, '}'), nil
}

// UpstreamError is Graph's error answer to a send operation's request,
// shaped: its text, which ErrorText gives, is the Graph error body with
// the status and what shape_error reads beside it,
// {"error":{...},"status","throttled","retryable","retryAfterSeconds"?}.
type UpstreamError struct {
	Status int
	text   []byte
}

func newUpstreamError(u *core.UpstreamError) *UpstreamError {
	b := append(make([]byte, 0, upstreamCap(u)), `{"error":`...)
	b = u.AppendObject(b)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(u.Status), 10)
	b = u.AppendRetryFacts(b)
	return &UpstreamError{Status: u.Status, text: append(b, '}')}
}

func (e *UpstreamError) Error() string { return string(e.text) }
