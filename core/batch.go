package core

import (
	"strconv"
	"strings"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// JSON batching (POST /{version}/$batch), as Microsoft Graph's
// concepts/json-batching.md describes it:
//
//   - "A JSON batch request body consists of a single JSON object with one
//     required property: requests";
//   - id: "Required. String. … Not case-sensitive. Must be unique in the
//     batch, otherwise, the batch request fails with a 400 error code";
//   - method: "Required. The HTTP method";
//   - url: "Required. The relative resource URL … while the absolute URL
//     is https://graph.microsoft.com/v1.0/users, this url is /users" (the
//     doc's own example 5 has no leading '/': "users?$select=…");
//   - headers: "Optional but required when the body is specified. A JSON
//     object with the key/value pair for the headers";
//   - body: "Optional. Might be a JSON object or a base64 URL-encoded
//     value, for example, when the body is an image. When a body is
//     included with the request, the headers object must contain a value
//     for Content-Type";
//   - dependsOn: "an array of strings that references the id of a
//     different individual request";
//   - "JSON batch requests are currently limited to 20 individual
//     requests".
//
// sharelink's own rules on top, for a proxy that must not be steered:
// method one of GET, POST, PATCH, PUT, DELETE exactly as written; a url
// that is a path relative to the version (no scheme, no '//host', no
// '\\', no control character, no fragment) and names no $batch; headers
// that are HTTP tokens with values free of control characters, and none of
// the connection-level or credential headers (the batch's Authorization is
// the one every step runs with); a body that is an object or array under a
// JSON Content-Type and a base64 string under any other; dependsOn naming
// other steps, each once, with no cycle.

// maxBatchSteps is Graph's limit on the requests of one batch.
const maxBatchSteps = 20

const (
	maxStepID      = 256
	maxStepURL     = 8192 // a path (4096) and a query
	maxStepHeaders = 32
	maxHeaderName  = 256
	maxHeaderValue = 8192
	// requests → step → body: the bodies of the sharing actions are three
	// levels deep; room is left for the other item actions.
	batchRequestDepth = 3 + 8
	// Graph's answers: responses → step → a body as deep as a driveItem.
	batchResponseDepth = 3 + driveItemDepth
	maxResponseHeaders = 64
)

// Header is one HTTP header of a batch step, its name as written.
type Header struct {
	Name, Value string
}

// BatchStep is one validated request of a batch.
type BatchStep struct {
	ID        string
	Method    string   // GET, POST, PATCH, PUT or DELETE
	URL       string   // as written: relative to the version, path and query
	Headers   []Header // in document order; nil when none
	Body      []byte   // the body's JSON value as written; nil when none
	DependsOn []string // ids as written; nil when none
}

// Header returns the value of the header named name (in any case).
func (s *BatchStep) Header(name string) (string, bool) {
	return headerOf(s.Headers, name)
}

func headerOf(hs []Header, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Batch is a validated JSON batch request.
type Batch struct {
	Steps []BatchStep
	order []int
}

// Order gives the indexes of the steps in an order that runs each after
// the steps it depends on: document order, a step moved back only as far
// as its dependencies need.
func (b *Batch) Order() []int {
	return append([]int(nil), b.order...)
}

// Index returns the index of the step whose id is id, compared as Graph
// compares ids ("Not case-sensitive"), or -1.
func (b *Batch) Index(id string) int {
	return stepIndex(b.Steps, id)
}

func stepIndex(steps []BatchStep, id string) int {
	for i := range steps {
		if strings.EqualFold(steps[i].ID, id) {
			return i
		}
	}
	return -1
}

// forbiddenHeaders may not be set by a step: credentials (the batch's own
// Authorization applies to every step), cookies, and the headers of the
// connection and of the message framing, which the proxy owns.
var forbiddenHeaders = [...]string{
	"Authorization", "Proxy-Authorization", "Cookie", "Host",
	"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
	"Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect",
}

func isForbiddenHeader(name string) bool {
	for _, f := range forbiddenHeaders {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// ParseBatch reads and validates a JSON batch request body. Every error
// is a 400 whose target names the step and property at fault, e.g.
// "requests[3].dependsOn" or "requests[0].headers.Authorization".
func ParseBatch(body []byte) (Batch, error) {
	b, err := parseBatch(body)
	if err != nil {
		return Batch{}, err
	}
	return b, nil
}

func parseBatch(body []byte) (Batch, *Error) {
	return walker{}.batch(body)
}

// batch reads a batch body as every request body is read: jsontext.Check
// (depth, UTF-8, one value), then the walker over each object — members
// bounded, a repeated key refused, lone surrogate escapes refused. A
// step's body is kept as written; Build reads it with the walker of its
// action when the step is checked.
func (w walker) batch(body []byte) (Batch, *Error) {
	var b Batch
	if p, key := jsontext.Check(body, batchRequestDepth); p != jsontext.OK {
		return b, bodyError(p, key)
	}
	w = w.of(body)
	var err *Error
	var requests gjson.Result
	dup, werr := w.members(jsontext.Parse(body), "body", segmentForMessage, func(k string, v gjson.Result) bool {
		switch {
		case jsontext.IsAnnotation(k):
		case k == "requests":
			requests = v
		default:
			err = unknownProperty(k)
		}
		return err == nil
	})
	if werr != nil {
		return b, werr
	}
	if dup != "" {
		return b, duplicateProperty(dup)
	}
	if err != nil {
		return b, err
	}
	if !requests.IsArray() {
		if !requests.Exists() || requests.Type == gjson.Null {
			return b, invalid("requests", "a batch needs 'requests', an array of 1 to 20 requests")
		}
		return b, invalid("requests", "'requests' must be an array, not "+jsontext.TypeName(requests))
	}
	n := 0
	requests.ForEach(func(_, _ gjson.Result) bool { n++; return n <= maxBatchSteps })
	switch {
	case n == 0:
		return b, invalid("requests", "a batch needs at least one request")
	case n > maxBatchSteps:
		return b, invalid("requests", "a batch holds at most 20 requests")
	}
	b.Steps = make([]BatchStep, 0, n)
	requests.ForEach(func(_, v gjson.Result) bool {
		var s BatchStep
		s, err = w.step(v, "requests["+strconv.Itoa(len(b.Steps))+"]")
		if err == nil {
			if j := stepIndex(b.Steps, s.ID); j >= 0 {
				err = invalid("requests["+strconv.Itoa(len(b.Steps))+"].id",
					"the id '"+segmentForMessage(s.ID)+"' is the id of request "+strconv.Itoa(j)+" too; ids are unique, whatever their case")
			}
		}
		b.Steps = append(b.Steps, s)
		return err == nil
	})
	if err != nil {
		return Batch{}, err
	}
	if b.order, err = stepOrder(b.Steps); err != nil {
		return Batch{}, err
	}
	return b, nil
}

func (w walker) step(v gjson.Result, at string) (BatchStep, *Error) {
	var s BatchStep
	if !v.IsObject() {
		return s, invalid(at, "each request of a batch is an object, not "+jsontext.TypeName(v))
	}
	var err *Error
	var headers, body, deps gjson.Result
	member := func(k string) string {
		if k == "" {
			return at
		}
		return at + "." + segmentForMessage(k)
	}
	dup, werr := w.members(v, at, member, func(k string, val gjson.Result) bool {
		if jsontext.IsAnnotation(k) {
			return true
		}
		t := member(k)
		switch k {
		case "id":
			s.ID, err = stepString(val, t, maxStepID)
		case "method":
			s.Method, err = stepString(val, t, 16)
		case "url":
			s.URL, err = stepString(val, t, maxStepURL)
		case "headers":
			headers = val
		case "body":
			body = val
		case "dependsOn":
			deps = val
		default:
			err = invalid(t, "'"+segmentForMessage(k)+"' is not a property of a batch request")
		}
		return err == nil
	})
	if werr != nil {
		return s, werr
	}
	if dup != "" {
		return s, invalid(at+"."+segmentForMessage(dup), "'"+segmentForMessage(dup)+"' appears more than once in the request")
	}
	if err != nil {
		return s, err
	}
	switch {
	case s.ID == "":
		return s, invalid(at+".id", "each request needs a non-empty string 'id'")
	case s.Method == "":
		return s, invalid(at+".method", "each request needs a 'method'")
	case s.URL == "":
		return s, invalid(at+".url", "each request needs a 'url'")
	}
	if hasControl(s.ID) {
		return s, invalid(at+".id", "the id contains a control character")
	}
	if err := checkMethod(s.Method, at+".method"); err != nil {
		return s, err
	}
	if err := checkStepURL(s.URL, at+".url"); err != nil {
		return s, err
	}
	if s.Headers, err = parseStepHeaders(headers, at+".headers"); err != nil {
		return s, err
	}
	if s.Body, err = stepBody(body, s.Headers, at); err != nil {
		return s, err
	}
	if s.DependsOn, err = parseDependsOn(deps, at+".dependsOn"); err != nil {
		return s, err
	}
	return s, nil
}

// stepString reads a string property: null is absent, which the caller
// reports as missing.
func stepString(v gjson.Result, at string, max int) (string, *Error) {
	switch {
	case v.Type == gjson.Null:
		return "", nil
	case v.Type != gjson.String:
		return "", invalid(at, "'"+at+"' must be a string, not "+jsontext.TypeName(v))
	case len(v.Str) > max:
		return "", invalid(at, "'"+at+"' is longer than "+strconv.Itoa(max)+" bytes")
	}
	return v.Str, nil
}

var batchMethods = [...]string{"GET", "POST", "PATCH", "PUT", "DELETE"}

func checkMethod(m, at string) *Error {
	for _, b := range batchMethods {
		if m == b {
			return nil
		}
	}
	for _, b := range batchMethods {
		if strings.EqualFold(m, b) {
			return invalid(at, "the method is written in capitals: '"+b+"'")
		}
	}
	return invalid(at, "the method of a batch request is GET, POST, PATCH, PUT or DELETE, not '"+segmentForMessage(m)+"'")
}

// checkStepURL accepts a path relative to the version ("/me/drive/…" or
// "me/drive/…") with an optional query, and refuses what could point the
// step elsewhere: a scheme, a '//host', a '\\', a fragment, a control
// character, a $batch segment.
func checkStepURL(u, at string) *Error {
	if strings.HasPrefix(u, "//") {
		return invalid(at, "a batch url is relative to the version, as '/me/drive'; '//host' is refused")
	}
	if c := u[0]; c != '/' && !isPathChar(c) {
		return invalid(at, "a batch url starts with '/' or a path segment, as '/me/drive' or 'me/drive'")
	}
	path := u
	if i := strings.IndexByte(u, '?'); i >= 0 {
		path = u[:i]
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c < ' ' || c == 0x7f:
			return invalid(at, "the url contains a control character")
		case c == '#':
			return invalid(at, "the url has a fragment, which is not part of a request")
		case c == '\\' && i < len(path):
			return invalid(at, "the url's path contains '\\'")
		}
	}
	if i := strings.IndexAny(path, ":/"); i >= 0 && path[i] == ':' && !strings.Contains(path[:i], "/") && isScheme(path[:i]) {
		return invalid(at, "a batch url is relative to the version, as '/me/drive'; an absolute URL is refused")
	}
	for rest := strings.TrimPrefix(path, "/"); rest != ""; {
		seg, tail, _ := strings.Cut(rest, "/")
		rest = tail
		d, ok := percentDecode(seg)
		if !ok {
			return invalid(at, "the url's path has a malformed percent-escape")
		}
		if strings.EqualFold(d, "$batch") {
			return invalid(at, "a batch cannot hold a $batch request")
		}
	}
	return nil
}

// isPathChar reports whether c may start an RFC 3986 path segment: an
// unreserved character, a sub-delimiter, ':', '@' or a percent-escape.
func isPathChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("-._~!$&'()*+,;=:@%", c) >= 0
}

// isScheme reports whether s is an RFC 3986 scheme: a letter, then
// letters, digits, '+', '-' or '.'.
func isScheme(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func parseStepHeaders(v gjson.Result, at string) ([]Header, *Error) {
	if !v.Exists() || v.Type == gjson.Null {
		return nil, nil
	}
	if !v.IsObject() {
		return nil, invalid(at, "'headers' must be an object of strings, not "+jsontext.TypeName(v))
	}
	var hs []Header
	var err *Error
	v.ForEach(func(k, val gjson.Result) bool {
		name := k.Str
		t := at + "." + segmentForMessage(name)
		switch {
		case len(hs) == maxStepHeaders:
			err = invalid(at, "a request has at most "+strconv.Itoa(maxStepHeaders)+" headers")
		case !validHeaderName(name) || jsontext.LoneSurrogate(k.Raw):
			if name == "" {
				t = at
			}
			err = invalid(t, "'"+segmentForMessage(name)+"' is not a valid header name")
		case isForbiddenHeader(name):
			err = invalid(t, "the header '"+name+"' may not be set on a batch request")
		case val.Type != gjson.String:
			err = invalid(t, "a header's value must be a string, not "+jsontext.TypeName(val))
		case len(val.Str) > maxHeaderValue:
			err = invalid(t, "the value of '"+name+"' is longer than "+strconv.Itoa(maxHeaderValue)+" bytes")
		case !validHeaderValue(val.Str):
			err = invalid(t, "the value of '"+name+"' contains a control character")
		case jsontext.LoneSurrogate(val.Raw):
			err = invalid(t, "the value of '"+name+"' holds "+loneSurrogate)
		default:
			if _, dup := headerOf(hs, name); dup {
				err = invalid(t, "the header '"+name+"' appears more than once, whatever its case")
				break
			}
			hs = append(hs, Header{Name: name, Value: val.Str})
		}
		return err == nil
	})
	return hs, err
}

// validHeaderName: an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" || len(s) > maxHeaderName {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validHeaderValue: visible characters, spaces and tabs (RFC 9110
// field-value; no CR or LF that could start another header).
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// stepBody checks a step's body against its Content-Type: an object or an
// array under a JSON type, a base64 string under any other.
func stepBody(v gjson.Result, hs []Header, at string) ([]byte, *Error) {
	if !v.Exists() || v.Type == gjson.Null {
		return nil, nil
	}
	ct, ok := headerOf(hs, "Content-Type")
	if !ok || strings.TrimSpace(ct) == "" {
		return nil, invalid(at+".headers", "a request with a body needs a Content-Type header")
	}
	if isJSONMediaType(ct) {
		if !v.IsObject() && !v.IsArray() {
			return nil, invalid(at+".body", "under a JSON Content-Type the body is an object or an array, not "+jsontext.TypeName(v))
		}
	} else if v.Type != gjson.String || !validBase64(v.Str) {
		return nil, invalid(at+".body", "under a Content-Type other than JSON the body is a base64 string")
	}
	return []byte(v.Raw), nil
}

// isJSONMediaType: application/json or any type with a +json suffix,
// parameters aside.
func isJSONMediaType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json") && strings.Contains(mt, "/")
}

// validBase64 accepts the standard and the URL alphabets (not mixed),
// padded or not.
func validBase64(s string) bool {
	t := strings.TrimRight(s, "=")
	if pad := len(s) - len(t); pad > 2 || pad > 0 && len(s)%4 != 0 || len(t)%4 == 1 {
		return false
	}
	std, url := false, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		case c == '+' || c == '/':
			std = true
		case c == '-' || c == '_':
			url = true
		default:
			return false
		}
	}
	return !(std && url)
}

