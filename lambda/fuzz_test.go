package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/tests/vectors"
)

// fuzzUpstream is an in-memory Graph: a permission for a request alone,
// and for a $batch one answer per step it was sent, with the status the
// fuzzer chose. mode 1 answers 503 to everything, mode 2 fails the
// exchange (the mode's two low bits); it counts what it was sent, and whether it answered 5xx or
// failed.
type fuzzUpstream struct {
	mode   byte
	status int // each batch step's status
	mu     sync.Mutex
	n      int
	failed bool // answered 5xx or failed: a 5xx of sharelink's is then allowed
}

const fuzzPermission = `{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://contoso.sharepoint.com/:w:/x"}}`

func (u *fuzzUpstream) Do(r *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.n++
	u.mu.Unlock()
	var in []byte
	if r.Body != nil {
		in, _ = io.ReadAll(r.Body)
	}
	answer := func(status int, body string) (*http.Response, error) {
		if status >= 500 {
			u.mu.Lock()
			u.failed = true
			u.mu.Unlock()
		}
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}, "Etag": {`"e1"`}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
	}
	switch u.mode % 4 {
	case 1:
		return answer(503, `{"error":{"code":"serviceNotAvailable","message":"scripted"}}`)
	case 2:
		u.mu.Lock()
		u.failed = true
		u.mu.Unlock()
		return nil, errors.New("connection refused")
	}
	if !strings.HasSuffix(r.URL.Path, "/$batch") {
		if r.Method == http.MethodDelete {
			return answer(204, "")
		}
		if strings.HasSuffix(r.URL.Path, "/permissions") && r.Method == http.MethodGet {
			return answer(200, `{"value":[`+fuzzPermission+`]}`)
		}
		return answer(200, fuzzPermission)
	}
	var batch struct {
		Requests []struct {
			ID string `json:"id"`
		} `json:"requests"`
	}
	_ = json.Unmarshal(in, &batch)
	status := u.status
	if status < 200 || status > 599 {
		status = 200
	}
	if status >= 500 {
		u.mu.Lock()
		u.failed = true
		u.mu.Unlock()
	}
	var out bytes.Buffer
	out.WriteString(`{"responses":[`)
	for i, s := range batch.Requests {
		if i > 0 {
			out.WriteByte(',')
		}
		id, _ := json.Marshal(s.ID)
		body := fuzzPermission
		if status >= 300 {
			body = `{"error":{"code":"x","message":"scripted"}}`
		}
		out.WriteString(`{"id":` + string(id) + `,"status":` + itoa(status) + `,"headers":{"Content-Type":"application/json"},"body":` + body + `}`)
	}
	out.WriteString(`]}`)
	return answer(200, out.String())
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// fuzzToken is a JWT-shaped bearer token with id-like claims; the fuzzer
// chooses between it, a token whose claims are hostile, and none.
func fuzzToken(kind byte) string {
	enc := base64.RawURLEncoding.EncodeToString
	switch kind % 4 {
	case 0:
		return "Bearer " + enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","oid":"00000000-0000-0000-0000-0000000000a1","appid":"5e0c8f7a-0000-0000-0000-000000000001"}`)) + ".c2VjcmV0dG9rZW4"
	case 1:
		return "Bearer " + enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte("{\"tid\":\"x\\n{\\\"msg\\\":\\\"forged\\\"}\",\"appid\":\"5e0c8f7a-0000-0000-0000-000000000001\\\"\",\"oid\":\"a@b.co\"}")) + ".c2VjcmV0dG9rZW4"
	case 2:
		return "Basic dXNlcjpwYXNz"
	}
	return ""
}

const fuzzPolicySet = `{
 "default": {"denyAnonymous": true, "maxExpiryDays": 30, "allowedRecipientDomains": ["contoso.com"], "maxRecipients": 5,
   "anonymous": {"requirePassword": true}, "answers": {"maxExpiryDays": "report"}},
 "overrides": [
  {"name": "app", "match": {"appid": "5e0c8f7a-0000-0000-0000-000000000001"}, "policy": {"mode": "shadow", "modes": {"allowedTypes": "enforce"}, "allowedTypes": ["view", "edit"], "maxExpiryDays": 7}},
  {"name": "site", "match": {"site": "contoso.sharepoint.com"}, "policy": {"allowedRoles": ["read"], "allowedScopes": ["organization", "users"]}}
 ]
}`

var (
	fuzzPasswordRE = regexp.MustCompile(`"password"\s*:\s*"((?:[^"\\]|\\.)*)"`)
	fuzzAddressRE  = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
)

