package graphsim

import (
	"fmt"
	"net/http"
)

// graphError is a Graph error response waiting to be written.
type graphError struct {
	status int
	code   string
	msg    string
	inner  string            // innerError.code, when Graph sets one
	header map[string]string // extra response headers (Retry-After, Allow, WWW-Authenticate)
}

func errInvalid(format string, a ...any) *graphError {
	return &graphError{status: http.StatusBadRequest, code: "invalidRequest", msg: fmt.Sprintf(format, a...)}
}

func errNotFound() *graphError {
	return &graphError{status: http.StatusNotFound, code: "itemNotFound", msg: "The resource could not be found."}
}

func errDenied(format string, a ...any) *graphError {
	return &graphError{status: http.StatusForbidden, code: "accessDenied", msg: fmt.Sprintf(format, a...)}
}

func errUnauthenticated(msg string) *graphError {
	return &graphError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", msg: msg,
		header: map[string]string{"WWW-Authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`}}
}

// errMeNeedsUser is Graph's answer to /me with an application token.
func errMeNeedsUser() *graphError {
	return &graphError{status: http.StatusBadRequest, code: "BadRequest", msg: "/me request is only valid with delegated authentication flow."}
}

// errorBody is the JSON of a Graph error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code       string     `json:"code"`
	Message    string     `json:"message"`
	InnerError innerError `json:"innerError"`
}

type innerError struct {
	Code            string `json:"code,omitempty"`
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}
