package core

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/docs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// docStep is encoding/json's reading of a batch request, to compare with.
type docStep struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

func TestBatchDocExample(t *testing.T) {
	body := readDoc(t, "batch-request.json")
	var doc struct {
		Requests []docStep `json:"requests"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	b, err := ParseBatch(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Steps) != len(doc.Requests) {
		t.Fatalf("%d steps, want %d", len(b.Steps), len(doc.Requests))
	}
	for i, s := range b.Steps {
		d := doc.Requests[i]
		if s.ID != d.ID || s.Method != d.Method || s.URL != d.URL || len(s.Headers) != len(d.Headers) || len(s.DependsOn) != len(d.DependsOn) {
			t.Fatalf("step %d: %+v, want %+v", i, s, d)
		}
		for _, h := range s.Headers {
			if d.Headers[h.Name] != h.Value {
				t.Fatalf("step %d header %s: %q, want %q", i, h.Name, h.Value, d.Headers[h.Name])
			}
		}
		if (s.Body == nil) != (d.Body == nil) || d.Body != nil && string(s.Body) != string(d.Body) {
			t.Fatalf("step %d body %s, want %s", i, s.Body, d.Body)
		}
	}
	if got := b.Order(); !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("order %v", got)
	}
	if v, ok := b.Steps[4].Header("consistencylevel"); !ok || v != "eventual" {
		t.Fatalf("header lookup: %q %v", v, ok)
	}
	if b.Index("5") != 4 || b.Index("6") != -1 {
		t.Fatal("Index")
	}
	roundTrip(t, b)
}

func TestBatchDocDependsOn(t *testing.T) {
	b, err := ParseBatch(readDoc(t, "batch-dependson.json"))
	if err != nil {
		t.Fatal(err)
	}
	// "requests should be run in the order request 1 then request 2, then
	// request 4, then request 3": the document's order.
	if got := b.Order(); !reflect.DeepEqual(got, []int{0, 1, 2, 3}) {
		t.Fatalf("order %v", got)
	}
	roundTrip(t, b)
}

func TestBatchOrderMovesStepsBehindDependencies(t *testing.T) {
	body := `{"requests":[
		{"id":"a","method":"GET","url":"/me","dependsOn":["C"]},
		{"id":"b","method":"GET","url":"/me"},
		{"id":"c","method":"GET","url":"/me","dependsOn":["d"]},
		{"id":"d","method":"GET","url":"/me"}]}`
	b, err := ParseBatch([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Order(); !reflect.DeepEqual(got, []int{1, 3, 2, 0}) {
		t.Fatalf("order %v", got)
	}
	o := b.Order()
	o[0] = 9
	if b.Order()[0] != 1 {
		t.Fatal("Order shares its slice")
	}
}

// roundTrip: ParseBatch of AppendBatchRequest's output gives the same
// steps.
func roundTrip(t testing.TB, b Batch) {
	t.Helper()
	out, err := AppendBatchRequest(nil, outSteps(b.Steps))
	if err != nil {
		t.Fatalf("AppendBatchRequest: %v", err)
	}
	b2, err := ParseBatch(out)
	if err != nil {
		t.Fatalf("written batch %s refused: %v", out, err)
	}
	if !reflect.DeepEqual(b.Steps, b2.Steps) || !reflect.DeepEqual(b.Order(), b2.Order()) {
		t.Fatalf("steps changed:\n%+v\n%+v", b.Steps, b2.Steps)
	}
}

func outSteps(steps []BatchStep) []OutStep {
	out := make([]OutStep, len(steps))
	for i, s := range steps {
		out[i] = OutStep(s)
	}
	return out
}

func step(fields string) string { return `{"id":"1","method":"GET","url":"/me/drive"` + fields + `}` }

func batchOf(steps ...string) string { return `{"requests":[` + strings.Join(steps, ",") + `]}` }

func TestBatchErrors(t *testing.T) {
	many := make([]string, 21)
	for i := range many {
		many[i] = `{"id":"` + strconv.Itoa(i) + `","method":"GET","url":"/me"}`
	}
	const jsonCT = `,"headers":{"Content-Type":"application/json"}`
	for _, tt := range []struct {
		name, body, target string
	}{
		{"empty body", ``, "body"},
		{"not an object", `[]`, "body"},
		{"no requests", `{}`, "requests"},
		{"null requests", `{"requests":null}`, "requests"},
		{"requests an object", `{"requests":{}}`, "requests"},
		{"no steps", `{"requests":[]}`, "requests"},
		{"21 steps", batchOf(many...), "requests"},
		{"unknown top-level", `{"requests":[` + step(``) + `],"atomicityGroup":"x"}`, "atomicityGroup"},
		{"duplicate requests", `{"requests":[` + step(``) + `],"requests":[]}`, "requests"},
		{"step not an object", batchOf(`"GET /me"`), "requests[0]"},
		{"no id", batchOf(`{"method":"GET","url":"/me"}`), "requests[0].id"},
		{"empty id", batchOf(`{"id":"","method":"GET","url":"/me"}`), "requests[0].id"},
		{"numeric id", batchOf(`{"id":1,"method":"GET","url":"/me"}`), "requests[0].id"},
		{"control in id", batchOf(`{"id":"a\u0001","method":"GET","url":"/me"}`), "requests[0].id"},
		{"long id", batchOf(`{"id":"` + strings.Repeat("i", 257) + `","method":"GET","url":"/me"}`), "requests[0].id"},
		{"ids repeat", batchOf(step(``), step(``)), "requests[1].id"},
		{"ids repeat in another case", batchOf(`{"id":"a","method":"GET","url":"/me"}`, `{"id":"A","method":"GET","url":"/me"}`), "requests[1].id"},
		{"no method", batchOf(`{"id":"1","url":"/me"}`), "requests[0].method"},
		{"lower-case method", batchOf(`{"id":"1","method":"get","url":"/me"}`), "requests[0].method"},
		{"HEAD", batchOf(`{"id":"1","method":"HEAD","url":"/me"}`), "requests[0].method"},
		{"OPTIONS", batchOf(`{"id":"1","method":"OPTIONS","url":"/me"}`), "requests[0].method"},
		{"no url", batchOf(`{"id":"1","method":"GET"}`), "requests[0].url"},
		{"absolute url", batchOf(`{"id":"1","method":"GET","url":"https://graph.microsoft.com/v1.0/me"}`), "requests[0].url"},
		{"absolute url, upper case", batchOf(`{"id":"1","method":"GET","url":"HTTPS://evil.example/me"}`), "requests[0].url"},
		{"scheme-relative url", batchOf(`{"id":"1","method":"GET","url":"//evil.example/me"}`), "requests[0].url"},
		{"backslash url", batchOf(`{"id":"1","method":"GET","url":"/\\evil.example/me"}`), "requests[0].url"},
		{"url with a leading space", batchOf(`{"id":"1","method":"GET","url":" https://evil.example/"}`), "requests[0].url"},
		{"url with a newline", batchOf(`{"id":"1","method":"GET","url":"/me\r\nHost: x"}`), "requests[0].url"},
		{"url with a fragment", batchOf(`{"id":"1","method":"GET","url":"/me#x"}`), "requests[0].url"},
		{"url with a bad escape", batchOf(`{"id":"1","method":"GET","url":"/me/%zz"}`), "requests[0].url"},
		{"nested batch", batchOf(`{"id":"1","method":"POST","url":"/$batch"}`), "requests[0].url"},
		{"nested batch, escaped", batchOf(`{"id":"1","method":"POST","url":"%24BATCH"}`), "requests[0].url"},
		{"nested batch, versioned", batchOf(`{"id":"1","method":"POST","url":"/v1.0/$batch?x=1"}`), "requests[0].url"},
		{"long url", batchOf(`{"id":"1","method":"GET","url":"/` + strings.Repeat("a", 8192) + `"}`), "requests[0].url"},
		{"unknown step property", batchOf(step(`,"atomicityGroup":"g"`)), "requests[0].atomicityGroup"},
		{"duplicate step property", batchOf(step(`,"url":"/me"`)), "requests[0].url"},
		{"headers an array", batchOf(step(`,"headers":[]`)), "requests[0].headers"},
		{"header value a number", batchOf(step(`,"headers":{"Prefer":1}`)), "requests[0].headers.Prefer"},
		{"Authorization", batchOf(step(``), step(`,"headers":{"Authorization":"Bearer x"}`)), "requests[1].headers.Authorization"},
		{"authorization", batchOf(step(`,"headers":{"authorization":"Bearer x"}`)), "requests[0].headers.authorization"},
		{"Host", batchOf(step(`,"headers":{"Host":"evil.example"}`)), "requests[0].headers.Host"},
		{"Cookie", batchOf(step(`,"headers":{"Cookie":"a=b"}`)), "requests[0].headers.Cookie"},
		{"Content-Length", batchOf(step(`,"headers":{"Content-Length":"1"}`)), "requests[0].headers.Content-Length"},
		{"Transfer-Encoding", batchOf(step(`,"headers":{"Transfer-Encoding":"chunked"}`)), "requests[0].headers.Transfer-Encoding"},
		{"Connection", batchOf(step(`,"headers":{"Connection":"close"}`)), "requests[0].headers.Connection"},
		{"header name not a token", batchOf(step(`,"headers":{"X Y":"1"}`)), "requests[0].headers.X Y"},
		{"empty header name", batchOf(step(`,"headers":{"":"1"}`)), "requests[0].headers"},
		{"header value with CRLF", batchOf(step(`,"headers":{"Prefer":"a\r\nAuthorization: x"}`)), "requests[0].headers.Prefer"},
		{"header twice", batchOf(step(`,"headers":{"Prefer":"a","prefer":"b"}`)), "requests[0].headers.prefer"},
		{"too many headers", batchOf(step(`,"headers":{` + manyHeaders(33) + `}`)), "requests[0].headers"},
		{"body without headers", batchOf(step(`,"body":{}`)), "requests[0].headers"},
		{"body without Content-Type", batchOf(step(`,"body":{},"headers":{"Prefer":"x"}`)), "requests[0].headers"},
		{"JSON body a string", batchOf(step(`,"body":"e30="` + jsonCT)), "requests[0].body"},
		{"JSON body a number", batchOf(step(`,"body":1` + jsonCT)), "requests[0].body"},
		{"binary body not base64", batchOf(step(`,"body":"a b","headers":{"Content-Type":"image/png"}`)), "requests[0].body"},
		{"binary body mixed alphabets", batchOf(step(`,"body":"a+b_","headers":{"Content-Type":"image/png"}`)), "requests[0].body"},
		{"binary body an object", batchOf(step(`,"body":{},"headers":{"Content-Type":"text/plain"}`)), "requests[0].body"},
		{"dependsOn a string", batchOf(step(`,"dependsOn":"2"`)), "requests[0].dependsOn"},
		{"dependsOn a number", batchOf(step(`,"dependsOn":[2]`)), "requests[0].dependsOn"},
		{"dependsOn unknown", batchOf(step(``), `{"id":"2","method":"GET","url":"/me","dependsOn":["3"]}`), "requests[1].dependsOn"},
		{"dependsOn itself", batchOf(step(`,"dependsOn":["1"]`)), "requests[0].dependsOn"},
		{"dependsOn twice", batchOf(step(``), `{"id":"2","method":"GET","url":"/me","dependsOn":["1","1"]}`), "requests[1].dependsOn"},
		{"cycle", batchOf(step(`,"dependsOn":["3"]`), `{"id":"2","method":"GET","url":"/me"}`, `{"id":"3","method":"GET","url":"/me","dependsOn":["1"]}`), "requests[0].dependsOn"},
		{"too deep", batchOf(step(`,"body":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}}` + jsonCT)), "requests"},
		{"too many members", `{` + manyAnnotations(300) + `,"requests":[]}`, "body"},
		{"a repeated annotation", `{` + strings.Repeat(`"@odata.x":1,`, 300) + `"requests":[]}`, "@odata.x"},
		{"a lone surrogate in a url", batchOf(`{"id":"1","method":"GET","url":"/me/\ud800"}`), "requests[0].url"},
		{"a lone surrogate in a key", batchOf(`{"id":"1","method":"GET","url":"/me","\udc00":1}`), "requests[0]"},
		{"a lone surrogate in a header", batchOf(step(`,"headers":{"Prefer":"a\ud800"}`)), "requests[0].headers.Prefer"},
		{"a lone surrogate in dependsOn", batchOf(step(``), `{"id":"2","method":"GET","url":"/me","dependsOn":["\ud800"]}`), "requests[1].dependsOn"},
		{"trailing bytes", batchOf(step(``)) + `{}`, "body"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBatch([]byte(tt.body))
			wantErr(t, err, tt.target)
		})
	}
}

func manyAnnotations(n int) string {
	as := make([]string, n)
	for i := range as {
		as[i] = `"@odata.x` + strconv.Itoa(i) + `":1`
	}
	return strings.Join(as, ",")
}

func manyHeaders(n int) string {
	hs := make([]string, n)
	for i := range hs {
		hs[i] = `"X-H` + strconv.Itoa(i) + `":"v"`
	}
	return strings.Join(hs, ",")
}

func TestBatchAccepts(t *testing.T) {
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = `{"id":"` + strconv.Itoa(i) + `","method":"GET","url":"/me"}`
	}
	for _, tt := range []struct{ name, body string }{
		{"20 steps", batchOf(twenty...)},
		{"annotations and nulls", `{"@odata.type":"x","requests":[{"@odata.type":"y","id":"1","method":"GET","url":"me/drive","headers":null,"body":null,"dependsOn":null}]}`},
		{"a createLink step", batchOf(`{"id":"1","method":"POST","url":"/me/drive/items/1/createLink","headers":{"content-type":"application/json; charset=utf-8"},"body":{"type":"view","recipients":[{"email":"a@contoso.com"}]}}`)},
		{"a +json body", batchOf(step(`,"body":[1],"headers":{"Content-Type":"application/merge-patch+json"}`))},
		{"a base64 body", batchOf(`{"id":"1","method":"PUT","url":"/me/drive/root:/a.png:/content","headers":{"Content-Type":"image/png"},"body":"iVBORw0KGgo="}`)},
		{"a base64url body", batchOf(`{"id":"1","method":"PUT","url":"/me/drive/root:/a.bin:/content","headers":{"Content-Type":"application/octet-stream"},"body":"-_8"}`)},
		{"root path form", batchOf(step(``), `{"id":"2","method":"GET","url":"/drives/b!x/root:/Folder/My File.docx:/permissions","dependsOn":["1"]}`)},
		{"If-Match", batchOf(`{"id":"1","method":"PATCH","url":"/me/drive/items/1/permissions/2","headers":{"If-Match":"\"etag\"","Content-Type":"application/json"},"body":{"roles":["read"]}}`)},
		{"unicode id", batchOf(`{"id":"étape","method":"GET","url":"/me"}`, `{"id":"ÉTAPE2","method":"GET","url":"/me","dependsOn":["étape"]}`)},
		{"batch in the query", batchOf(`{"id":"1","method":"GET","url":"/me/drive/root/search(q='x')?$top=1&q=$batch"}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBatch([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, b)
		})
	}
}