// fuzzSeeds are the hostile corpus's and the test vectors' requests.
func fuzzSeeds(f *testing.F) [][5]string {
	var seeds [][5]string // method, path, query, body, content-encoding
	files, _ := filepath.Glob("../tests/hostile/corpus*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var groups []struct {
			Defaults map[string]json.RawMessage   `json:"defaults"`
			Cases    []map[string]json.RawMessage `json:"cases"`
		}
		if err := json.Unmarshal(b, &groups); err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		for _, g := range groups {
			for _, c := range g.Cases {
				get := func(k string) string {
					v, ok := c[k]
					if !ok {
						v = g.Defaults[k]
					}
					var s string
					_ = json.Unmarshal(v, &s)
					return strings.ReplaceAll(s, "{{item}}", "01AB")
				}
				method := get("method")
				if method == "" {
					method = "POST"
					if get("body") == "" {
						method = "GET"
					}
				}
				var hd map[string]*string
				_ = json.Unmarshal(c["headers"], &hd)
				coding := ""
				if v := hd["Content-Encoding"]; v != nil {
					coding = *v
				}
				seeds = append(seeds, [5]string{method, get("path"), get("query"), get("body"), coding})
			}
		}
	}
	vs, err := vectors.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		var in struct {
			Method string          `json:"method"`
			Path   string          `json:"path"`
			Body   json.RawMessage `json:"body"`
		}
		if json.Unmarshal(v.Input, &in) != nil || in.Path == "" {
			continue
		}
		body := string(in.Body)
		var s string
		if json.Unmarshal(in.Body, &s) == nil {
			body = s
		}
		if in.Method == "" {
			in.Method = "POST"
		}
		seeds = append(seeds, [5]string{in.Method, in.Path, "", body, ""})
	}
	return seeds
}

