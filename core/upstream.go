package core

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharelink/sharelink/internal/jsontext"
)

// UpstreamError is an error answer of Microsoft Graph, read from its
// status, Retry-After header and body.
type UpstreamError struct {
	Status          int      // 400–599; an error answer with any other status is reported as 502
	Code            string   // error.code, or a code for the status when the body does not say
	Message         string   // error.message, at most 1 KiB
	InnerCodes      []string // the codes of the innerError chain, outermost first
	RequestID       string   // from the innerError chain: request-id
	ClientRequestID string   // client-request-id
	Date            string   // date
	Throttled       bool     // status 429, 503 or 509, or a code "throttledRequest" in the chain
	Retryable       bool     // status 429, 503, 504 or 509: worth sending again
	RetryAfter      time.Duration
	HasRetryAfter   bool // Retry-After was given and readable
}

// Bounds on what of an upstream body is kept: an error must stay small
// whatever Graph (or a proxy in front of it) sends.
const (
	upstreamDepth      = 32
	maxInnerErrors     = 8
	maxUpstreamMessage = 1024
	maxUpstreamField   = 256
)

// ParseUpstreamError reads Graph's error answer. It never fails: a body
// that is not a Graph error (an HTML page from a gateway, truncated JSON,
// nothing at all) gives the code Graph uses for the status and a message
// saying so, never the body itself.
//
// A Graph error is {"error":{"code","message","innerError":{...}}}. The
// inner chain is walked, at most 8 levels; its key is matched in any letter
// case (Graph writes innerError, some services innererror), as are
// "code", "request-id", "client-request-id" and "date" inside it; the
// outermost value of each id wins. A key read here that appears twice in
// one object ("error", or a key of the chain in any letter case) makes the
// body ambiguous, and it is treated as not a Graph error. A member of the
// wrong type is ignored.
//
// retryAfter is the Retry-After header value: delta-seconds (a fraction,
// as Graph documents "2.128", rounded up to whole seconds), or an
// HTTP-date in any of the three forms HTTP allows (IMF-fixdate, RFC 850,
// asctime), taken relative to now. A date in the past and a negative
// number give 0; very large values are clamped to what a Duration holds.
// An unreadable value is ignored (HasRetryAfter false).
func ParseUpstreamError(status int, retryAfter string, body []byte, now time.Time) UpstreamError {
	u := UpstreamError{Status: status}
	if status < 400 || status > 599 {
		u.Status = 502
	}
	if why := u.readBody(body); why != "" {
		// Nothing of an unusable body is kept, not even what was read
		// before the problem showed.
		u = UpstreamError{Status: u.Status, Message: "the upstream answered HTTP " + strconv.Itoa(status) + " " + why}
	}
	u.RetryAfter, u.HasRetryAfter = parseRetryAfter(retryAfter, now)
	if u.Code == "" {
		u.Code = codeForStatus(u.Status)
	}
	if u.Message == "" {
		u.Message = "the upstream answered HTTP " + strconv.Itoa(status) + " (" + u.Code + ") without a message"
	}
	switch u.Status {
	case 429, 503, 509:
		u.Throttled = true
		u.Retryable = true
	case 504:
		u.Retryable = true
	}
	u.Throttled = u.Throttled || equalFoldASCII(u.Code, "throttledRequest")
	for _, c := range u.InnerCodes {
		u.Throttled = u.Throttled || equalFoldASCII(c, "throttledRequest")
	}
	return u
}

// readBody fills u from a Graph error body, or says why it cannot.
func (u *UpstreamError) readBody(body []byte) (why string) {
	var ix jsontext.Index // nested objects are skipped by it, not read again at each level
	return u.readIndexed(body, &ix)
}

