package lambda

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// stepAnswer is one response of a batch answer, read.
type stepAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

func (s *stepAnswer) errCode() (code, target string) {
	var b struct {
		Error struct{ Code, Target string } `json:"error"`
	}
	_ = json.Unmarshal(s.Body, &b)
	return b.Error.Code, b.Error.Target
}

// batch sends a batch to path and reads its 200 answer.
func (e *env) batch(path, body string, deadline time.Duration) []stepAnswer {
	e.t.Helper()
	resp := e.do(req{method: "POST", path: path, body: body, deadline: deadline})
	if resp.StatusCode != 200 {
		e.t.Fatalf("batch: status %d: %s", resp.StatusCode, resp.Body)
	}
	var a struct {
		Responses []stepAnswer `json:"responses"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil {
		e.t.Fatal(err)
	}
	return a.Responses
}

func reportPath(tail string) string { return "/me/drive/items/" + graphsim.DemoReportID + tail }

// TestBatchMixedSteps: valid steps go to Graph in one batch; steps that
// would be refused alone — a bad body, a policy violation, an unserved
// route, a url with a version, a graphsim control path, a non-JSON body,
// a gzip step — are answered in the batch with the error they would get
// alone, and never reach Graph; nor do the steps depending on them.
func TestBatchMixedSteps(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		p, err := core.ParsePolicy([]byte(`{"denyAnonymous":true}`))
		if err != nil {
			t.Fatal(err)
		}
		c.Policy = p
	})
	json := `{"Content-Type":"application/json"}`
	body := `{"requests":[
	 {"id":"1","method":"POST","url":"` + reportPath("/createLink") + `","headers":` + json + `,"body":{"type":"view","scope":"organization"}},
	 {"id":"2","method":"GET","url":"` + strings.TrimPrefix(reportPath("/permissions"), "/") + `?$select=id,roles","dependsOn":["1"]},
	 {"id":"3","method":"POST","url":"` + reportPath("/createLink") + `","headers":` + json + `,"body":{"type":"bogus"}},
	 {"id":"4","method":"GET","url":"` + reportPath("/permissions") + `","dependsOn":["3"]},
	 {"id":"5","method":"POST","url":"` + reportPath("/createLink") + `","headers":` + json + `,"body":{"type":"view","scope":"anonymous"}},
	 {"id":"6","method":"GET","url":"` + reportPath("/children") + `"},
	 {"id":"7","method":"GET","url":"/v1.0` + reportPath("/permissions") + `"},
	 {"id":"8","method":"GET","url":"/_graphsim/requests"},
	 {"id":"9","method":"POST","url":"` + reportPath("/createLink") + `","headers":{"Content-Type":"text/plain"},"body":"eyJ0eXBlIjoidmlldyJ9"},
	 {"id":"10","method":"POST","url":"` + reportPath("/createLink") + `","headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},"body":{"type":"view"}},
	 {"id":"11","method":"PATCH","url":"` + reportPath("/createLink") + `"},
	 {"id":"12","method":"GET","url":"` + reportPath("/permissions") + `?$top=5"},
	 {"id":"13","method":"GET","url":"/me/drive/items/%2e%2e/permissions"},
	 {"id":"14","method":"DELETE","url":"` + reportPath("/permissions/nope") + `","dependsOn":["4"]},
	 {"id":"15","method":"GET","url":"` + reportPath("") + `","headers":{"Content-Type":"application/json"},"body":{"ignored":true}}
	]}`
	got := e.batch("/v1.0/$batch", body, 0)
	want := []struct {
		status       int
		code, target string
	}{
		{201, "", ""},
		{200, "", ""},
		{400, "invalidRequest", "type"},
		{424, "failedDependency", "dependsOn"},
		{403, "accessDenied", "policy.denyAnonymous"},
		{404, "itemNotFound", "children"},
		{404, "itemNotFound", "path"},
		{404, "itemNotFound", "_graphsim"},
		{415, "unsupportedMediaType", "Content-Type"},
		{415, "unsupportedMediaType", "Content-Encoding"},
		{405, "notAllowed", "method"},
		{400, "invalidRequest", "$top"},
		{400, "invalidRequest", "item-id"},
		{424, "failedDependency", "dependsOn"},
		{200, "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d responses, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := &got[i]
		code, target := g.errCode()
		if g.ID != fmt.Sprint(i+1) || g.Status != w.status || code != w.code || target != w.target {
			t.Errorf("step %d: id %q status %d code %q target %q, want %d %q %q: %s", i+1, g.ID, g.Status, code, target, w.status, w.code, w.target, g.Body)
		}
	}
	if got[10].Headers["allow"] != "POST" {
		t.Errorf("the 405 step's headers: %v", got[10].Headers)
	}
	var perms struct{ Value []map[string]any }
	if err := jsonUnmarshal(got[1].Body, &perms); err != nil || len(perms.Value) == 0 {
		t.Errorf("the list step's body: %s", got[1].Body)
	}
	steps := e.sim.BatchSteps()
	wantSteps := map[string]int{"POST createLink": 1, "GET permissions": 1, "GET item": 1}
	if !maps.Equal(steps, wantSteps) {
		t.Errorf("graphsim ran the steps %v, want %v", steps, wantSteps)
	}
	if n := e.sim.Requests()["POST batch"]; n != 1 {
		t.Errorf("%d upstream batches, want 1", n)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestBatchShapesAsAlone: a step's answer is what the same request alone
// gets, body byte for byte (Shape of its route) and status.
func TestBatchShapesAsAlone(t *testing.T) {
	e := newEnv(t)
	alone := e.do(req{path: "/beta" + reportPath("/permissions")})
	got := e.batch("/beta/$batch", `{"requests":[{"id":"a","method":"GET","url":"`+reportPath("/permissions")+`"},{"id":"b","method":"GET","url":"`+reportPath("/permissions/nope")+`"}]}`, 0)
	if got[0].Status != alone.StatusCode || string(got[0].Body) != alone.Body {
		t.Errorf("batch step: %d %s\nalone: %d %s", got[0].Status, got[0].Body, alone.StatusCode, alone.Body)
	}
	if got[0].Headers["content-type"] != "application/json" || got[0].Headers["request-id"] == "" {
		t.Errorf("step headers %v", got[0].Headers)
	}
	aloneErr := e.do(req{path: "/beta" + reportPath("/permissions/nope")})
	if code, _ := got[1].errCode(); got[1].Status != aloneErr.StatusCode || code != aloneErr.errCode() {
		t.Errorf("Graph's step error %d %s, alone %d %s", got[1].Status, got[1].Body, aloneErr.StatusCode, aloneErr.Body)
	}
}

// TestBatchDependsOnChains: a chain whose head Graph fails is answered
// 424 by Graph; a chain whose head sharelink refuses is answered 424 by
// sharelink, and never sent; dependsOn among forwarded steps is kept.
func TestBatchDependsOnChains(t *testing.T) {
	e := newEnv(t)
	got := e.batch("/v1.0/$batch", `{"requests":[
	 {"id":"c","method":"GET","url":"`+reportPath("/permissions")+`","dependsOn":["b"]},
	 {"id":"b","method":"GET","url":"`+reportPath("/permissions/missing")+`","dependsOn":["a"]},
	 {"id":"a","method":"GET","url":"`+reportPath("/permissions")+`"},
	 {"id":"x","method":"GET","url":"/me/drive/items/a..b/permissions"},
	 {"id":"y","method":"GET","url":"`+reportPath("/permissions")+`","dependsOn":["x"]},
	 {"id":"z","method":"GET","url":"`+reportPath("/permissions")+`","dependsOn":["Y","a"]}
	]}`, 0)
	statuses := []int{}
	for _, g := range got {
		statuses = append(statuses, g.Status)
	}
	if !slices.Equal(statuses, []int{424, 404, 200, 400, 424, 424}) {
		t.Fatalf("statuses %v", statuses)
	}
	if got[0].ID != "c" || got[5].ID != "z" {
		t.Errorf("answers out of request order: %v", got)
	}
	// a, b and c went to Graph (c answered 424 there); x, y, z never did.
	if steps := e.sim.BatchSteps(); steps["GET permissions"] != 1 || steps["GET permission"] != 1 {
		t.Errorf("graphsim ran %v", steps)
	}
	if code, _ := got[4].errCode(); code != core.CodeFailedDependency {
		t.Errorf("y: %s", got[4].Body)
	}
}

// TestBatchRetriesThrottledSteps: the steps Graph throttles inside a 200
// batch are sent again as a smaller batch after the longest Retry-After
// among them; a step Graph failed (424) only because a throttled one did
// goes with them, its dependsOn kept.
func TestBatchRetriesThrottledSteps(t *testing.T) {
	e := newEnv(t)
	e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 1, RetryAfter: "3", InBatch: true, Step: "2"})
	e.sim.Inject(graphsim.Fault{Kind: "unavailable", Count: 1, RetryAfter: "5", InBatch: true, Step: "3"})
	got := e.batch("/v1.0/$batch", `{"requests":[
	 {"id":"1","method":"GET","url":"`+reportPath("/permissions")+`"},
	 {"id":"2","method":"POST","url":"`+reportPath("/createLink")+`","headers":{"Content-Type":"application/json"},"body":{"type":"edit","scope":"organization"}},
	 {"id":"3","method":"GET","url":"`+reportPath("")+`"},
	 {"id":"4","method":"GET","url":"`+reportPath("/permissions")+`","dependsOn":["2"]}
	]}`, 0)
	for i, want := range []int{200, 201, 200, 200} {
		if got[i].Status != want {
			t.Errorf("step %s: %d, want %d: %s", got[i].ID, got[i].Status, want, got[i].Body)
		}
	}
	if w := e.clock.slept(); !slices.Equal(w, []time.Duration{5 * time.Second}) {
		t.Errorf("waited %v, want the longest Retry-After, 5s, once", w)
	}
	if n := e.sim.Requests()["POST batch"]; n != 2 {
		t.Errorf("%d upstream batches, want 2", n)
	}
	// 1 ran once; 2 and 3 were throttled then ran; 4 ran once (its 424 was not a run).
	want := map[string]int{"GET permissions": 2, "POST createLink": 2, "GET item": 2}
	if steps := e.sim.BatchSteps(); !maps.Equal(steps, want) {
		t.Errorf("graphsim counted %v, want %v", steps, want)
	}
	var line map[string]any
	for _, l := range e.logs.Lines() {
		if strings.Contains(l, `"msg":"request"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	if line["upstream_attempts"] != 2.0 || line["retry_wait_ms"] != 5000.0 || line["route"] != "batch" {
		t.Errorf("batch log line %v", line)
	}
}

// TestBatchRetryBounds: a step Retry-After past the deadline is not
// waited out, nor are more sends than the attempt bound made; the
// throttled steps are answered as Graph answered them, retry-after
// included, in a batch that stays 200.
func TestBatchRetryBounds(t *testing.T) {
	body := `{"requests":[{"id":"1","method":"GET","url":"` + reportPath("/permissions") + `"},{"id":"2","method":"GET","url":"` + reportPath("") + `"}]}`
	t.Run("deadline", func(t *testing.T) {
		e := newEnv(t)
		e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 1, RetryAfter: "3360", InBatch: true, Step: "2"})
		got := e.batch("/v1.0/$batch", body, 10*time.Second)
		if got[0].Status != 200 || got[1].Status != 429 || got[1].Headers["retry-after"] != "3360" {
			t.Fatalf("answers %+v", got)
		}
		if code, _ := got[1].errCode(); code != core.CodeActivityLimitReached {
			t.Errorf("code %q", code)
		}
		if len(e.clock.slept()) != 0 || e.sim.Requests()["POST batch"] != 1 {
			t.Errorf("waited %v, sent %d batches", e.clock.slept(), e.sim.Requests()["POST batch"])
		}
		if !strings.Contains(e.logs.String(), `"retry_stopped":"deadline"`) {
			t.Errorf("log: %s", e.logs.String())
		}
	})
	t.Run("deadline over a series", func(t *testing.T) {
		e := newEnv(t)
		e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 10, RetryAfter: "2", InBatch: true, Step: "2"})
		got := e.batch("/v1.0/$batch", body, 5*time.Second)
		if got[1].Status != 429 || !slices.Equal(e.clock.slept(), []time.Duration{2 * time.Second, 2 * time.Second}) {
			t.Errorf("answers %+v, waits %v", got, e.clock.slept())
		}
	})
	t.Run("attempts", func(t *testing.T) {
		e := newEnv(t)
		e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 10, RetryAfter: "1", InBatch: true, Step: "2"})
		got := e.batch("/v1.0/$batch", body, 0)
		if got[0].Status != 200 || got[1].Status != 429 {
			t.Errorf("answers %+v", got)
		}
		if n := e.sim.Requests()["POST batch"]; n != 4 {
			t.Errorf("%d upstream batches, want the attempt bound, 4", n)
		}
		if !strings.Contains(e.logs.String(), `"retry_stopped":"attempts"`) {
			t.Errorf("log: %s", e.logs.String())
		}
	})
	t.Run("whole batch throttled then steps", func(t *testing.T) {
		e := newEnv(t)
		e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 1, RetryAfter: "1", Route: "POST batch"})
		e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 1, RetryAfter: "2", InBatch: true, Step: "1"})
		got := e.batch("/v1.0/$batch", body, 0)
		if got[0].Status != 200 || got[1].Status != 200 {
			t.Errorf("answers %+v", got)
		}
		if w := e.clock.slept(); !slices.Equal(w, []time.Duration{time.Second, 2 * time.Second}) {
			t.Errorf("waits %v", w)
		}
	})
	t.Run("Graph gone", func(t *testing.T) {
		e := newEnv(t)
		e.sim.Inject(graphsim.Fault{Kind: "drop", Count: 1, Route: "POST batch"})
		got := e.batch("/v1.0/$batch", `{"requests":[{"id":"1","method":"GET","url":"`+reportPath("/permissions")+`"},{"id":"2","method":"GET","url":"/me/drive/items/x/nope"}]}`, 0)
		if c, _ := got[0].errCode(); got[0].Status != 502 || c != core.CodeBadGateway || got[1].Status != 404 {
			t.Errorf("answers %+v", got)
		}
	})
}

