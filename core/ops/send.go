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
}

// tokenField is the member a send operation adds to its build operation's
// input. It comes first: a missing token is reported before the rest.
var tokenField = field{"token", gjson.String, true}

var (
	createLinkSendFields = withToken(createLinkFields[:])
	grantSendFields      = withToken(grantFields[:])
)

func withToken(fs []field) []field { return append([]field{tokenField}, fs...) }

// maxFields bounds the fields of a send operation's input, for the array
// its values are read into.
const maxFields = 8

// readSending reads a send operation's input in one pass against fields
// (tokenField, then its build operation's fields) and checks the token;
// build makes the request of the build operation's values.
func readSending(input []byte, fields []field, build func([]byte, []gjson.Result, *Config) (core.Route, core.Request, error), cfg *Config) (Sending, error) {
	var in [maxFields]gjson.Result
	if err := readMembers(input, fields, in[:len(fields)]); err != nil {
		return Sending{}, err
	}
	if !in[0].Exists() {
		return Sending{}, invalidInput("token", "the input needs 'token', the bearer token to send to Graph")
	}
	if err := required(fields, in[:len(fields)]); err != nil {
		return Sending{}, err
	}
	token := in[0].Str
	if err := core.CheckBearerToken(token); err != nil {
		return Sending{}, err
	}
	route, req, err := build(input, in[1:len(fields)], cfg)
	if err != nil {
		return Sending{}, err
	}
	return Sending{Route: route, Request: req, Token: token}, nil
}

func createLinkSending(input []byte, cfg *Config) (Sending, error) {
	return readSending(input, createLinkSendFields, createLinkFrom, cfg)
}

func grantSending(input []byte, cfg *Config) (Sending, error) {
	return readSending(input, grantSendFields, grantFrom, cfg)
}

// Answer is a send operation's output for Graph's answer to s.Request:
// a 2xx shaped by the route's action row, written as the shape_permission
// operation writes it, with "adjusted" beside it when the policy changed
// the request (a clamp is reported, never silent); anything else is an
// *UpstreamError. retryAfter is the answer's Retry-After header.
func Answer(s *Sending, status int, retryAfter string, body []byte, now time.Time) ([]byte, error) {
	if status < 200 || status > 299 {
		u := core.ParseUpstreamError(status, retryAfter, body, now)
		return nil, newUpstreamError(&u)
	}
	res, err := core.Shape(&s.Route, status, body)
	if err != nil {
		return nil, err
	}
	return AppendSent(make([]byte, 0, len(res.Body)+64), &res.Shaped, s.Request.Adjusted), nil
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
	b := append(make([]byte, 0, 256+len(u.Message)), `{"error":`...)
	b = u.AppendObject(b)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(u.Status), 10)
	b = u.AppendRetryFacts(b)
	return &UpstreamError{Status: u.Status, text: append(b, '}')}
}

func (e *UpstreamError) Error() string { return string(e.text) }