// readIndexed is readBody over ix, whose Work the complexity tests set.
func (u *UpstreamError) readIndexed(body []byte, ix *jsontext.Index) (why string) {
	switch p, _ := jsontext.CheckIndexed(body, upstreamDepth, ix); p {
	case jsontext.OK:
	case jsontext.Empty:
		return "with an empty body"
	default:
		return "with a body that is not a Graph error (" + p.String() + ")"
	}
	var top [1]jsontext.Value
	if !members(ix, ix.Root(), false, errorKeys[:], top[:]) || top[0].Raw == nil || top[0].Raw[0] != '{' {
		return "with a body that is not a Graph error"
	}
	var e [3]jsontext.Value
	if !members(ix, top[0], true, errorMemberKeys[:], e[:]) {
		return "with an ambiguous Graph error (a key appears twice)"
	}
	u.Code = stringMember(ix, e[0], maxUpstreamField)
	u.Message = stringMember(ix, e[1], maxUpstreamMessage)
	inner := e[2]
	for depth := 0; depth < maxInnerErrors && inner.Raw != nil && inner.Raw[0] == '{'; depth++ {
		var in [5]jsontext.Value
		if !members(ix, inner, true, innerErrorKeys[:], in[:]) {
			return "with an ambiguous Graph error (a key appears twice)"
		}
		if c := stringMember(ix, in[0], maxUpstreamField); c != "" {
			u.InnerCodes = append(u.InnerCodes, c)
		}
		for i, p := range [...]*string{&u.RequestID, &u.ClientRequestID, &u.Date} {
			if *p == "" {
				*p = stringMember(ix, in[i+1], maxUpstreamField)
			}
		}
		inner = in[4]
	}
	return ""
}

// The keys readBody reads, at each level.
var (
	errorKeys       = [...]string{"error"}
	errorMemberKeys = [...]string{"code", "message", "innererror"}
	innerErrorKeys  = [...]string{"code", "request-id", "client-request-id", "date", "innererror"}
)

// members finds obj's members named in names (matched in any letter case
// when fold) and reports false when one of them appears twice. Only the
// named members are kept, so a repeat is found by out[i] != nil: each
// member costs len(names) comparisons, however many the body has.
func members(ix *jsontext.Index, obj jsontext.Value, fold bool, names []string, out []jsontext.Value) bool {
	for it := ix.Members(obj); it.Next(ix); {
		k, v := it.Text, it.Val
		if ix.Work != nil {
			*ix.Work += len(names)
		}
		for i, n := range names {
			if string(k) == n || fold && equalFoldASCII(k, n) {
				if out[i].Raw != nil {
					return false
				}
				out[i] = v
			}
		}
	}
	return true
}

// stringMember is v when it is a non-empty string, cut to max bytes at a
// rune boundary. The strings kept are cut from one copy of the body.
func stringMember(ix *jsontext.Index, v jsontext.Value, max int) string {
	if len(v.Raw) <= 2 || v.Raw[0] != '"' {
		return ""
	}
	return clipUTF8(ix.String(v), max)
}

func clipUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// codeForStatus is the Graph code an answer of this status carries when
// its body does not say.
func codeForStatus(status int) string {
	switch status {
	case 400, 411, 422:
		return CodeInvalidRequest
	case 401:
		return CodeUnauthenticated
	case 403:
		return CodeAccessDenied
	case 404, 410:
		return CodeItemNotFound
	case 405, 423:
		return CodeNotAllowed
	case 406, 501:
		return CodeNotSupported
	case 409:
		return "nameAlreadyExists"
	case 412:
		return "resourceModified"
	case 413:
		return CodeRequestTooLarge
	case 415:
		return CodeUnsupportedMedia
	case 416:
		return "invalidRange"
	case 429, 509:
		return CodeActivityLimitReached
	case 502:
		return CodeBadGateway
	case 503:
		return CodeServiceNotAvailable
	case 504:
		return CodeGatewayTimeout
	case 507:
		return "quotaLimitReached"
	}
	if status >= 400 && status < 500 {
		return CodeInvalidRequest
	}
	return CodeGeneralException
}

// maxRetryAfter is the longest wait a Duration holds in whole seconds.
const maxRetryAfter = time.Duration(math.MaxInt64/int64(time.Second)) * time.Second

// The HTTP-date forms, as net/http.ParseTime reads them.
var httpDateLayouts = [...]string{"Mon, 02 Jan 2006 15:04:05 GMT", time.RFC850, time.ANSIC}

func parseRetryAfter(s string, now time.Time) (time.Duration, bool) {
	s = strings.Trim(s, " \t")
	if s == "" {
		return 0, false
	}
	if d, ok := parseDelaySeconds(s); ok {
		return d, true
	}
	for _, layout := range httpDateLayouts {
		// In UTC, not time.Local: a zone name is then never looked up in
		// the host's zone database, and GMT reads as offset zero.
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			continue
		}
		d := t.Sub(now) // saturates instead of overflowing
		switch {
		case d < 0:
			d = 0
		case d > maxRetryAfter:
			d = maxRetryAfter
		}
		return d, true
	}
	return 0, false
}

