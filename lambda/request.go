package lambda

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
)

// incoming is what the handler reads from an event besides the body.
type incoming struct {
	method          string
	path            string
	rawQuery        string
	authorization   string
	contentType     string
	clientRequestID string
}

// readEvent reads method, path and the headers the handler uses. API
// Gateway and Function URLs send header names in lower case; other
// spellings (a hand-written test event) are found too.
func readEvent(ev *events.APIGatewayV2HTTPRequest, basePath string) incoming {
	in := incoming{
		method:   ev.RequestContext.HTTP.Method,
		path:     ev.RawPath,
		rawQuery: ev.RawQueryString,
	}
	if in.path == "" {
		in.path = ev.RequestContext.HTTP.Path
	}
	if basePath != "" {
		if rest, ok := strings.CutPrefix(in.path, basePath); ok && (rest == "" || rest[0] == '/') {
			in.path = rest
		}
	}
	in.authorization = header(ev.Headers, "authorization")
	in.contentType = header(ev.Headers, "content-type")
	in.clientRequestID = checkClientRequestID(header(ev.Headers, "client-request-id"))
	return in
}

func header(h map[string]string, lower string) string {
	if v, ok := h[lower]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, lower) {
			return v
		}
	}
	return ""
}

// checkClientRequestID keeps a caller's client-request-id when it is a
// plain token (Graph's SDKs send a GUID); anything else is replaced by a
// fresh id rather than copied into upstream headers and logs.
func checkClientRequestID(v string) string {
	if v == "" || len(v) > 128 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return ""
		}
	}
	return v
}

// readBody returns the decoded body, bounded: past max it is a 413
// before anything is decoded or parsed.
func readBody(ev *events.APIGatewayV2HTTPRequest, max int) ([]byte, *core.Error) {
	if !ev.IsBase64Encoded {
		if len(ev.Body) > max {
			return nil, tooLarge(max)
		}
		return []byte(ev.Body), nil
	}
	enc := base64.StdEncoding
	if enc.DecodedLen(len(ev.Body)) > max+2 { // +2: padding makes DecodedLen overcount
		return nil, tooLarge(max)
	}
	b := make([]byte, enc.DecodedLen(len(ev.Body)))
	n, err := enc.Decode(b, []byte(ev.Body))
	if err != nil {
		return nil, &core.Error{Status: http.StatusBadRequest, Code: core.CodeInvalidRequest, Target: "body",
			Message: "the event's body is marked base64 but is not valid base64"}
	}
	if n > max {
		return nil, tooLarge(max)
	}
	return b[:n], nil
}

func tooLarge(max int) *core.Error {
	return &core.Error{Status: http.StatusRequestEntityTooLarge, Code: core.CodeRequestTooLarge, Target: "body",
		Message: "the request body is larger than " + strconv.Itoa(max) + " bytes"}
}

// checkJSONMediaType accepts application/json with no charset or UTF-8,
// the only body Graph's sharing actions take.
func checkJSONMediaType(ct string) *core.Error {
	mt, params, _ := strings.Cut(ct, ";")
	if !strings.EqualFold(strings.TrimSpace(mt), "application/json") {
		return &core.Error{Status: http.StatusUnsupportedMediaType, Code: core.CodeUnsupportedMedia, Target: "Content-Type",
			Message: "the request body must be sent with Content-Type: application/json"}
	}
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "charset") {
			continue
		}
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if !strings.EqualFold(val, "utf-8") && !strings.EqualFold(val, "utf8") {
			return &core.Error{Status: http.StatusUnsupportedMediaType, Code: core.CodeUnsupportedMedia, Target: "Content-Type",
				Message: "the request body must be UTF-8 JSON"}
		}
	}
	return nil
}
