package graphsim_test

import (
	"fmt"
	"strings"
	"testing"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

func step(id, method, url string, body any, deps ...string) map[string]any {
	s := map[string]any{"id": id, "method": method, "url": url}
	if body != nil {
		s["body"] = body
		s["headers"] = map[string]string{"Content-Type": "application/json"}
	}
	if len(deps) > 0 {
		s["dependsOn"] = deps
	}
	return s
}

func batchOf(steps ...map[string]any) map[string]any {
	rs := make([]any, len(steps))
	for i, s := range steps {
		rs[i] = s
	}
	return map[string]any{"requests": rs}
}

// responses indexes a batch answer by step id (Graph may answer in any order).
func responses(t *testing.T, r *resp) map[string]*resp {
	t.Helper()
	out := map[string]*resp{}
	for _, v := range r.list("responses") {
		m := v.(map[string]any)
		body, _ := m["body"].(map[string]any)
		st, _ := m["status"].(float64)
		h := map[string]any{}
		if hm, ok := m["headers"].(map[string]any); ok {
			h = hm
		}
		x := &resp{status: int(st), body: body, header: map[string][]string{}}
		for k, v := range h {
			x.header.Set(k, fmt.Sprint(v))
		}
		out[m["id"].(string)] = x
	}
	return out
}

func TestBatch(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	r := e.do("POST", "/v1.0/$batch", alice, batchOf(
		step("1", "POST", report+"/createLink", view("anonymous")),
		step("2", "GET", "me/drive/items/"+gs.DemoReportID+"/permissions?$select=id", nil),
		step("3", "GET", "/me/nope", nil),
		step("4", "POST", report+"/invite", inviteBody([]string{"read"}, nil, email(gs.DemoBobUPN))),
		step("5", "PATCH", report+"/permissions/x", map[string]any{"roles": []string{"read"}}),
	)).must(t, 200)
	if len(r.list("responses")) != 5 {
		t.Fatalf("responses: %s", r.raw)
	}
	rs := responses(t, r)
	for id, want := range map[string]int{"1": 201, "2": 200, "3": 404, "4": 200, "5": 404} {
		if rs[id] == nil || rs[id].status != want {
			t.Fatalf("step %s: want %d: %s", id, want, r.raw)
		}
	}
	if rs["1"].s("link.scope") != "anonymous" || rs["1"].header.Get("Content-Type") != "application/json" || rs["1"].header.Get("request-id") == "" {
		t.Fatalf("step 1: %v %v", rs["1"].body, rs["1"].header)
	}
	if rs["3"].s("error.code") != "invalidRequest" || rs["4"].s("value.0.grantedToV2.user.id") != gs.DemoBobID {
		t.Fatalf("steps 3, 4: %s", r.raw)
	}
	// each step is a request Graph served, and a batch step
	counts, steps := e.sim.Requests(), e.sim.BatchSteps()
	if counts["POST batch"] != 1 || counts["POST createLink"] != 1 || steps["POST createLink"] != 1 || steps["GET unknown"] != 1 ||
		steps["PATCH permission"] != 1 || e.sim.Total() != 6 {
		t.Fatalf("counters: %v %v %d", counts, steps, e.sim.Total())
	}
	// the control endpoint shows them too
	c := e.do("GET", "/_graphsim/requests", "", nil).must(t, 200)
	if c.get("batchSteps") == nil || c.get("batchSteps").(map[string]any)["POST invite"] != float64(1) {
		t.Fatalf("control: %s", c.raw)
	}
	// no token: each step answers 401, the batch is 200
	r = e.do("POST", "/$batch", "", batchOf(step("a", "GET", "/me/drive", nil))).must(t, 200)
	if responses(t, r)["a"].status != 401 {
		t.Fatalf("no token: %s", r.raw)
	}
}

func TestBatchVersions(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	// steps run under the batch's version: v1.0 requires a link type,
	// beta falls back to the organisation's default link
	untyped := step("c", "POST", report+"/createLink", map[string]any{"scope": "organization"})
	if st := responses(t, e.do("POST", "/v1.0/$batch", alice, batchOf(untyped)).must(t, 200))["c"]; st.status != 400 {
		t.Fatalf("v1.0 createLink without a type: %d", st.status)
	}
	if st := responses(t, e.do("POST", "/beta/$batch", alice, batchOf(untyped)).must(t, 200))["c"]; st.status/100 != 2 {
		t.Fatalf("beta createLink without a type: %d %v", st.status, st.body)
	}
	// beta createLink without type works in a beta batch only
	r := responses(t, e.do("POST", "/beta/$batch", alice, batchOf(step("c", "POST", report+"/createLink", map[string]any{"scope": "anonymous"}))).must(t, 200))
	if r["c"].status != 201 || r["c"].s("link.type") != "view" {
		t.Fatalf("beta createLink: %d", r["c"].status)
	}
	if st := responses(t, e.do("POST", "/$batch", alice, batchOf(step("c", "POST", report+"/createLink", map[string]any{"scope": "anonymous"}))).must(t, 200))["c"]; st.status != 400 {
		t.Fatalf("v1.0 createLink without type: %d", st.status)
	}
}

func TestBatchDependsOn(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	r := e.do("POST", "/$batch", alice, batchOf(
		// "list" depends on "make", which comes later: make runs first
		step("list", "GET", report+"/permissions", nil, "make"),
		step("make", "POST", report+"/createLink", view("organization")),
		step("bad", "GET", "/me/drive/items/nope", nil),
		step("after-bad", "POST", report+"/createLink", view("anonymous"), "bad"),
		step("chain", "GET", "/me/drive", nil, "after-bad"),
		step("both", "GET", "/me/drive", nil, "make", "list"),
	)).must(t, 200)
	rs := responses(t, r)
	if rs["make"].status != 201 || rs["list"].status != 200 || rs["both"].status != 200 {
		t.Fatalf("dependencies that succeeded: %s", r.raw)
	}
	found := false
	for _, p := range rs["list"].values() {
		found = found || str(p, "id") == rs["make"].s("id")
	}
	if !found {
		t.Fatal("the dependent step ran before its dependency")
	}
	for _, id := range []string{"after-bad", "chain"} {
		if rs[id].status != 424 || rs[id].s("error.code") != "failedDependency" {
			t.Fatalf("%s: %s", id, r.raw)
		}
	}
	// a step failed by its dependency never ran
	if n := e.sim.BatchSteps()["POST createLink"]; n != 1 {
		t.Fatalf("createLink steps %d", n)
	}
	for _, p := range e.do("GET", report+"/permissions", alice, nil).must(t, 200).values() {
		if str(p, "link.scope") == "anonymous" {
			t.Fatal("a step whose dependency failed changed the state")
		}
	}
}

func TestBatchRefused(t *testing.T) {
	e := newEnv(t)
	ok := step("1", "GET", "/me/drive", nil)
	many := make([]map[string]any, 21)
	for i := range many {
		many[i] = step(fmt.Sprint(i), "GET", "/me/drive", nil)
	}
	noCT := step("1", "POST", "/me/drive/items/"+gs.DemoReportID+"/createLink", nil)
	noCT["body"] = view("anonymous")
	for _, c := range []struct {
		name string
		body any
	}{
		{"not json", "{"},
		{"not an object", "[]"},
		{"no requests", map[string]any{}},
		{"requests not an array", map[string]any{"requests": "x"}},
		{"empty", batchOf()},
		{"over 20", batchOf(many...)},
		{"unknown member", map[string]any{"requests": []any{ok}, "x": 1}},
		{"duplicate ids", batchOf(ok, step("1", "GET", "/me", nil))},
		{"duplicate ids, other case", batchOf(step("a", "GET", "/me/drive", nil), step("A", "GET", "/me/drive", nil))},
		{"missing id", batchOf(map[string]any{"method": "GET", "url": "/me/drive"})},
		{"missing url", batchOf(map[string]any{"id": "1", "method": "GET"})},
		{"missing method", batchOf(map[string]any{"id": "1", "url": "/me/drive"})},
		{"bad method", batchOf(step("1", "TRACE", "/me/drive", nil))},
		{"absolute url", batchOf(step("1", "GET", "https://graph.microsoft.com/v1.0/me/drive", nil))},
		{"scheme-relative url", batchOf(step("1", "GET", "//graph.microsoft.com/v1.0/me/drive", nil))},
		{"nested batch", batchOf(step("1", "POST", "/$batch", map[string]any{"requests": []any{}}))},
		{"body without Content-Type", batchOf(noCT)},
		{"unknown dependency", batchOf(step("1", "GET", "/me/drive", nil, "9"))},
		{"self dependency", batchOf(step("1", "GET", "/me/drive", nil, "1"))},
		{"cycle", batchOf(step("1", "GET", "/me/drive", nil, "2"), step("2", "GET", "/me/drive", nil, "1"))},
		{"unknown step member", batchOf(map[string]any{"id": "1", "method": "GET", "url": "/me/drive", "atomic": true})},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.do("POST", "/v1.0/$batch", alice, c.body).graphErr(t, 400, "BadRequest")
		})
	}
	// nothing reached Graph but the batches themselves
	if n := len(e.sim.BatchSteps()); n != 0 || e.sim.Total() != e.sim.Requests()["POST batch"] {
		t.Fatalf("steps ran: %v %v", e.sim.BatchSteps(), e.sim.Requests())
	}
	e.do("GET", "/$batch", alice, nil).graphErr(t, 405, "notAllowed")
}