func TestAppendBatchRequest(t *testing.T) {
	steps := []OutStep{
		{ID: "1", Method: "POST", URL: "/me/drive/items/01AB/createLink", Headers: []Header{{"Content-Type", "application/json"}}, Body: []byte(`{"type":"view"}`)},
		{ID: "2", Method: "GET", URL: "/me/drive/items/01AB/permissions", DependsOn: []string{"1"}},
	}
	out, err := AppendBatchRequest([]byte("x"), steps)
	if err != nil {
		t.Fatal(err)
	}
	const want = `x{"requests":[{"id":"1","method":"POST","url":"/me/drive/items/01AB/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view"}},` +
		`{"id":"2","method":"GET","url":"/me/drive/items/01AB/permissions","dependsOn":["1"]}]}`
	if string(out) != want {
		t.Fatalf("\n%s\nwant\n%s", out, want)
	}
	if !json.Valid(out[1:]) {
		t.Fatal("invalid JSON")
	}
	// a subset that drops a step others depend on is refused
	if _, err := AppendBatchRequest(nil, steps[1:]); err == nil {
		t.Fatal("a dependsOn on a step not sent was written")
	}
	// a body that is not JSON
	bad := []OutStep{{ID: "1", Method: "POST", URL: "/me", Headers: []Header{{"Content-Type", "application/json"}}, Body: []byte(`{`)}}
	if out, err := AppendBatchRequest([]byte("x"), bad); err == nil || string(out) != "x" {
		t.Fatalf("%s %v", out, err)
	}
	if _, err := AppendBatchRequest(nil, nil); err == nil {
		t.Fatal("an empty batch was written")
	}
}