func parseDependsOn(v gjson.Result, at string) ([]string, *Error) {
	if !v.Exists() || v.Type == gjson.Null {
		return nil, nil
	}
	if !v.IsArray() {
		return nil, invalid(at, "'dependsOn' must be an array of ids, not "+jsontext.TypeName(v))
	}
	var ids []string
	var err *Error
	v.ForEach(func(_, e gjson.Result) bool {
		switch {
		case len(ids) == maxBatchSteps-1:
			err = invalid(at, "a request depends on at most the 19 others of its batch")
		case e.Type != gjson.String || e.Str == "":
			err = invalid(at, "each entry of 'dependsOn' is the id of another request, not "+jsontext.TypeName(e))
		case jsontext.LoneSurrogate(e.Raw):
			err = invalid(at, "an entry of 'dependsOn' holds "+loneSurrogate)
		default:
			for _, id := range ids {
				if strings.EqualFold(id, e.Str) {
					err = invalid(at, "'dependsOn' names '"+segmentForMessage(e.Str)+"' twice")
					return false
				}
			}
			ids = append(ids, e.Str)
		}
		return err == nil
	})
	return ids, err
}

// stepOrder checks that each dependsOn names another step of the batch
// and that they form no cycle, and orders the steps: document order, each
// step after what it depends on.
func stepOrder(steps []BatchStep) ([]int, *Error) {
	var deps [maxBatchSteps][]int
	for i := range steps {
		for _, d := range steps[i].DependsOn {
			j := stepIndex(steps, d)
			at := "requests[" + strconv.Itoa(i) + "].dependsOn"
			switch {
			case j < 0:
				return nil, invalid(at, "'"+segmentForMessage(d)+"' is not the id of a request of the batch")
			case j == i:
				return nil, invalid(at, "a request cannot depend on itself")
			}
			deps[i] = append(deps[i], j)
		}
	}
	order := make([]int, 0, len(steps))
	var done [maxBatchSteps]bool
	for len(order) < len(steps) {
		next := -1
		for i := range steps {
			if done[i] {
				continue
			}
			ready := true
			for _, j := range deps[i] {
				if !done[j] {
					ready = false
					break
				}
			}
			if ready {
				next = i
				break
			}
		}
		if next < 0 {
			for i := range steps {
				if !done[i] {
					return nil, invalid("requests["+strconv.Itoa(i)+"].dependsOn", "the dependsOn of the batch form a cycle through request '"+segmentForMessage(steps[i].ID)+"'")
				}
			}
		}
		done[next] = true
		order = append(order, next)
	}
	return order, nil
}

