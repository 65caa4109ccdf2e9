package lambda

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"io"
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
	origin          string // Origin (CORS)
	preflightMethod string // Access-Control-Request-Method (CORS preflight)
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
	in.origin = header(ev.Headers, "origin")
	in.preflightMethod = header(ev.Headers, "access-control-request-method")
	return in
}

func header(h map[string]string, lower string) string {
	if v, ok := h[lower]; ok {
		return v
	}
	for k, v := range h {
		if core.EqualFoldASCII(k, lower) {
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

// readBody returns the body core parses: the event's base64 undone when
// the event says so (API Gateway sends binary bodies that way), then the
// Content-Encoding undone. Both stages are bounded by max: a raw body
// past it is a 413 before anything is decoded, and a decoded one stops
// after max+1 bytes (a gzip bomb costs at most that much). An encoding
// sharelink does not decode is a 415 before the body is looked at.
func readBody(ev *events.APIGatewayV2HTTPRequest, max int) ([]byte, *core.Error) {
	coding, cerr := contentCoding(header(ev.Headers, "content-encoding"))
	if cerr != nil {
		return nil, cerr
	}
	raw, err := eventBody(ev, max)
	if err != nil || coding == "" || len(raw) == 0 {
		// An empty body has nothing to decode, whatever it is labelled.
		return raw, err
	}
	return decodeBody(raw, coding, max)
}

// eventBody is the event's body as bytes, base64 undone, bounded by max.
func eventBody(ev *events.APIGatewayV2HTTPRequest, max int) ([]byte, *core.Error) {
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
		return nil, badBody("the event's body is marked base64 but is not valid base64")
	}
	if n > max {
		return nil, tooLarge(max)
	}
	return b[:n], nil
}

// The content codings readBody decodes ("" is the body as sent).
const (
	codingGzip    = "gzip"
	codingDeflate = "deflate"
)

// contentCoding reads a Content-Encoding value (RFC 9110 §8.4): gzip (and
// its old alias x-gzip), deflate, identity, in any case; identity
// entries are no-ops. Anything else — br, zstd, compress, an unknown
// name, an empty entry, two codings stacked ("gzip, gzip", or two
// headers joined) — is a 415: stacked codings have no client that needs
// them and each one multiplies the work a body costs.
func contentCoding(v string) (string, *core.Error) {
	if trimOWS(v) == "" {
		return "", nil
	}
	coding := ""
	for _, c := range strings.Split(v, ",") {
		switch c = core.ToLowerASCII(trimOWS(c)); c {
		case "identity":
			continue
		case "gzip", "x-gzip":
			c = codingGzip
		case "deflate":
		default:
			return "", unsupportedCoding("sharelink decodes request bodies sent with Content-Encoding gzip, deflate or identity only")
		}
		if coding != "" {
			return "", unsupportedCoding("sharelink decodes one Content-Encoding, not several stacked")
		}
		coding = c
	}
	return coding, nil
}

// decodeBody undoes one content coding, reading at most max+1 decoded
// bytes. deflate is RFC 9110's zlib stream (RFC 1950); a raw deflate
// stream (RFC 1951) is accepted too, as browsers do for responses:
// .NET's DeflateStream and other zlib-less clients send that under the
// same name. The two are told apart by the zlib header, which a raw
// stream's first two bytes match only by chance (then it fails as a
// corrupt zlib stream: a 400, never a wrong body). Bytes after the end of
// the compressed stream are refused, not ignored.
func decodeBody(raw []byte, coding string, max int) ([]byte, *core.Error) {
	src := bytes.NewReader(raw)
	var r io.ReadCloser
	var err error
	switch {
	case coding == codingGzip:
		r, err = gzip.NewReader(src) // multistream: concatenated members are one body (RFC 1952)
	case zlibHeader(raw):
		r, err = zlib.NewReader(src)
	default:
		r = flate.NewReader(src)
	}
	if err != nil {
		return nil, corruptBody(coding)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	switch {
	case len(b) > max:
		return nil, tooLarge(max)
	case err != nil, r.Close() != nil, src.Len() != 0:
		return nil, corruptBody(coding)
	}
	return b, nil
}

// zlibHeader reports whether b starts with a zlib header (RFC 1950 §2.2):
// method 8 (deflate), a window of at most 32 KB, no preset dictionary, and
// the check bits.
func zlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && b[1]&0x20 == 0 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

func badBody(msg string) *core.Error {
	return core.Invalid("body", msg)
}

func corruptBody(coding string) *core.Error {
	return badBody("the request body is labelled Content-Encoding: " + coding + " but is not a complete, valid " + coding + " stream")
}

func unsupportedCoding(msg string) *core.Error {
	return core.UnsupportedMedia("Content-Encoding", msg)
}

func tooLarge(max int) *core.Error {
	return core.TooLarge("body", "the request body is larger than "+strconv.Itoa(max)+" bytes")
}

// checkJSONMediaType accepts application/json with no charset or UTF-8,
// the only body Graph's sharing actions take (core's rule, which batch
// steps meet too).
func checkJSONMediaType(ct string) *core.Error {
	return core.AsError(core.CheckJSONMediaType(ct))
}

// trimOWS drops HTTP's optional white space (RFC 9110 §5.6.3: space and
// tab), and nothing else: strings.TrimSpace would also drop Unicode
// spaces that a header value cannot hold.
func trimOWS(s string) string { return strings.Trim(s, " \t") }