// TestBatchRefusedWhole: a malformed batch, or one the transport rules
// refuse, is one error and nothing reaches Graph.
func TestBatchRefusedWhole(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		r            req
		status       int
		code, target string
	}{
		{req{method: "POST", path: "/v1.0/$batch", body: `{"requests":[{"id":"a","method":"GET","url":"/me/drive/root"},{"id":"A","method":"GET","url":"/me/drive/root"}]}`}, 400, "invalidRequest", "requests[1].id"},
		{req{method: "POST", path: "/v1.0/$batch", body: `{"requests":[{"id":"a","method":"GET","url":"/me/drive/root","headers":{"Authorization":"Bearer x"}}]}`}, 400, "invalidRequest", "requests[0].headers.Authorization"},
		{req{method: "POST", path: "/v1.0/$batch", body: `{"requests":[]}`, headers: map[string]string{"authorization": ""}}, 401, "unauthenticated", "Authorization"},
		{req{method: "POST", path: "/v1.0/$batch", body: `{"requests":[]}`, headers: map[string]string{"content-type": "text/plain"}}, 415, "unsupportedMediaType", "Content-Type"},
		{req{method: "GET", path: "/v1.0/$batch"}, 405, "notAllowed", "method"},
		{req{method: "POST", path: "/v1.0/$batch", query: "$select=id", body: `{"requests":[]}`}, 400, "invalidRequest", "$select"},
		{req{method: "POST", path: "/v1.0/me/$batch", body: `{"requests":[]}`}, 404, "itemNotFound", "$batch"},
	}
	for _, tt := range tests {
		resp := e.do(tt.r)
		if resp.StatusCode != tt.status || resp.errCode() != tt.code || resp.errTarget() != tt.target {
			t.Errorf("%s %s %s: %d %s", tt.r.method, tt.r.path, tt.r.body, resp.StatusCode, resp.Body)
		}
	}
	if n := e.sim.Total(); n != 0 {
		t.Errorf("%d requests reached graphsim", n)
	}
}

