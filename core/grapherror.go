package core

import (
	"errors"

	"github.com/sharelink/sharelink/internal/jsontext"
)

// Graph error codes, as Graph spells them.
const (
	CodeInvalidRequest       = "invalidRequest"
	CodeAccessDenied         = "accessDenied"
	CodeItemNotFound         = "itemNotFound"
	CodeNotAllowed           = "notAllowed"
	CodeNotSupported         = "notSupported"
	CodeActivityLimitReached = "activityLimitReached"
	CodeServiceNotAvailable  = "serviceNotAvailable"
	CodeGeneralException     = "generalException"
	CodeUnauthenticated      = "unauthenticated"
	CodeRequestTooLarge      = "requestTooLarge"
	CodeUnsupportedMedia     = "unsupportedMediaType"
	CodeBadGateway           = "badGateway"
	CodeGatewayTimeout       = "gatewayTimeout"
)

// Error is a Graph-style error: what went wrong (Code, Message), where
// (Target: the property, path segment or policy rule at fault) and the HTTP
// status it answers with.
type Error struct {
	Status  int
	Code    string
	Message string
	Target  string
	// Allow is a 405's list of the methods the route answers, as the
	// Allow header gives it ("GET, DELETE"); empty otherwise.
	Allow string
}

func (e *Error) Error() string {
	if e.Target != "" {
		return e.Code + " (" + e.Target + "): " + e.Message
	}
	return e.Code + ": " + e.Message
}

// AppendJSON appends the Graph error body
// {"error":{"code","message","target"?}}.
func (e *Error) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"error":`...)
	dst = e.AppendObject(dst)
	return append(dst, '}')
}

// AppendObject appends the value of the body's "error" member,
// {"code","message","target"?}, for writers that put other members beside
// it.
func (e *Error) AppendObject(dst []byte) []byte {
	dst = append(dst, '{')
	dst = jsontext.AppendKey(dst, "code")
	dst = jsontext.AppendString(dst, e.Code)
	dst = jsontext.AppendKey(dst, "message")
	dst = jsontext.AppendString(dst, e.Message)
	if e.Target != "" {
		dst = jsontext.AppendKey(dst, "target")
		dst = jsontext.AppendString(dst, e.Target)
	}
	return append(dst, '}')
}

// JSON returns the Graph error body.
func (e *Error) JSON() []byte { return e.AppendJSON(make([]byte, 0, 64+len(e.Message))) }

// AsError returns err as an *Error; anything else becomes a 500
// generalException, which core itself never produces.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Status: 500, Code: CodeGeneralException, Message: err.Error()}
}

// The errors sharelink's layers answer with, one constructor per kind:
// each sets the Graph code and the HTTP status that go together. target
// is the property, header or path segment at fault ("" for none).

// Invalid is a 400 invalidRequest: the request is malformed.
func Invalid(target, msg string) *Error { return invalid(target, msg) }

// NotFound is a 404 itemNotFound: no route or operation has this name.
func NotFound(target, msg string) *Error { return notFound(target, msg) }

// Denied is a 403 accessDenied: a policy refuses the request.
func Denied(target, msg string) *Error { return denied(target, msg) }

// Unauthenticated is a 401 unauthenticated: no usable bearer token.
func Unauthenticated(target, msg string) *Error {
	return &Error{Status: 401, Code: CodeUnauthenticated, Message: msg, Target: target}
}

// TooLarge is a 413 requestTooLarge.
func TooLarge(target, msg string) *Error {
	return &Error{Status: 413, Code: CodeRequestTooLarge, Message: msg, Target: target}
}

// UnsupportedMedia is a 415 unsupportedMediaType.
func UnsupportedMedia(target, msg string) *Error {
	return &Error{Status: 415, Code: CodeUnsupportedMedia, Message: msg, Target: target}
}

// BadGateway is a 502 badGateway: Graph's answer is unusable, or none came.
func BadGateway(target, msg string) *Error { return badGateway(target, msg) }

// GatewayTimeout is a 504 gatewayTimeout: Graph did not answer in time.
func GatewayTimeout(target, msg string) *Error {
	return &Error{Status: 504, Code: CodeGatewayTimeout, Message: msg, Target: target}
}

// Internal is a 500 generalException: sharelink's host or configuration
// is at fault, not the request.
func Internal(target, msg string) *Error {
	return &Error{Status: 500, Code: CodeGeneralException, Message: msg, Target: target}
}

// NotAllowed is the 405 notAllowed of a route that does not answer method;
// allow lists the methods it does ("GET, DELETE"), also as Error.Allow.
func NotAllowed(method, allow string) *Error {
	return &Error{Status: 405, Code: CodeNotAllowed, Target: "method", Allow: allow,
		Message: "this route accepts " + allow + ", not " + segmentForMessage(method)}
}

func invalid(target, msg string) *Error {
	return &Error{Status: 400, Code: CodeInvalidRequest, Message: msg, Target: target}
}

func notFound(target, msg string) *Error {
	return &Error{Status: 404, Code: CodeItemNotFound, Message: msg, Target: target}
}

func denied(target, msg string) *Error {
	return &Error{Status: 403, Code: CodeAccessDenied, Message: msg, Target: target}
}

// bodyError turns a jsontext problem into the error a caller sees.
func bodyError(p jsontext.Problem, key string) *Error {
	switch p {
	case jsontext.TooDeep:
		if key == "" {
			key = "body"
		}
		return invalid(key, "the value of '"+key+"' is nested deeper than the schema allows")
	case jsontext.Empty:
		return invalid("body", "the request body is empty; a JSON object is required")
	}
	return invalid("body", p.String())
}

// Parts gives status, code and target, for hosts and tests that compare
// errors without importing core.
func (e *Error) Parts() (int, string, string) { return e.Status, e.Code, e.Target }
