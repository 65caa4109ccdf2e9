package ops

import (
	"strconv"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

var shapePermissionFields = [...]field{
	{"status", gjson.Number, true},
	{"body", gjson.JSON, true},
}

// ShapePermission: {"status","body"} → for a single permission
// {"created","kind","permission"}, for a collection
// {"permissions":[...],"kinds":[...],"link"?} where link is the entry whose
// link facet has a scope (grant's updated link). body is the upstream
// body as a JSON value, or as a string holding its raw text.
func ShapePermission(input []byte) ([]byte, error) {
	var in [len(shapePermissionFields)]gjson.Result
	if err := readEnvelope(input, shapePermissionFields[:], in[:]); err != nil {
		return nil, err
	}
	status, err := statusInput(in[0])
	if err != nil {
		return nil, err
	}
	s, err := core.ShapePermission(status, bodyBytes(input, in[1]))
	if err != nil {
		return nil, err
	}
	return AppendShaped(make([]byte, 0, shapedCap(&s)), &s), nil
}

// shapedCap is room for what AppendShaped writes of s: one allocation.
func shapedCap(s *core.Shaped) int {
	n := len(s.Body) + 64 + 16*len(s.Kinds)
	if s.Collection && s.Link >= 0 {
		n += len(s.Entry(s.Link))
	}
	return n
}

// AppendShaped writes a shaped answer the way the shape_permission
// operation does: {"created","kind","permission"} for one permission,
// {"permissions","kinds","link"?} for a collection.
func AppendShaped(b []byte, s *core.Shaped) []byte {
	return append(appendShapedMembers(b, s), '}')
}

// AppendSent writes the answer of a send operation (create_link, grant):
// the shaped answer as AppendShaped writes it, with "adjusted" beside it
// when the policy changed the request (a clamp is reported, never silent).
func AppendSent(b []byte, s *core.Shaped, adj []core.Adjustment) []byte {
	b = appendShapedMembers(b, s)
	b = AppendAdjusted(b, adj)
	return append(b, '}')
}

// appendShapedMembers is AppendShaped without the closing brace.
func appendShapedMembers(b []byte, s *core.Shaped) []byte {
	if !s.Collection {
		b = append(b, `{"created":`...)
		b = jsontext.AppendBool(b, s.Created)
		b = append(b, `,"kind":`...)
		b = jsontext.AppendString(b, s.Kinds[0].String())
		b = append(b, `,"permission":`...)
		return append(b, s.Body...)
	}
	// The permissions are core's entries, each written whole.
	b = append(b, `{"permissions":[`...)
	for i := range s.Kinds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s.Entry(i)...)
	}
	b = append(b, `],"kinds":[`...)
	for i, k := range s.Kinds {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, k.String())
	}
	b = append(b, ']')
	if s.Link >= 0 {
		b = append(b, `,"link":`...)
		b = append(b, s.Entry(s.Link)...)
	}
	return b
}

var shapeErrorFields = [...]field{
	{"status", gjson.Number, true},
	{"headers", gjson.JSON, false},
	{"body", gjson.JSON, false},
}

// ShapeError: {"status","headers"?,"body"?} →
// {"status","error","throttled","retryable","retryAfterSeconds"?}.
// headers maps names (any letter case) to a string or an array of
// strings; only Retry-After is read. body is as for ShapePermission;
// absent or null means an empty body. error is the canonical value of
// Graph's "error" member; retryAfterSeconds is whole seconds rounded up,
// present when Retry-After was readable.
func ShapeError(input []byte, now time.Time) ([]byte, error) {
	var in [len(shapeErrorFields)]gjson.Result
	if err := readEnvelope(input, shapeErrorFields[:], in[:]); err != nil {
		return nil, err
	}
	status, err := statusInput(in[0])
	if err != nil {
		return nil, err
	}
	retryAfter, err := retryAfterHeader(in[1])
	if err != nil {
		return nil, err
	}
	var body []byte
	if in[2].Exists() && in[2].Type != gjson.Null {
		body = bodyBytes(input, in[2])
	}
	u := core.ParseUpstreamError(status, retryAfter, body, now)
	b := make([]byte, 0, upstreamCap(&u))
	b = append(b, `{"status":`...)
	b = strconv.AppendInt(b, int64(u.Status), 10)
	b = append(b, `,"error":`...)
	b = u.AppendObject(b)
	b = u.AppendRetryFacts(b)
	return append(b, '}'), nil
}

// upstreamCap is room for u written with its status and retry facts, as
// ShapeError and an UpstreamError's text write it: one allocation.
func upstreamCap(u *core.UpstreamError) int {
	n := 192 + len(u.Code) + len(u.Message) + len(u.Date) + len(u.RequestID) + len(u.ClientRequestID)
	for _, c := range u.InnerCodes {
		n += 32 + len(c)
	}
	return n
}

// statusInput reads "status": an integer HTTP status, 100–599, written
// as plain digits.
func statusInput(v gjson.Result) (int, error) {
	n, err := strconv.Atoi(v.Raw)
	if err != nil || n < 100 || n > 599 {
		return 0, invalidInput("status", "'status' must be an integer HTTP status from 100 to 599")
	}
	return n, nil
}

// retryAfterHeader finds Retry-After in the headers object. A name given
// twice in different cases, or twice in an array, is ambiguous.
func retryAfterHeader(h gjson.Result) (string, error) {
	if !h.Exists() {
		return "", nil
	}
	if !h.IsObject() {
		return "", invalidInput("headers", "'headers' must be an object, not "+jsontext.TypeName(h))
	}
	var seen [16]string
	var value string
	var err error
	found := false
	dup := jsontext.Members(h, seen[:0], func(name string, v gjson.Result) bool {
		var s string
		n := 0
		switch {
		case v.Type == gjson.String:
			s, n = v.Str, 1
		case v.IsArray():
			v.ForEach(func(_, e gjson.Result) bool {
				if e.Type != gjson.String {
					err = invalidInput("headers."+name, "a header value must be a string or an array of strings")
					return false
				}
				s = e.Str
				n++
				return true
			})
		default:
			err = invalidInput("headers."+name, "a header value must be a string or an array of strings")
		}
		if err != nil || !core.EqualFoldASCII(name, "Retry-After") || n == 0 {
			return err == nil
		}
		if found || n > 1 {
			err = invalidInput("headers."+name, "Retry-After is given more than once")
			return false
		}
		found, value = true, s
		return true
	})
	if dup != "" {
		return "", invalidInput("headers."+dup, "the header '"+dup+"' appears twice")
	}
	return value, err
}