func TestBatchStepThrottling(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	e.sim.Inject(gs.Fault{Kind: gs.FaultThrottle, Step: "2", RetryAfter: "7"})
	r := e.do("POST", "/$batch", alice, batchOf(
		step("1", "POST", report+"/createLink", view("organization")),
		step("2", "POST", report+"/createLink", view("anonymous")),
	)).must(t, 200)
	rs := responses(t, r)
	if rs["1"].status != 201 || rs["2"].status != 429 || rs["2"].header.Get("Retry-After") != "7" || rs["2"].s("error.code") != "activityLimitReached" {
		t.Fatalf("step throttling: %s", r.raw)
	}
	// the throttled step changed nothing; sent again it works
	if st := responses(t, e.do("POST", "/$batch", alice, batchOf(step("2", "POST", report+"/createLink", view("anonymous")))).must(t, 200))["2"]; st.status != 201 {
		t.Fatalf("again: %d", st.status)
	}
	// every 2nd step, until cleared; plain requests are not batch steps
	e.sim.Inject(gs.Fault{Kind: gs.FaultThrottle, InBatch: true, Every: 2})
	e.do("GET", "/me/drive", alice, nil).must(t, 200)
	var steps []map[string]any
	for i := 1; i <= 5; i++ {
		steps = append(steps, step(fmt.Sprint(i), "GET", "/me/drive", nil))
	}
	rs = responses(t, e.do("POST", "/$batch", alice, batchOf(steps...)).must(t, 200))
	for i := 1; i <= 5; i++ {
		want := 200
		if i%2 == 0 {
			want = 429
		}
		if rs[fmt.Sprint(i)].status != want {
			t.Fatalf("step %d: %d, want %d", i, rs[fmt.Sprint(i)].status, want)
		}
	}
	if len(e.sim.Faults()) != 1 {
		t.Fatalf("an Every fault with Count 0 lasts until cleared: %v", e.sim.Faults())
	}
	e.sim.ClearFaults()
	// a route fault reaches steps as it reaches requests sent alone; the batch stays 200
	e.sim.Inject(gs.Fault{Kind: gs.FaultUnavailable, Route: "GET drive", RetryAfter: "2"})
	rs = responses(t, e.do("POST", "/$batch", alice, batchOf(step("d", "GET", "/me/drive", nil))).must(t, 200))
	if rs["d"].status != 503 || rs["d"].header.Get("Retry-After") != "2" {
		t.Fatalf("route fault in a batch: %d", rs["d"].status)
	}
	// the control endpoint takes the batch fields
	c := e.do("POST", "/_graphsim/faults", "", `{"kind":"throttle","step":"x","every":3,"inBatch":true}`).must(t, 201)
	if !strings.Contains(string(c.raw), `"step":"x"`) || !strings.Contains(string(c.raw), `"every":3`) {
		t.Fatalf("control: %s", c.raw)
	}
}