// FuzzHandleEvent drives Handle end to end — method, path, query, the
// headers sharelink reads and the body — against an in-memory Graph,
// with a scoped policy, dry runs and CORS on. Whatever comes in: no
// panic; no 5xx unless Graph answered one or could not be reached; a
// JSON body (none for 204 and 304); a refusal sent nothing upstream; no
// log line holds the token, a password or an address from the body; no
// response header holds CR or LF.
func FuzzHandleEvent(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s[0], s[1], s[2], s[3], byte(0), "application/json", s[4], "https://app.contoso.com", "", "", byte(0), 200)
	}
	f.Add("POST", "/v1.0/$batch", "", `{"requests":[{"id":"1","method":"POST","url":"/me/drive/items/01AB/invite","body":{"recipients":[{"email":"x@contoso.com"}],"roles":["read"],"password":"hunter22"},"headers":{"Content-Type":"application/json"}}]}`, byte(0), "application/json", "", "https://app.contoso.com", "", "sharelink-dry-run", byte(0), 200)
	f.Add("OPTIONS", "/v1.0/me/drive/items/01AB/createLink", "", "", byte(3), "", "", "https://app.contoso.com", "", "", byte(0), 200)
	f.Add("PATCH", "/v1.0/me/drive/items/01AB/permissions/p1", "", `{"roles":["write"]}`, byte(0), "application/json", "", "", `"e1"`, "", byte(0), 200)
	f.Add("POST", "/v1.0/$batch", "", `{"requests":[{"id":"1","method":"GET","url":"/me/drive/items/01AB/permissions"},{"id":"2","dependsOn":["1"],"method":"DELETE","url":"/me/drive/items/01AB/permissions/p1"}]}`, byte(0), "application/json", "", "", "", "", byte(0), 429)
	f.Fuzz(func(t *testing.T, method, path, query, body string, tok byte, ctype, coding, origin, ifMatch, prefer string, upMode byte, stepStatus int) {
		up := &fuzzUpstream{mode: upMode, status: stepStatus}
		cfg := DefaultConfig()
		ps, err := core.ParsePolicySet([]byte(fuzzPolicySet))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Policies, cfg.Policy = ps, nil
		cfg.CORSOrigins = []string{"https://app.contoso.com"}
		cfg.DryRun = true
		cfg.AuditKey = []byte("0123456789abcdef0123456789abcdef")
		cfg.MaxAttempts = 2
		clock := &fakeClock{}
		logs := &logcapture.Buffer{}
		h := New(cfg, WithClient(up), WithClock(clock.now, clock.sleep), WithLogger(NewLogger(logs)),
			WithJitter(func() float64 { return 0.5 }), WithDeadline(func(context.Context) (time.Time, bool) { return time.Time{}, false }))
		auth := fuzzToken(tok)
		hd := map[string]string{"content-type": ctype, "content-encoding": coding, "origin": origin,
			"if-match": ifMatch, "prefer": prefer, "client-request-id": ifMatch}
		if auth != "" {
			hd["authorization"] = auth
		}
		if method == "OPTIONS" {
			hd["access-control-request-method"] = "POST"
		}
		ev := events.APIGatewayV2HTTPRequest{RawPath: path, RawQueryString: query, Headers: hd, Body: body,
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method}}}
		switch upMode >> 6 { // the event's own encodings: base64 (or marked so), and the path given decoded
		case 1:
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(body)), true
		case 2:
			ev.IsBase64Encoded = true
		case 3:
			ev.RawPath, ev.RequestContext.HTTP.Path = "", path
		}
		began := time.Now()
		// A request that never ends is found as a crash, with its input.
		stuck := time.AfterFunc(10*time.Second, func() { panic("one request has run for 10 s") })
		resp, err := h.Handle(context.Background(), ev)
		stuck.Stop()
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(began); d > 2*time.Second {
			t.Fatalf("%v for one request of %d bytes", d, len(path)+len(query)+len(body))
		}
		up.mu.Lock()
		sent, failed := up.n, up.failed
		up.mu.Unlock()
		if resp.StatusCode >= 500 && !failed {
			t.Fatalf("%d without an upstream 5xx or failure: %s", resp.StatusCode, resp.Body)
		}
		switch {
		case resp.StatusCode == 204 || resp.StatusCode == 304:
			if resp.Body != "" {
				t.Fatalf("%d with a body: %q", resp.StatusCode, resp.Body)
			}
		case !utf8.ValidString(resp.Body) || !json.Valid([]byte(resp.Body)):
			t.Fatalf("%d: not JSON: %q", resp.StatusCode, resp.Body)
		}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && sent != 0 {
			t.Fatalf("%d after %d upstream requests: %s", resp.StatusCode, sent, resp.Body)
		}
		for k, v := range resp.Headers {
			if strings.ContainsAny(k+v, "\r\n") {
				t.Fatalf("header %q: %q holds CR or LF", k, v)
			}
		}
		for k, vs := range resp.MultiValueHeaders {
			for _, v := range vs {
				if strings.ContainsAny(k+v, "\r\n") {
					t.Fatalf("header %q: %q holds CR or LF", k, v)
				}
			}
		}
		log := logs.String()
		for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
			if line != "" && !json.Valid([]byte(line)) {
				t.Fatalf("log line is not JSON: %q", line)
			}
		}
		if auth != "" {
			if _, cred, _ := strings.Cut(auth, " "); len(cred) >= 8 && strings.Contains(log, cred) {
				t.Fatalf("the token is in the log: %s", log)
			}
			for _, part := range strings.Split(strings.TrimPrefix(auth, "Bearer "), ".") {
				if len(part) >= 12 && strings.Contains(log, part) {
					t.Fatalf("part of the token is in the log: %s", log)
				}
			}
		}
		if strings.Contains(log, "forged") {
			t.Fatalf("a claim's text is in the log: %s", log)
		}
		for _, m := range fuzzPasswordRE.FindAllStringSubmatch(body, -1) {
			var pw string
			if json.Unmarshal([]byte(`"`+m[1]+`"`), &pw) == nil && len(pw) >= 4 && strings.Contains(log, pw) && !strings.Contains(fuzzLogNoise, pw) {
				t.Fatalf("password %q is in the log: %s", pw, log)
			}
		}
		for _, a := range fuzzAddressRE.FindAllString(body, -1) {
			if strings.Contains(log, a) {
				t.Fatalf("address %q is in the log: %s", a, log)
			}
		}
	})
}

// fuzzLogNoise is text every log line holds, whatever the request: a
// "password" that happens to be part of it is no leak.
const fuzzLogNoise = `"time" "level":"INFO","msg":"request","request_id","client_request_id","status","route","version","method","duration_ms","upstream_status","attempts","error_code","error_target","decision","policy","default","batch step","step","forwarded","_aws","CloudWatchMetrics","Namespace","Dimensions","Metrics","Name","Unit","Milliseconds","Count","sharelink","POST","GET","DELETE","PATCH","OPTIONS","createLink","invite","grant","permissions","v1.0","beta","true","false","null"`
