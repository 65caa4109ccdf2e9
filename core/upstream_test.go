package core

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sharelink/sharelink/internal/jsontext"
)

var upstreamNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func TestParseUpstreamError(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		body       string
		want       UpstreamError
		json       string // AppendJSON output
	}{
		{
			name:   "graph error with innerError ids",
			status: 404,
			body:   `{"error":{"code":"itemNotFound","message":"The resource could not be found.","innerError":{"date":"2026-01-15T12:00:00","request-id":"r-1","client-request-id":"c-1"}}}`,
			want:   UpstreamError{Status: 404, Code: "itemNotFound", Message: "The resource could not be found.", RequestID: "r-1", ClientRequestID: "c-1", Date: "2026-01-15T12:00:00"},
			json:   `{"error":{"code":"itemNotFound","message":"The resource could not be found.","innerError":{"date":"2026-01-15T12:00:00","request-id":"r-1","client-request-id":"c-1"}}}`,
		},
		{
			name:       "throttled 429 with seconds",
			status:     429,
			retryAfter: "10",
			body:       `{"error":{"code":"activityLimitReached","message":"throttled","innerError":{"code":"throttledRequest"}}}`,
			want:       UpstreamError{Status: 429, Code: "activityLimitReached", Message: "throttled", InnerCodes: []string{"throttledRequest"}, Throttled: true, Retryable: true, RetryAfter: 10 * time.Second, HasRetryAfter: true},
			json:       `{"error":{"code":"activityLimitReached","message":"throttled","innerError":{"code":"throttledRequest"}}}`,
		},
		{
			name:   "mixed-case chain walked, outermost ids win",
			status: 400,
			body:   `{"error":{"code":"invalidRequest","message":"m","InnerError":{"code":"a","Request-Id":"outer","innererror":{"code":"b","request-id":"inner","CLIENT-REQUEST-ID":"c","INNERERROR":{"code":"c","Date":"d"}}}}}`,
			want:   UpstreamError{Status: 400, Code: "invalidRequest", Message: "m", InnerCodes: []string{"a", "b", "c"}, RequestID: "outer", ClientRequestID: "c", Date: "d"},
			json:   `{"error":{"code":"invalidRequest","message":"m","innerError":{"code":"a","date":"d","request-id":"outer","client-request-id":"c","innerError":{"code":"b","innerError":{"code":"c"}}}}}`,
		},
		{
			name:   "inner throttledRequest on a 403 throttles but is not retryable",
			status: 403,
			body:   `{"error":{"code":"accessDenied","message":"m","innererror":{"innererror":{"code":"ThrottledRequest"}}}}`,
			want:   UpstreamError{Status: 403, Code: "accessDenied", Message: "m", InnerCodes: []string{"ThrottledRequest"}, Throttled: true},
			json:   `{"error":{"code":"accessDenied","message":"m","innerError":{"code":"ThrottledRequest"}}}`,
		},
		{
			name:   "html 502 page",
			status: 502,
			body:   `<html><body>Bad Gateway</body></html>`,
			want:   UpstreamError{Status: 502, Code: "badGateway", Message: "the upstream answered HTTP 502 with a body that is not a Graph error (the body is not valid JSON)"},
			json:   `{"error":{"code":"badGateway","message":"the upstream answered HTTP 502 with a body that is not a Graph error (the body is not valid JSON)"}}`,
		},
		{
			name:       "empty 503 with an HTTP date",
			status:     503,
			retryAfter: "Thu, 15 Jan 2026 12:02:00 GMT",
			want:       UpstreamError{Status: 503, Code: "serviceNotAvailable", Message: "the upstream answered HTTP 503 with an empty body", Throttled: true, Retryable: true, RetryAfter: 2 * time.Minute, HasRetryAfter: true},
			json:       `{"error":{"code":"serviceNotAvailable","message":"the upstream answered HTTP 503 with an empty body"}}`,
		},
		{
			name:   "truncated json",
			status: 500,
			body:   `{"error":{"code":"generalException","mess`,
			want:   UpstreamError{Status: 500, Code: "generalException", Message: "the upstream answered HTTP 500 with a body that is not a Graph error (the body is not valid JSON)"},
		},
		{
			name:   "error not an object",
			status: 401,
			body:   `{"error":"invalid_token","error_description":"x"}`,
			want:   UpstreamError{Status: 401, Code: "unauthenticated", Message: "the upstream answered HTTP 401 with a body that is not a Graph error"},
		},
		{
			name:   "duplicate code is ambiguous",
			status: 409,
			body:   `{"error":{"code":"a","Code":"b","message":"m"}}`,
			want:   UpstreamError{Status: 409, Code: "nameAlreadyExists", Message: "the upstream answered HTTP 409 with an ambiguous Graph error (a key appears twice)"},
		},
		{
			name:   "duplicate inner key is ambiguous",
			status: 400,
			body:   `{"error":{"code":"a","message":"m","innerError":{"date":"1","date":"2"}}}`,
			want:   UpstreamError{Status: 400, Code: "invalidRequest", Message: "the upstream answered HTTP 400 with an ambiguous Graph error (a key appears twice)"},
		},
		{
			name:   "no code, no message",
			status: 413,
			body:   `{"error":{"code":17,"innerError":[]}}`,
			want:   UpstreamError{Status: 413, Code: "requestTooLarge", Message: "the upstream answered HTTP 413 (requestTooLarge) without a message"},
		},
		{
			name:   "non-error status becomes 502, body code kept",
			status: 200,
			body:   `{"error":{"code":"generalException","message":"odd"}}`,
			want:   UpstreamError{Status: 502, Code: "generalException", Message: "odd"},
		},
		{
			name:       "504 retryable, past date gives zero",
			status:     504,
			retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT",
			want:       UpstreamError{Status: 504, Code: "gatewayTimeout", Message: "the upstream answered HTTP 504 with an empty body", Retryable: true, HasRetryAfter: true},
		},
		{
			name:       "509 with unreadable Retry-After",
			status:     509,
			retryAfter: "soon",
			body:       `{"error":{"code":"bandwidthLimitExceeded","message":"m"}}`,
			want:       UpstreamError{Status: 509, Code: "bandwidthLimitExceeded", Message: "m", Throttled: true, Retryable: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := ParseUpstreamError(tc.status, tc.retryAfter, []byte(tc.body), upstreamNow)
			if !reflect.DeepEqual(u, tc.want) {
				t.Fatalf("\n got %+v\nwant %+v", u, tc.want)
			}
			out := u.AppendJSON(nil)
			if tc.json != "" && string(out) != tc.json {
				t.Errorf("json\n got %s\nwant %s", out, tc.json)
			}
			checkUpstreamJSON(t, &u, out)
			e := u.Err()
			if e.Status != u.Status || e.Code != u.Code || e.Message != u.Message || e.Target != "" {
				t.Errorf("Err() = %+v", e)
			}
		})
	}
}