// TestBatchLogsEachStep: a line per step after the batch's, with the
// batch's ids, the step's route, status, error code and target — and no
// url, id, body or header of the caller's.
func TestBatchLogsEachStep(t *testing.T) {
	e := newEnv(t)
	e.batch("/v1.0/$batch", `{"requests":[
	 {"id":"alice@contoso.com","method":"GET","url":"`+reportPath("/permissions")+`"},
	 {"id":"2","method":"POST","url":"`+reportPath("/createLink")+`","headers":{"Content-Type":"application/json"},"body":{"type":"view","scope":"users","recipients":[{"email":"bob@contoso.com"}],"bob@contoso.com":1}},
	 {"id":"3","method":"GET","url":"/users/mallory@contoso.com/drive/items/x/nope"}
	]}`, 0)
	all := e.logs.Lines()
	var lines []string // the request line and the step lines; the decision and metrics lines are decision.go's
	for _, l := range all {
		secrets := []string{"alice@contoso.com", "bob@contoso.com", "mallory", e.token}
		if !strings.Contains(l, `"kind":"decision"`) {
			// A sharing step's decision record names its item by id, as
			// a request alone's does (docs/decisions.md); no other line.
			secrets = append(secrets, graphsim.DemoReportID)
		}
		for _, secret := range secrets {
			if strings.Contains(l, secret) {
				t.Errorf("a log line holds %q: %s", secret, l)
			}
		}
		if strings.Contains(l, `"msg":"request"`) || strings.Contains(l, `"msg":"batch step"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 4 {
		t.Fatalf("%d request and step lines: %v", len(lines), all)
	}
	var batch map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &batch)
	for i, l := range lines[1:] {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] != "batch step" || m["request_id"] != batch["request_id"] || m["client_request_id"] != batch["client_request_id"] || m["step"] != float64(i) {
			t.Errorf("line %d: %v", i+1, m)
		}
	}
	want := []string{
		`"route":"listPermissions"`, `"status":200`,
		`"route":"createLink"`, `"status":400`, `"error_code":"invalidRequest"`, `"error_target":"unknownProperty"`,
		`"error_code":"itemNotFound"`, `"error_target":"pathSegment"`,
	}
	steps := strings.Join(lines[1:], "\n")
	for _, w := range want {
		if !strings.Contains(steps, w) {
			t.Errorf("no %s in %s", w, steps)
		}
	}
	if batch["batch_steps"] != 3.0 {
		t.Errorf("batch line %v", batch)
	}
}
