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
	dst = append(dst, `{"error":{`...)
	dst = jsontext.AppendKey(dst, "code")
	dst = jsontext.AppendString(dst, e.Code)
	dst = jsontext.AppendKey(dst, "message")
	dst = jsontext.AppendString(dst, e.Message)
	if e.Target != "" {
		dst = jsontext.AppendKey(dst, "target")
		dst = jsontext.AppendString(dst, e.Target)
	}
	return append(dst, "}}"...)
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