// checkUpstreamJSON asserts that out is a JSON object and that reading it
// back gives the same error.
func checkUpstreamJSON(t testing.TB, u *UpstreamError, out []byte) {
	t.Helper()
	if p, _ := jsontext.Check(out, upstreamDepth); p != jsontext.OK {
		t.Fatalf("AppendJSON is not a JSON object (%v): %s", p, out)
	}
	back := ParseUpstreamError(u.Status, "", out, upstreamNow)
	if back.Code != u.Code || back.Message != u.Message || !reflect.DeepEqual(back.InnerCodes, u.InnerCodes) ||
		back.RequestID != u.RequestID || back.ClientRequestID != u.ClientRequestID || back.Date != u.Date {
		t.Fatalf("reading AppendJSON back differs:\n%+v\n%+v\n%s", *u, back, out)
	}
}

func TestCodeForStatus(t *testing.T) {
	for status, want := range map[int]string{
		400: "invalidRequest", 401: "unauthenticated", 403: "accessDenied", 404: "itemNotFound",
		405: "notAllowed", 409: "nameAlreadyExists", 410: "itemNotFound", 412: "resourceModified",
		413: "requestTooLarge", 415: "unsupportedMediaType", 416: "invalidRange", 418: "invalidRequest",
		429: "activityLimitReached", 500: "generalException", 501: "notSupported", 502: "badGateway",
		503: "serviceNotAvailable", 504: "gatewayTimeout", 507: "quotaLimitReached", 509: "activityLimitReached",
		599: "generalException",
	} {
		if got := codeForStatus(status); got != want {
			t.Errorf("%d: %s, want %s", status, got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"   ", 0, false},
		{"0", 0, true},
		{"10", 10 * time.Second, true},
		{" 120\t", 2 * time.Minute, true},
		{"007", 7 * time.Second, true},
		{"3360", 3360 * time.Second, true},
		{"-5", 0, true},
		{"-", 0, false},
		{"+5", 0, false},
		{"1.5", 2 * time.Second, true}, // Graph's throttling guide writes fractions
		{"2.128", 3 * time.Second, true},
		{"0.5", time.Second, true},
		{"0.000", 0, true},
		{"3.0", 3 * time.Second, true},
		{"-1.5", 0, true},
		{"1.", 0, false},
		{".5", 0, false},
		{"-.5", 0, false},
		{"1.2.3", 0, false},
		{"1,5", 0, false},
		{"1e3", 0, false},
		{"1 .5", 0, false},
		{"9223372036.5", maxRetryAfter, true},
		{"9223372035.1", maxRetryAfter, true},
		{"9223372035.0", 9223372035 * time.Second, true},
		{"10s", 0, false},
		{"99999999999999999999999999", maxRetryAfter, true},
		{"9223372036", maxRetryAfter, true},
		{"9223372037", maxRetryAfter, true},
		{"Thu, 15 Jan 2026 12:00:30 GMT", 30 * time.Second, true}, // IMF-fixdate
		{"Thursday, 15-Jan-26 12:01:00 GMT", time.Minute, true},   // RFC 850
		{"Thu Jan 15 12:00:05 2026", 5 * time.Second, true},       // asctime
		{"Thu Jan  1 12:00:05 2026", 0, true},                     // asctime, day padded, past
		{"Thu, 15 Jan 2026 11:00:00 GMT", 0, true},                // past
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxRetryAfter, true},    // past what a Duration holds
		{"Thu, 15 Jan 2026 12:00:30 UTC", 0, false},               // IMF-fixdate must say GMT
		{"2026-01-15T12:00:30Z", 0, false},
	}
	for _, tc := range tests {
		d, ok := parseRetryAfter(tc.in, upstreamNow)
		if ok != tc.ok || d != tc.want {
			t.Errorf("%q: %v %v, want %v %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
	// A sub-second clock still gives a non-negative duration.
	d, ok := parseRetryAfter("Thu, 15 Jan 2026 12:00:01 GMT", upstreamNow.Add(500*time.Millisecond))
	if !ok || d != 500*time.Millisecond {
		t.Errorf("sub-second: %v %v", d, ok)
	}
	// The extremes of the clock do not overflow.
	if d, ok := parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", time.Time{}.Add(math.MinInt64)); !ok || d != maxRetryAfter {
		t.Errorf("clamp: %v %v", d, ok)
	}
}

func TestUpstreamMessageBounded(t *testing.T) {
	long := strings.Repeat("é", 2000) // 4000 bytes
	body := `{"error":{"code":"` + strings.Repeat("c", 1000) + `","message":"` + long + `","innerError":{"request-id":"` + strings.Repeat("r", 1000) + `"}}}`
	u := ParseUpstreamError(400, "", []byte(body), upstreamNow)
	if len(u.Message) > maxUpstreamMessage || !utf8.ValidString(u.Message) || len(u.Message) < maxUpstreamMessage-4 {
		t.Errorf("message: %d bytes, valid %v", len(u.Message), utf8.ValidString(u.Message))
	}
	if len(u.Code) != maxUpstreamField || len(u.RequestID) != maxUpstreamField {
		t.Errorf("code %d, request id %d bytes", len(u.Code), len(u.RequestID))
	}
	// An unbounded non-JSON body never reaches the message.
	u = ParseUpstreamError(502, "", []byte(strings.Repeat("<p>gateway</p>", 10000)), upstreamNow)
	if strings.Contains(u.Message, "gateway") || len(u.Message) > 200 {
		t.Errorf("message echoes the body: %q", u.Message)
	}
}

func TestUpstreamInnerChainBounded(t *testing.T) {
	body := `{"error":{"code":"x","message":"m"` + strings.Repeat(`,"innerError":{"code":"i"`, 20) + strings.Repeat("}", 20) + `}}`
	u := ParseUpstreamError(400, "", []byte(body), upstreamNow)
	if len(u.InnerCodes) != maxInnerErrors {
		t.Errorf("%d inner codes, want %d", len(u.InnerCodes), maxInnerErrors)
	}
	checkUpstreamJSON(t, &u, u.AppendJSON(nil))
}

func TestClipUTF8(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"aé", 2, "a"},
		{"aé", 3, "aé"},
		{"€", 2, ""},
	} {
		if got := clipUTF8(tc.s, tc.max); got != tc.want {
			t.Errorf("clipUTF8(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}

// errorVectorInputs returns the status, Retry-After and raw body of each
// shape_error vector, to seed the fuzzer.
func errorVectorInputs(t testing.TB) (statuses []int, retryAfters []string, bodies [][]byte) {
	b, err := os.ReadFile(filepath.Join("..", "tests", "vectors", "graph_error.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []struct {
		Op    string `json:"op"`
		Input struct {
			Status  any             `json:"status"`
			Headers any             `json:"headers"`
			Body    json.RawMessage `json:"body"`
		} `json:"input"`
	}
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Op != "shape_error" {
			continue
		}
		body := []byte(v.Input.Body)
		var s string
		if json.Unmarshal(body, &s) == nil {
			body = []byte(s)
		}
		ra := ""
		headers, _ := v.Input.Headers.(map[string]any)
		for k, h := range headers {
			if s, ok := h.(string); ok && strings.EqualFold(k, "Retry-After") {
				ra = s
			}
		}
		status, _ := v.Input.Status.(float64) // some vectors hold a wrong status on purpose
		statuses = append(statuses, int(status))
		retryAfters = append(retryAfters, ra)
		bodies = append(bodies, body)
	}
	return statuses, retryAfters, bodies
}

// upstreamOracleSeeds reach what reading raw must keep: escapes, letter
// case, repeats, wrong types, empty strings, long and escaped values.
var upstreamOracleSeeds = []string{
	`{"error":{"c\u006fde":"a\u00e9","message":"","InnerError":{"CODE":"x","Request-Id":"r","request-id":"s"}}}`,
	`{"error":{"code":"a","innererror":{"code":"b","innerError":{"code":"c","date":"\ud800"}}}}`,
	`{"error":{"code":1,"message":null,"innerError":[]}}`, `{"error":[]}`, `{"error":{}, "error":{}}`, `{"Error":{"code":"a"}}`,
	`{"error":{"code":"a","CODE":"b"}}`, `{"error":{"code":"","message":"m"}}`, `{"error":{"code":"\"\\\/\b\f\n\r\t"}}`,
	`{"error":{"message":"` + strings.Repeat("é", 600) + `"}}`, `{"error":{"message":"` + strings.Repeat(`\u00e9`, 600) + `"}}`,
	` { "error" : { "code" : "a" , "innerError" : { "client-request-id" : "c" , "date" : "d" } } } `,
}

// sameUpstreamAsModel fails unless u is what the model gives for the
// same input.
func sameUpstreamAsModel(t testing.TB, status int, retryAfter string, body []byte, u *UpstreamError) {
	t.Helper()
	w := modelUpstreamError(t, status, retryAfter, body)
	if w.Code == "" {
		// No code in the body: one the HTTP status names, a Graph code
		// word (letters only).
		if u.Code == "" || strings.Trim(u.Code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Fatalf("ParseUpstreamError(%d, %q, %q): defaulted code %q", status, retryAfter, body, u.Code)
		}
		w.Code = u.Code
	}
	if w.Message == "" {
		// No message: one naming the status and the code.
		if !strings.HasPrefix(u.Message, "the upstream answered HTTP "+strconv.Itoa(status)) || !strings.Contains(u.Message, u.Code) {
			t.Fatalf("ParseUpstreamError(%d, %q, %q): defaulted message %q", status, retryAfter, body, u.Message)
		}
		w.Message = u.Message
	}
	// Retry-After is read by parseRetryAfter, tested on its own
	// (FuzzRetryAfterSeconds against strconv, the HTTP-date vectors).
	w.RetryAfter, w.HasRetryAfter = u.RetryAfter, u.HasRetryAfter
	if !reflect.DeepEqual(*u, w) {
		t.Fatalf("ParseUpstreamError(%d, %q, %q):\n got %+v\nwant %+v", status, retryAfter, body, *u, w)
	}
}

func TestParseUpstreamErrorMatchesModel(t *testing.T) {
	statuses, retryAfters, bodies := errorVectorInputs(t)
	for i := range bodies {
		u := ParseUpstreamError(statuses[i], retryAfters[i], bodies[i], upstreamNow)
		sameUpstreamAsModel(t, statuses[i], retryAfters[i], bodies[i], &u)
	}
	for _, b := range append(upstreamOracleSeeds, benchThrottled) {
		u := ParseUpstreamError(503, "", []byte(b), upstreamNow)
		sameUpstreamAsModel(t, 503, "", []byte(b), &u)
	}
}

func FuzzParseUpstreamError(f *testing.F) {
	statuses, retryAfters, bodies := errorVectorInputs(f)
	for i := range bodies {
		f.Add(statuses[i], retryAfters[i], bodies[i])
	}
	f.Add(429, "10", []byte(benchThrottled))
	for _, b := range upstreamOracleSeeds {
		f.Add(503, "", []byte(b))
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		u := ParseUpstreamError(status, retryAfter, body, upstreamNow)
		sameUpstreamAsModel(t, status, retryAfter, body, &u)
		if u.Status < 400 || u.Status > 599 || u.Code == "" || u.Message == "" {
			t.Fatalf("insane error %+v", u)
		}
		if len(u.Message) > maxUpstreamMessage+200 || len(u.InnerCodes) > maxInnerErrors {
			t.Fatalf("unbounded error %+v", u)
		}
		if u.RetryAfter < 0 || u.HasRetryAfter == false && u.RetryAfter != 0 {
			t.Fatalf("retry after %v %v", u.RetryAfter, u.HasRetryAfter)
		}
		checkUpstreamJSON(t, &u, u.AppendJSON(nil))
	})
}

// A second reading of Graph's error bodies, on another basis than
// upstream.go: encoding/json reads the body into an ordered tree
// (decodeOrdered), and ParseUpstreamError's documented rules are applied
// to it. Only the wording of an unusable body's problem is jsontext's.

// foldASCII is s with ASCII capitals made small: keys match in any
// ASCII letter case, and only in it.
func foldASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// named is o's members whose key is one of names (in any ASCII letter
// case when fold); ok is false when one of names appears twice.
func named(o object, fold bool, names ...string) (_ map[string]any, ok bool) {
	found := map[string]any{}
	for _, m := range o {
		k := m.k
		if fold {
			k = foldASCII(k)
		}
		if slices.Contains(names, k) {
			if _, again := found[k]; again {
				return nil, false
			}
			found[k] = m.v
		}
	}
	return found, true
}

// clipped is s, when a non-empty string, in as many whole runes as fit
// in max bytes.
func clipped(v any, max int) string {
	s, _ := v.(string)
	n := 0
	for i, r := range s {
		if i+utf8.RuneLen(r) > max {
			break
		}
		n = i + utf8.RuneLen(r)
	}
	return s[:n]
}

func modelUpstreamError(t testing.TB, status int, retryAfter string, body []byte) UpstreamError {
	u := UpstreamError{Status: status}
	if status < 400 || status > 599 {
		u.Status = 502
	}
	why := ""
	v, err := decodeOrdered(body)
	top, isObject := v.(object)
	p, _ := jsontext.Check(body, upstreamDepth)
	switch {
	case len(strings.Trim(string(body), " \t\r\n")) == 0:
		why = "with an empty body"
	case err != nil || depthOf(v) > upstreamDepth || !isObject:
		why = "with a body that is not a Graph error (" + p.String() + ")"
	}
	if (why == "") != (p == jsontext.OK) {
		t.Fatalf("%q: encoding/json reads %v, Check %v", body, err, p)
	}
	if why == "" {
		why = u.modelBody(top)
	}
	if why != "" {
		u = UpstreamError{Status: u.Status, Message: "the upstream answered HTTP " + strconv.Itoa(status) + " " + why}
	}
	// A code and a message the body lacks, and Retry-After, are not
	// modelled here: sameUpstreamAsModel holds them to properties, and
	// the vectors (graph_error.json) to their exact bytes.
	u.Retryable = slices.Contains([]int{429, 503, 504, 509}, u.Status)
	u.Throttled = slices.Contains([]int{429, 503, 509}, u.Status) || foldASCII(u.Code) == "throttledrequest"
	for _, c := range u.InnerCodes {
		u.Throttled = u.Throttled || foldASCII(c) == "throttledrequest"
	}
	return u
}

// modelBody reads the error of top into u, or says why it cannot.
func (u *UpstreamError) modelBody(top object) (why string) {
	e, ok := named(top, false, "error")
	inner, isObject := e["error"].(object)
	if !ok || !isObject {
		return "with a body that is not a Graph error"
	}
	const ambiguous = "with an ambiguous Graph error (a key appears twice)"
	m, ok := named(inner, true, "code", "message", "innererror")
	if !ok {
		return ambiguous
	}
	u.Code, u.Message = clipped(m["code"], maxUpstreamField), clipped(m["message"], maxUpstreamMessage)
	for range maxInnerErrors {
		if inner, isObject = m["innererror"].(object); !isObject {
			break
		}
		if m, ok = named(inner, true, "code", "request-id", "client-request-id", "date", "innererror"); !ok {
			return ambiguous
		}
		if c := clipped(m["code"], maxUpstreamField); c != "" {
			u.InnerCodes = append(u.InnerCodes, c)
		}
		for k, p := range map[string]*string{"request-id": &u.RequestID, "client-request-id": &u.ClientRequestID, "date": &u.Date} {
			if *p == "" {
				*p = clipped(m[k], maxUpstreamField)
			}
		}
	}
	return ""
}

// The delay-seconds forms read another way: a regular expression says
// which are numbers, strconv.ParseFloat and math.Ceil what they are worth
// (where a float64 holds them exactly enough: at most 9 whole and 6
// fraction digits).
func FuzzRetryAfterSeconds(f *testing.F) {
	for _, s := range []string{"2.128", "0.5", "1.", ".5", "-1.5", "10", "007.000", "1.2.3", "1e3", " 3.1\t"} {
		f.Add(s)
	}
	number := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDelaySeconds(s)
		if ok != number.MatchString(s) {
			t.Fatalf("%q: ok %v", s, ok)
		}
		if !ok || d < 0 || d%time.Second != 0 {
			if ok && (d < 0 || d%time.Second != 0) {
				t.Fatalf("%q: %v is not whole non-negative seconds", s, d)
			}
			return
		}
		whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		if len(whole) > 9 || len(frac) > 6 {
			return
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Duration(math.Ceil(math.Max(v, 0))) * time.Second
		if d != want {
			t.Fatalf("%q: %v, want %v", s, d, want)
		}
	})
}