// parseDelaySeconds reads RFC 9110's delay-seconds (1*DIGIT) and the
// fractional form Graph's throttling guide shows ("Retry-After: 2.128"):
// 1*DIGIT "." 1*DIGIT, rounded up to whole seconds, since waiting less
// than asked is what throttling punishes. A leading '-' gives 0 (retry
// now); "1.", ".5", "+1", "1e3" and anything else are not numbers here.
func parseDelaySeconds(s string) (time.Duration, bool) {
	digits := strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(digits, ".")
	if !allDigits(whole) || dot && !allDigits(frac) {
		return 0, false
	}
	if len(digits) != len(s) {
		return 0, true
	}
	var n int64
	for i := 0; i < len(whole); i++ {
		n = n*10 + int64(whole[i]-'0')
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
	}
	if strings.Trim(frac, "0") != "" {
		if n++; n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
	}
	return time.Duration(n) * time.Second, true
}

// allDigits reports a non-empty run of ASCII digits.
func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// AppendJSON appends the canonical Graph error body:
//
//	{"error":{"code","message","innerError"?:{"code"?,"date"?,"request-id"?,"client-request-id"?,"innerError"?:{"code"}}}}
//
// The inner chain holds one code per level, so reading the output again
// gives back the same codes and ids. innerError is omitted when empty.
func (u *UpstreamError) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"error":`...)
	dst = u.AppendObject(dst)
	return append(dst, '}')
}

// AppendObject appends the value of the body's "error" member.
func (u *UpstreamError) AppendObject(dst []byte) []byte {
	dst = append(dst, `{"code":`...)
	dst = jsontext.AppendString(dst, u.Code)
	dst = jsontext.AppendKey(dst, "message")
	dst = jsontext.AppendString(dst, u.Message)
	if len(u.InnerCodes) == 0 && u.Date == "" && u.RequestID == "" && u.ClientRequestID == "" {
		return append(dst, '}')
	}
	dst = append(dst, `,"innerError":{`...)
	if len(u.InnerCodes) > 0 {
		dst = jsontext.AppendKey(dst, "code")
		dst = jsontext.AppendString(dst, u.InnerCodes[0])
	}
	for _, kv := range [...][2]string{{"date", u.Date}, {"request-id", u.RequestID}, {"client-request-id", u.ClientRequestID}} {
		if kv[1] != "" {
			dst = jsontext.AppendKey(dst, kv[0])
			dst = jsontext.AppendString(dst, kv[1])
		}
	}
	n := 1
	for _, c := range u.InnerCodes[min(1, len(u.InnerCodes)):] {
		dst = append(dst, `,"innerError":{"code":`...)
		dst = jsontext.AppendString(dst, c)
		n++
	}
	for ; n > 0; n-- {
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// Err is the error as a core *Error: same status, code and message.
func (u *UpstreamError) Err() *Error {
	return &Error{Status: u.Status, Code: u.Code, Message: u.Message}
}

// RetryAfterSeconds is RetryAfter rounded up to whole seconds, the unit of
// a Retry-After header: waiting less than asked is what throttling punishes.
func (u *UpstreamError) RetryAfterSeconds() int64 {
	secs := u.RetryAfter / time.Second
	if u.RetryAfter%time.Second != 0 {
		secs++
	}
	return int64(secs)
}

// AppendRetryFacts appends the members hosts report beside an upstream
// error: ,"throttled":…,"retryable":… and, when Graph said,
// ,"retryAfterSeconds":….
func (u *UpstreamError) AppendRetryFacts(dst []byte) []byte {
	dst = append(dst, `,"throttled":`...)
	dst = jsontext.AppendBool(dst, u.Throttled)
	dst = append(dst, `,"retryable":`...)
	dst = jsontext.AppendBool(dst, u.Retryable)
	if u.HasRetryAfter {
		dst = append(dst, `,"retryAfterSeconds":`...)
		dst = strconv.AppendInt(dst, u.RetryAfterSeconds(), 10)
	}
	return dst
}