// OutStep is a step to send upstream. URL is the escaped upstream path
// without the version prefix ("/me/drive/items/01AB/createLink": Graph's
// batch urls are relative to the version), a query included if any; Body
// a JSON value (or a base64 string under a non-JSON Content-Type), nil for
// none.
type OutStep struct {
	ID        string
	Method    string
	URL       string
	Headers   []Header
	Body      []byte
	DependsOn []string
}

// AppendBatchRequest writes the upstream batch body for steps, in their
// order. The result is checked as ParseBatch checks a caller's batch, so
// that sharelink never sends a batch it would refuse: a dependsOn naming
// a step not among steps, for one, is an error.
func AppendBatchRequest(dst []byte, steps []OutStep) ([]byte, error) {
	start := len(dst)
	dst = append(dst, `{"requests":[`...)
	for i := range steps {
		s := &steps[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = jsontext.AppendKey(dst, "id")
		dst = jsontext.AppendString(dst, s.ID)
		dst = jsontext.AppendKey(dst, "method")
		dst = jsontext.AppendString(dst, s.Method)
		dst = jsontext.AppendKey(dst, "url")
		dst = jsontext.AppendString(dst, s.URL)
		if len(s.Headers) > 0 {
			dst = jsontext.AppendKey(dst, "headers")
			dst = appendHeaders(dst, s.Headers)
		}
		if s.Body != nil {
			if p, _ := jsontext.CheckValue(s.Body, batchRequestDepth-2); p != jsontext.OK {
				return dst[:start], invalid("requests["+strconv.Itoa(i)+"].body", "the body is not a JSON value")
			}
			dst = jsontext.AppendKey(dst, "body")
			dst = append(dst, s.Body...)
		}
		if len(s.DependsOn) > 0 {
			dst = jsontext.AppendKey(dst, "dependsOn")
			dst = append(dst, '[')
			for j, d := range s.DependsOn {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = jsontext.AppendString(dst, d)
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	dst = append(dst, "]}"...)
	if _, err := parseBatch(dst[start:]); err != nil {
		return dst[:start], err
	}
	return dst, nil
}

func appendHeaders(dst []byte, hs []Header) []byte {
	dst = append(dst, '{')
	for _, h := range hs {
		dst = jsontext.AppendKey(dst, h.Name)
		dst = jsontext.AppendString(dst, h.Value)
	}
	return append(dst, '}')
}

// StepResponse is one answer of a batch: the step's id, its HTTP status,
// its headers and its body as a raw JSON value (nil when none).
type StepResponse struct {
	ID      string
	Status  int
	Headers []Header
	Body    []byte
}

// Header returns the value of the header named name (in any case).
func (r *StepResponse) Header(name string) (string, bool) {
	return headerOf(r.Headers, name)
}

// ParseBatchResponse reads Graph's answer to a batch of the steps whose
// ids are sent: {"responses":[{"id","status","headers"?,"body"?}]}, in any
// order ("Individual responses might appear in a different order than the
// requests"), one for each id sent and none for another. A malformed
// answer is a 502 badGateway naming what is wrong.
func ParseBatchResponse(body []byte, sent []string) ([]StepResponse, error) {
	rs, err := parseBatchResponse(body, sent)
	if err != nil {
		return nil, err
	}
	return rs, nil
}

func parseBatchResponse(body []byte, sent []string) ([]StepResponse, *Error) {
	if p, _ := jsontext.Check(body, batchResponseDepth); p != jsontext.OK {
		return nil, badGateway("responses", "Graph's batch answer is malformed: "+p.String())
	}
	var seen [4]string
	var responses gjson.Result
	var err *Error
	members := 0
	dup := jsontext.Members(jsontext.Parse(body), seen[:0], func(k string, v gjson.Result) bool {
		if members++; members > 16 {
			err = badGateway("responses", "Graph's batch answer has too many members")
			return false
		}
		switch {
		case jsontext.IsAnnotation(k):
		case k == "responses":
			responses = v
		default:
			t := segmentForMessage(k)
			if k == "" {
				t = "body"
			}
			err = badGateway(t, "Graph's batch answer has an unknown member '"+segmentForMessage(k)+"'")
		}
		return err == nil
	})
	switch {
	case dup != "":
		return nil, badGateway(segmentForMessage(dup), "Graph's batch answer has '"+segmentForMessage(dup)+"' twice")
	case err != nil:
		return nil, err
	case !responses.IsArray():
		return nil, badGateway("responses", "Graph's batch answer has no 'responses' array")
	}
	out := make([]StepResponse, 0, len(sent))
	responses.ForEach(func(_, v gjson.Result) bool {
		at := "responses[" + strconv.Itoa(len(out)) + "]"
		if len(out) == len(sent) {
			err = badGateway(at, "Graph's batch answer has more responses than requests were sent")
			return false
		}
		var r StepResponse
		if r, err = parseStepResponse(v, at); err != nil {
			return false
		}
		known := false
		for _, id := range sent {
			known = known || strings.EqualFold(id, r.ID)
		}
		if !known {
			err = badGateway(at+".id", "Graph answered for '"+segmentForMessage(r.ID)+"', which was not sent")
			return false
		}
		for i := range out {
			if strings.EqualFold(out[i].ID, r.ID) {
				err = badGateway(at+".id", "Graph answered twice for '"+segmentForMessage(r.ID)+"'")
				return false
			}
		}
		out = append(out, r)
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(out) < len(sent) {
		for _, id := range sent {
			found := false
			for i := range out {
				found = found || strings.EqualFold(out[i].ID, id)
			}
			if !found {
				return nil, badGateway("responses", "Graph's batch answer has no response for '"+segmentForMessage(id)+"'")
			}
		}
	}
	return out, nil
}

func parseStepResponse(v gjson.Result, at string) (StepResponse, *Error) {
	var r StepResponse
	if !v.IsObject() {
		return r, badGateway(at, "a batch response is an object, not "+jsontext.TypeName(v))
	}
	var seen [8]string
	var err *Error
	hasStatus := false
	members := 0
	dup := jsontext.Members(v, seen[:0], func(k string, val gjson.Result) bool {
		if members++; members > 16 {
			err = badGateway(at, "a batch response has too many members")
			return false
		}
		t := at + "." + segmentForMessage(k)
		switch {
		case jsontext.IsAnnotation(k):
		case k == "id":
			if val.Type != gjson.String || val.Str == "" || len(val.Str) > maxStepID {
				err = badGateway(t, "a batch response's id is a non-empty string")
			}
			r.ID = val.Str
		case k == "status":
			hasStatus = true
			r.Status = httpStatus(val)
			if r.Status == 0 {
				err = badGateway(t, "a batch response's status is an HTTP status code")
			}
		case k == "headers":
			r.Headers, err = parseResponseHeaders(val, t)
		case k == "body":
			if val.Type != gjson.Null {
				r.Body = []byte(val.Raw)
			}
		default:
			if k == "" {
				t = at
			}
			err = badGateway(t, "a batch response has an unknown member '"+segmentForMessage(k)+"'")
		}
		return err == nil
	})
	switch {
	case dup != "":
		return r, badGateway(at+"."+segmentForMessage(dup), "a batch response has '"+segmentForMessage(dup)+"' twice")
	case err != nil:
		return r, err
	case r.ID == "":
		return r, badGateway(at+".id", "a batch response has no id")
	case !hasStatus:
		return r, badGateway(at+".status", "a batch response has no status")
	}
	return r, nil
}

// httpStatus reads a status code 100–599 written as an integer; 0 for
// anything else.
func httpStatus(v gjson.Result) int {
	if v.Type != gjson.Number || len(v.Raw) != 3 {
		return 0
	}
	n := 0
	for i := 0; i < 3; i++ {
		c := v.Raw[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if n < 100 || n > 599 {
		return 0
	}
	return n
}

func parseResponseHeaders(v gjson.Result, at string) ([]Header, *Error) {
	if v.Type == gjson.Null {
		return nil, nil
	}
	if !v.IsObject() {
		return nil, badGateway(at, "a batch response's headers are an object of strings")
	}
	var hs []Header
	var err *Error
	v.ForEach(func(k, val gjson.Result) bool {
		switch {
		case len(hs) == maxResponseHeaders:
			err = badGateway(at, "a batch response has more than "+strconv.Itoa(maxResponseHeaders)+" headers")
		case !validHeaderName(k.Str):
			err = badGateway(at, "a batch response has a header name that is not a token")
		case val.Type != gjson.String || len(val.Str) > maxHeaderValue || !validHeaderValue(val.Str):
			err = badGateway(at+"."+k.Str, "a batch response's header value is a string of visible characters")
		default:
			if _, dup := headerOf(hs, k.Str); dup {
				err = badGateway(at+"."+k.Str, "a batch response has the header '"+k.Str+"' twice")
				break
			}
			hs = append(hs, Header{Name: k.Str, Value: val.Str})
		}
		return err == nil
	})
	return hs, err
}

// AppendBatchResponse writes the caller's batch answer,
// {"responses":[{"id","status","headers"?,"body"?}]}, in the order of rs.
// Each body is written as the raw JSON value it holds; one that is not a
// JSON value (never the case for bodies ParseBatchResponse read or core
// wrote) is written as null rather than break the answer.
func AppendBatchResponse(dst []byte, rs []StepResponse) []byte {
	dst = append(dst, `{"responses":[`...)
	for i := range rs {
		r := &rs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = jsontext.AppendKey(dst, "id")
		dst = jsontext.AppendString(dst, r.ID)
		dst = jsontext.AppendKey(dst, "status")
		dst = strconv.AppendInt(dst, int64(r.Status), 10)
		if len(r.Headers) > 0 {
			dst = jsontext.AppendKey(dst, "headers")
			dst = appendHeaders(dst, r.Headers)
		}
		if r.Body != nil {
			dst = jsontext.AppendKey(dst, "body")
			if p, _ := jsontext.CheckValue(r.Body, batchResponseDepth); p == jsontext.OK {
				dst = append(dst, r.Body...)
			} else {
				dst = append(dst, "null"...)
			}
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// BatchURL turns an upstream path built by core ("/v1.0/me/drive/…",
// Route.Upstream) into the url of a batch step: the same escaped path
// without its version, as a batch's urls are relative to the batch's
// version. A path without a version prefix is returned as it is.
func BatchURL(upstream string) string {
	for _, v := range [...]string{"/v1.0/", "/beta/"} {
		if strings.HasPrefix(upstream, v) {
			return upstream[len(v)-1:]
		}
	}
	return upstream
}