func TestBatchResponseDocExample(t *testing.T) {
	body := readDoc(t, "batch-response.json")
	var doc struct {
		Responses []struct {
			ID      string            `json:"id"`
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
			Body    json.RawMessage   `json:"body"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	sent := []string{"1", "2", "3", "4", "5"}
	rs, err := ParseBatchResponse(body, sent)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(doc.Responses) {
		t.Fatalf("%d responses", len(rs))
	}
	for i, r := range rs {
		d := doc.Responses[i]
		if r.ID != d.ID || r.Status != d.Status || len(r.Headers) != len(d.Headers) || string(r.Body) != string(d.Body) {
			t.Fatalf("response %d: %+v, want %+v", i, r, d)
		}
		for _, h := range r.Headers {
			if d.Headers[h.Name] != h.Value {
				t.Fatalf("response %d header %s", i, h.Name)
			}
		}
	}
	if ct, _ := rs[1].Header("content-type"); ct != "application/json" {
		t.Fatalf("Header: %q", ct)
	}
	out := AppendBatchResponse(nil, rs)
	if !json.Valid(out) {
		t.Fatalf("invalid JSON %s", out)
	}
	rs2, err := ParseBatchResponse(out, sent)
	if err != nil || !reflect.DeepEqual(rs, rs2) {
		t.Fatalf("not a fixed point: %v", err)
	}
	// any order; ids compared as Graph compares them
	if _, err := ParseBatchResponse(body, []string{"5", "4", "3", "2", "1"}); err != nil {
		t.Fatal(err)
	}
}

func TestBatchResponseErrors(t *testing.T) {
	r := func(id string) string { return `{"id":"` + id + `","status":200}` }
	resp := func(rs ...string) string { return `{"responses":[` + strings.Join(rs, ",") + `]}` }
	sent := []string{"1", "2"}
	for _, tt := range []struct{ name, body, target string }{
		{"not JSON", `{`, "responses"},
		{"no responses", `{}`, "responses"},
		{"responses an object", `{"responses":{}}`, "responses"},
		{"unknown top-level", `{"responses":[],"x":1}`, "x"},
		{"an id not sent", resp(r("1"), r("3")), "responses[1].id"},
		{"an id twice", resp(r("1"), r("1")), "responses[1].id"},
		{"too many", resp(r("1"), r("2"), r("1")), "responses[2]"},
		{"one missing", resp(r("2")), "responses"},
		{"not an object", resp(`1`, r("2")), "responses[0]"},
		{"no id", resp(`{"status":200}`, r("2")), "responses[0].id"},
		{"numeric id", resp(`{"id":1,"status":200}`, r("2")), "responses[0].id"},
		{"no status", resp(`{"id":"1"}`, r("2")), "responses[0].status"},
		{"status a string", resp(`{"id":"1","status":"200"}`, r("2")), "responses[0].status"},
		{"status 99", resp(`{"id":"1","status":99}`, r("2")), "responses[0].status"},
		{"status 600", resp(`{"id":"1","status":600}`, r("2")), "responses[0].status"},
		{"status 2e2", resp(`{"id":"1","status":2e2}`, r("2")), "responses[0].status"},
		{"status 200.0", resp(`{"id":"1","status":200.0}`, r("2")), "responses[0].status"},
		{"unknown member", resp(`{"id":"1","status":200,"method":"GET"}`, r("2")), "responses[0].method"},
		{"duplicate member", resp(`{"id":"1","status":200,"status":201}`, r("2")), "responses[0].status"},
		{"headers an array", resp(`{"id":"1","status":200,"headers":[]}`, r("2")), "responses[0].headers"},
		{"header not a string", resp(`{"id":"1","status":200,"headers":{"Retry-After":5}}`, r("2")), "responses[0].headers.Retry-After"},
		{"header twice", resp(`{"id":"1","status":200,"headers":{"A":"1","a":"2"}}`, r("2")), "responses[0].headers.a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBatchResponse([]byte(tt.body), sent)
			if err == nil {
				t.Fatal("accepted")
			}
			e := err.(*Error)
			if e.Status != 502 || e.Code != CodeBadGateway || e.Target != tt.target {
				t.Fatalf("%+v; want 502 naming %q", e, tt.target)
			}
		})
	}
}

func TestAppendBatchResponse(t *testing.T) {
	rs := []StepResponse{
		{ID: "1", Status: 201, Headers: []Header{{"Content-Type", "application/json"}}, Body: []byte(`{"id":"p"}`)},
		{ID: "2", Status: 424},
		{ID: "3", Status: 200, Body: []byte(`{`)},
	}
	got := string(AppendBatchResponse(nil, rs))
	const want = `{"responses":[{"id":"1","status":201,"headers":{"Content-Type":"application/json"},"body":{"id":"p"}},{"id":"2","status":424},{"id":"3","status":200,"body":null}]}`
	if got != want {
		t.Fatalf("\n%s\nwant\n%s", got, want)
	}
}

// FuzzBatch: no panic; every error a 400 *Error with a target;
// ParseBatch of AppendBatchRequest's output gives the same steps.
func FuzzBatch(f *testing.F) {
	for _, name := range []string{"batch-request.json", "batch-dependson.json"} {
		f.Add(string(readDoc(f, name)))
	}
	for _, s := range []string{
		batchOf(`{"id":"1","method":"POST","url":"/me/drive/items/1/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view"}}`, `{"id":"2","method":"GET","url":"me/drive/items/1/permissions","dependsOn":["1"]}`),
		batchOf(`{"id":"a","method":"PUT","url":"/me/drive/root:/a.png:/content","headers":{"Content-Type":"image/png"},"body":"iVBORw0KGgo="}`),
		batchOf(step(`,"dependsOn":["1"]`)),
		batchOf(step(`,"headers":{"Authorization":"x"}`)),
		`{"requests":[{"id":"1","method":"GET","url":"https://x/"}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		b, err := ParseBatch([]byte(body))
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Status != 400 || e.Target == "" {
				t.Fatalf("error not a 400 *Error with a target: %#v", err)
			}
			return
		}
		if len(b.Steps) == 0 || len(b.Steps) > 20 || len(b.Order()) != len(b.Steps) {
			t.Fatalf("%d steps, order %v", len(b.Steps), b.Order())
		}
		done := map[int]bool{}
		for _, i := range b.Order() {
			for _, d := range b.Steps[i].DependsOn {
				if !done[b.Index(d)] {
					t.Fatalf("step %d runs before its dependency %q", i, d)
				}
			}
			done[i] = true
		}
		roundTrip(t, b)
	})
}

// FuzzBatchResponse: no panic; every error a 502 *Error with a target;
// AppendBatchResponse's output reads back the same.
func FuzzBatchResponse(f *testing.F) {
	f.Add(string(readDoc(f, "batch-response.json")))
	f.Add(`{"responses":[{"id":"1","status":200,"body":"aGk="},{"id":"2","status":424}]}`)
	f.Add(`{"responses":[{"id":"9","status":200}]}`)
	sent := []string{"1", "2", "3", "4", "5"}
	f.Fuzz(func(t *testing.T, body string) {
		rs, err := ParseBatchResponse([]byte(body), sent)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Status != 502 || e.Target == "" {
				t.Fatalf("error not a 502 *Error with a target: %#v", err)
			}
			return
		}
		out := AppendBatchResponse(nil, rs)
		rs2, err := ParseBatchResponse(out, sent)
		if err != nil || !reflect.DeepEqual(rs, rs2) {
			t.Fatalf("%s: not a fixed point: %v", out, err)
		}
		if !bytes.Equal(AppendBatchResponse(nil, rs2), out) {
			t.Fatal("writer not stable")
		}
	})
}

func TestBatchURL(t *testing.T) {
	r, err := ParseRoute("POST", "/beta/me/drive/root:/a b/c.docx:/createLink")
	if err != nil {
		t.Fatal(err)
	}
	u := BatchURL(r.Upstream)
	if strings.HasPrefix(u, "/beta") || !strings.HasPrefix(u, "/me/drive/") {
		t.Fatalf("%s → %s", r.Upstream, u)
	}
	for in, want := range map[string]string{"/v1.0/me": "/me", "/beta/drives/1/items/2": "/drives/1/items/2", "/me": "/me", "/v1.0x/me": "/v1.0x/me"} {
		if got := BatchURL(in); got != want {
			t.Errorf("BatchURL(%q) = %q, want %q", in, got, want)
		}
	}
	out, err := AppendBatchRequest(nil, []OutStep{{ID: "1", Method: "POST", URL: u, Headers: []Header{{"Content-Type", "application/json"}}, Body: []byte(`{"type":"view"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseBatch(out)
	if err != nil || b.Steps[0].URL != u {
		t.Fatalf("%+v %v", b, err)
	}
}

// Bounds: inputs far past every limit are refused in a single pass, never
// walked member by member with a duplicate check each.
func TestBoundsOnHugeInputs(t *testing.T) {
	// distinct keys: a repeated one would be refused at its second
	// occurrence anyway.
	keys := make([]string, 100000)
	for i := range keys {
		keys[i] = `"@odata.x` + strconv.Itoa(i) + `":1`
	}
	ann := strings.Join(keys, ",")
	for _, tt := range []struct {
		name string
		run  func() error
	}{
		{"permission update", func() error {
			_, err := ParsePermissionUpdate([]byte(`{`+ann+`}`), &Context{Now: testNow})
			return err
		}},
		{"batch", func() error {
			_, err := ParseBatch([]byte(`{` + ann + `,"requests":[]}`))
			return err
		}},
		// A step's body is read by its action's walker when the step is
		// built, and refused there, as alone.
		{"batch body", func() error {
			b, err := BuildBatch([]byte(batchOf(`{"id":"1","method":"POST","url":"/me/drive/items/1/createLink","headers":{"Content-Type":"application/json"},"body":{`+ann+`}}`)), V1, &Context{Now: testNow})
			if err != nil {
				return err
			}
			if st := &b.Steps[0]; st.Forward || st.Err == nil {
				return nil
			}
			return b.Steps[0].Err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.run(), "body") })
	}
	// A step of too many members is refused naming the step.
	_, err := ParseBatch([]byte(batchOf(`{` + ann + `,"id":"1","method":"GET","url":"/me"}`)))
	wantErr(t, err, "requests[0]")
	// Graph's answer: members past the bounds stop the walk.
	_, err = ParseBatchResponse([]byte(`{"responses":[{`+ann+`}]}`), []string{"1"})
	if e, ok := err.(*Error); !ok || e.Status != 502 {
		t.Fatalf("%v", err)
	}
	_, err = ParseBatchResponse([]byte(`{`+ann+`}`), []string{"1"})
	if e, ok := err.(*Error); !ok || e.Status != 502 {
		t.Fatalf("%v", err)
	}
}
