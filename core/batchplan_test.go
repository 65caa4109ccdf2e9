package core

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBatchRoute(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		status       int
		v            Version
	}{
		{"POST", "/v1.0/$batch", 0, V1},
		{"POST", "/beta/$batch", 0, Beta},
		{"POST", "/$batch", 0, V1},
		{"POST", "/v1.0/%24batch", 0, V1},
		{"POST", "/v1.0/$BATCH", 0, V1},
		{"POST", "https://graph.microsoft.com/beta/$batch", 0, Beta},
		{"GET", "/v1.0/$batch", 405, V1},
		{"POST", "/v1.0/me/$batch", 404, V1},
		{"POST", "/v1.0/me/drive/root/$batch", 404, V1},
		{"POST", "/v1.0/$batch/x", 404, V1},
	} {
		r, err := ParseRoute(tt.method, tt.path)
		e := AsError(err)
		switch {
		case tt.status != 0 && (e == nil || e.Status != tt.status):
			t.Errorf("%s %s: %+v, want %d", tt.method, tt.path, e, tt.status)
		case tt.status == 0 && (e != nil || r.Action != ActionBatch || r.Upstream != BatchPath(tt.v) || r.Item != ""):
			t.Errorf("%s %s: %+v %v", tt.method, tt.path, r, e)
		}
	}
	if _, err := Build(&Route{Action: ActionBatch}, nil, &Context{}); err == nil {
		t.Error("Build of a $batch route must fail: BuildBatch builds batches")
	}
	if !ActionBatch.TakesBody() || !ActionBatch.IsBatch() || ActionCreateLink.IsBatch() {
		t.Error("accessors")
	}
}

func stepBatch(steps ...string) []byte {
	return []byte(`{"requests":[` + strings.Join(steps, ",") + `]}`)
}

// BuildBatch checks each step as alone; AppendUpstream sends the rest
// with their dependsOn; Absorb names the retryable steps, and the 424s
// that only a retryable step caused.
func TestBuildBatchAndAbsorb(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	ctx := Context{Now: now}
	b, err := BuildBatch(stepBatch(
		`{"id":"a","method":"POST","url":"/me/drive/items/1/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view", "scope":"organization"}}`,
		`{"id":"b","method":"GET","url":"me/drive/items/1/permissions?$select=id","dependsOn":["a"]}`,
		`{"id":"c","method":"GET","url":"/me/drive/items/1/nope"}`,
		`{"id":"d","method":"GET","url":"/me/drive/items/1/permissions","dependsOn":["c"]}`,
		`{"id":"e","method":"DELETE","url":"/me/drive/items/1/permissions/p","dependsOn":["b"]}`,
		`{"id":"f","method":"GET","url":"/beta/me/drive/items/1"}`,
	), Beta, &ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Pending(); !slices.Equal(got, []int{0, 1, 4}) {
		t.Fatalf("pending %v", got)
	}
	for i, st := range []int{0, 0, 404, 424, 0, 404} {
		if s := b.Steps[i]; st != 0 && (!s.Answered || s.Answer.Status != st || s.Forward) {
			t.Errorf("step %d: %+v", i, s)
		}
	}
	up, err := b.AppendUpstream(nil, b.Pending())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"requests":[{"id":"a","method":"POST","url":"/me/drive/items/1/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view","scope":"organization"}},` +
		`{"id":"b","method":"GET","url":"/me/drive/items/1/permissions?$select=id","dependsOn":["a"]},` +
		`{"id":"e","method":"DELETE","url":"/me/drive/items/1/permissions/p","dependsOn":["b"]}]}`
	if string(up) != want {
		t.Errorf("upstream\n%s\nwant\n%s", up, want)
	}
	// Graph throttles a; b and e fail on it.
	graph := `{"responses":[{"id":"e","status":424,"body":{"error":{"code":"failedDependency","message":"x"}}},` +
		`{"id":"a","status":429,"headers":{"Retry-After":"7"},"body":{"error":{"code":"activityLimitReached","message":"slow"}}},` +
		`{"id":"b","status":424,"body":{"error":{"code":"failedDependency","message":"x"}}}]}`
	r := b.Absorb(b.Pending(), 200, "", []byte(graph), now)
	if !slices.Equal(r.Steps, []int{0, 1, 4}) || !r.HasAfter || r.After != 7*time.Second {
		t.Fatalf("retry %+v", r)
	}
	up, _ = b.AppendUpstream(nil, r.Steps)
	if !strings.Contains(string(up), `"dependsOn":["a"]`) {
		t.Errorf("retry batch %s", up)
	}
	// The retry: a and b succeed, e is Graph's 404.
	perm := `{"id":"p1","roles":["read"],"link":{"type":"view","scope":"organization","webUrl":"https://x"}}`
	graph = `{"responses":[{"id":"a","status":201,"body":` + perm + `},{"id":"b","status":200,"body":{"value":[` + perm + `]}},` +
		`{"id":"e","status":404,"headers":{"request-id":"r-1"},"body":{"error":{"code":"itemNotFound","message":"no"}}}]}`
	if r := b.Absorb(r.Steps, 200, "", []byte(graph), now); len(r.Steps) != 0 {
		t.Fatalf("retry again %+v", r)
	}
	b.Finish(nil)
	var out struct {
		Responses []struct {
			ID      string
			Status  int
			Headers map[string]string
			Body    json.RawMessage
		}
	}
	if err := json.Unmarshal(b.AppendAnswer(nil), &out); err != nil {
		t.Fatal(err)
	}
	ids, statuses := []string{}, []int{}
	for _, r := range out.Responses {
		ids = append(ids, r.ID)
		statuses = append(statuses, r.Status)
	}
	if !slices.Equal(ids, []string{"a", "b", "c", "d", "e", "f"}) || !slices.Equal(statuses, []int{201, 200, 404, 424, 404, 404}) {
		t.Errorf("answer %v %v", ids, statuses)
	}
	if out.Responses[4].Headers["request-id"] != "r-1" || b.Steps[0].Sends != 2 {
		t.Errorf("headers %v, sends %d", out.Responses[4].Headers, b.Steps[0].Sends)
	}
}

// A 424 is retried only when every dependency it has either succeeded or
// is retried.
func TestAbsorbDoesNotRetryA424OfAFailedStep(t *testing.T) {
	now := time.Now()
	b, err := BuildBatch(stepBatch(
		`{"id":"a","method":"GET","url":"/me/drive/items/1/permissions"}`,
		`{"id":"b","method":"GET","url":"/me/drive/items/2/permissions"}`,
		`{"id":"c","method":"GET","url":"/me/drive/items/3/permissions","dependsOn":["a","b"]}`,
	), V1, &Context{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	graph := `{"responses":[{"id":"a","status":503,"body":{}},{"id":"b","status":404,"body":{}},{"id":"c","status":424,"body":{}}]}`
	r := b.Absorb(b.Pending(), 200, "", []byte(graph), now)
	if !slices.Equal(r.Steps, []int{0}) || r.HasAfter {
		t.Errorf("retry %+v", r)
	}
}

// ShapeBatch: one call for hosts that do not retry; a whole-batch error
// or a malformed answer answers each forwarded step.
func TestShapeBatch(t *testing.T) {
	now := time.Now()
	mk := func() BuiltBatch {
		b, err := BuildBatch(stepBatch(`{"id":"a","method":"GET","url":"/me/drive/items/1/permissions"}`, `{"id":"b","method":"GET","url":"/x"}`), V1, &Context{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tt := range []struct {
		status int
		body   string
		want   string
	}{
		{200, `{"responses":[{"id":"a","status":429,"headers":{"Retry-After":"2"},"body":{"error":{"code":"x","message":"y"}}}]}`, `"status":429,"headers":{"content-type":"application/json","retry-after":"2"}`},
		{401, `{"error":{"code":"InvalidAuthenticationToken","message":"no"}}`, `{"id":"a","status":401`},
		{200, `{"responses":[]}`, `{"id":"a","status":502`},
		{200, `<html>`, `{"id":"a","status":502`},
	} {
		b := mk()
		out := string(ShapeBatch(&b, tt.status, "", []byte(tt.body), now))
		if !strings.Contains(out, tt.want) || !strings.Contains(out, `{"id":"b","status":404`) || !json.Valid([]byte(out)) {
			t.Errorf("%d %s:\n%s", tt.status, tt.body, out)
		}
	}
	b := mk()
	b.Finish(nil)
	if out := string(b.AppendAnswer(nil)); !strings.Contains(out, `{"id":"a","status":504`) {
		t.Errorf("never sent: %s", out)
	}
}

func TestBatchLogTargets(t *testing.T) {
	for target, want := range map[string]string{
		"requests[3].dependsOn":             "requests[3].dependsOn",
		"requests[0].headers.Authorization": "requests[0].headers.Authorization",
		"requests[0].headers.X-Secret":      LogTargetUnknown,
		"requests[0].bob@contoso.com":       LogTargetUnknown,
		"dependsOn":                         "dependsOn",
		"responses[1].status":               "responses[1].status",
	} {
		if got := (&Error{Status: 400, Code: CodeInvalidRequest, Target: target}).LogTarget(); got != want {
			t.Errorf("%s: %q, want %q", target, got, want)
		}
	}
}

// FuzzBuildBatch: any body either is refused whole or gives a built
// batch whose every step is answered locally or forwarded, whose upstream
// batch is one sharelink itself accepts, and whose answer to any Graph
// reply is one JSON batch answer of every step, in request order.
func FuzzBuildBatch(f *testing.F) {
	for _, s := range []string{
		`{"requests":[{"id":"1","method":"GET","url":"/me/drive/items/1/permissions?$select=id"}]}`,
		`{"requests":[{"id":"a","method":"POST","url":"me/drive/root:/x.docx:/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view"}},{"id":"b","method":"GET","url":"/v1.0/me","dependsOn":["a"]}]}`,
		`{"requests":[{"id":"g","method":"POST","url":"/shares/u!aHR0cHM6Ly94/permission/grant","headers":{"Content-Type":"application/json"},"body":{"recipients":[{"email":"a@b.c"}],"roles":["read"]}},{"id":"d","method":"DELETE","url":"/drives/d/items/i/permissions/p","dependsOn":["g"]}]}`,
	} {
		f.Add([]byte(s), []byte(`{"responses":[{"id":"1","status":429,"headers":{"Retry-After":"2"},"body":{}}]}`))
	}
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body, graph []byte) {
		b, err := BuildBatch(body, V1, &Context{Now: now})
		if err != nil {
			if e := AsError(err); e.Status != 400 || e.Target == "" {
				t.Fatalf("refused whole with %+v", e)
			}
			return
		}
		for i, st := range b.Steps {
			if st.Forward == st.Answered {
				t.Fatalf("step %d: forwarded %v, answered %v", i, st.Forward, st.Answered)
			}
		}
		pending := b.Pending()
		if len(pending) > 0 {
			up, err := b.AppendUpstream(nil, pending)
			if err != nil {
				t.Fatalf("the upstream batch is refused: %v", err)
			}
			if _, err := ParseBatch(up); err != nil {
				t.Fatal(err)
			}
		}
		out := ShapeBatch(&b, 200, "", graph, now)
		var a struct{ Responses []struct{ ID string } }
		if err := json.Unmarshal(out, &a); err != nil || len(a.Responses) != len(b.Steps) {
			t.Fatalf("answer %s: %v", out, err)
		}
		for i, r := range a.Responses {
			if r.ID != b.Steps[i].ID {
				t.Fatalf("answer %d is %q, want %q", i, r.ID, b.Steps[i].ID)
			}
		}
	})
}

// A step's Graph answer is held to the step's policy as alone (ShapeBatch,
// the plugin's path, included): an answer breaking an enforced rule is
// the step's 403 naming the rule and the permission; shadow findings and
// Graph's changes are in the step's own headers; each step is held to
// the policy the chooser picks for its route.
func TestBatchStepAnswerChecked(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	strict := &Policy{AnonymousRequirePassword: true}
	shadow := &Policy{AnonymousRequirePassword: true}
	for r := range shadow.Modes {
		shadow.Modes[r] = ModeShadow
	}
	choose := func(r *Route) (*Policy, string) {
		if RouteSubject(r).DriveID == "d1" {
			return shadow, "loose"
		}
		return strict, DefaultPolicyName
	}
	link := `{"type":"view","scope":"anonymous","password":"pw-1"}` // Graph answers an old link without one
	b, err := BuildBatchFor(stepBatch(
		`{"id":"a","method":"POST","url":"/me/drive/items/1/createLink","headers":{"Content-Type":"application/json"},"body":`+link+`}`,
		`{"id":"b","method":"POST","url":"/drives/d1/items/1/createLink","headers":{"Content-Type":"application/json"},"body":`+link+`}`,
		`{"id":"c","method":"POST","url":"/me/drive/items/2/invite","headers":{"Content-Type":"application/json"},"body":{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}}`,
	), V1, &Context{Now: now}, choose)
	if err != nil {
		t.Fatal(err)
	}
	if b.Steps[0].PolicyName != DefaultPolicyName || b.Steps[1].PolicyName != "loose" || b.Steps[1].Policy != shadow {
		t.Fatalf("policies %q %q", b.Steps[0].PolicyName, b.Steps[1].PolicyName)
	}
	perm := `{"id":"p-legacy","roles":["read"],"link":{"type":"view","scope":"anonymous","webUrl":"https://x/y"}}`
	answer := `{"responses":[{"id":"a","status":200,"body":` + perm + `},{"id":"b","status":200,"body":` + perm + `},` +
		`{"id":"c","status":207,"body":{"value":[{"roles":["write"],"invitation":{"email":"z@fabrikam.example"},"error":{"code":"accessDenied","message":"no"}}]}}]}`
	var out struct {
		Responses []struct {
			ID      string
			Status  int
			Headers map[string]string
			Body    json.RawMessage
		}
	}
	if err := json.Unmarshal(ShapeBatch(&b, 200, "", []byte(answer), now), &out); err != nil {
		t.Fatal(err)
	}
	a, s, c := out.Responses[0], out.Responses[1], out.Responses[2]
	if a.Status != 403 || !strings.Contains(string(a.Body), `"target":"policy.anonymous.requirePassword"`) || !strings.Contains(string(a.Body), "p-legacy") {
		t.Errorf("step a: %d %s", a.Status, a.Body)
	}
	if st := &b.Steps[0]; !st.AnswerChecked || st.Err == nil || st.UpstreamStatus != 200 || len(st.Checked.Returned) != 1 {
		t.Errorf("step a: %+v", st)
	}
	if s.Status != 200 || s.Headers[ShadowHeader] != "policy.anonymous.requirePassword=would-refuse;stage=answer;permission=p-legacy" ||
		s.Headers[AdjustedHeader] != "" {
		t.Errorf("step b: %d %v", s.Status, s.Headers)
	}
	// A 207 whose one entry failed: nothing Graph made, nothing judged.
	if c.Status != 207 || len(b.Steps[2].Checked.Returned) != 0 || len(b.Steps[2].Findings()) != 0 {
		t.Errorf("step c: %d %s %+v", c.Status, c.Body, b.Steps[2].Checked)
	}
	// Graph's change to a step's terms: reported by=graph on the step.
	b, _ = BuildBatch(stepBatch(`{"id":"a","method":"POST","url":"/me/drive/items/1/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view"}}`), Beta, &Context{Now: now})
	_ = json.Unmarshal(ShapeBatch(&b, 200, "", []byte(`{"responses":[{"id":"a","status":201,"body":`+perm+`}]}`), now), &out)
	if got := out.Responses[0].Headers[AdjustedHeader]; got != "scope=anonymous;by=graph" {
		t.Errorf("%s: %q", AdjustedHeader, got)
	}
}

// A step carries its own conditional headers, as the request alone
// would: checked (a malformed one is the step's 400 naming it) and
// forwarded to Graph's batch on the rows that forward them only.
func TestBatchStepConditionalHeaders(t *testing.T) {
	b, err := BuildBatch(stepBatch(
		`{"id":"patch","method":"PATCH","url":"/me/drive/items/1/permissions/p","headers":{"Content-Type":"application/json","If-Match":"\"aBc,1\""},"body":{"roles":["read"]}}`,
		`{"id":"get","method":"GET","url":"/me/drive/items/1/permissions/p","headers":{"If-None-Match":"W/\"x\""}}`,
		`{"id":"list","method":"GET","url":"/me/drive/items/1/permissions","headers":{"If-Match":"\"ignored\""}}`,
		`{"id":"bad","method":"DELETE","url":"/me/drive/items/1/permissions/p","headers":{"If-Match":"unquoted"}}`,
	), V1, &Context{Now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	bad := b.Steps[3]
	if !bad.Answered || bad.Answer.Status != 400 || bad.Err == nil || bad.Err.Target != "If-Match" {
		t.Fatalf("a malformed If-Match: %+v", bad)
	}
	up, err := b.AppendUpstream(nil, b.Pending())
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Requests []struct {
			ID      string            `json:"id"`
			Headers map[string]string `json:"headers"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(up, &sent); err != nil {
		t.Fatalf("%v: %s", err, up)
	}
	got := map[string]map[string]string{}
	for _, r := range sent.Requests {
		got[r.ID] = r.Headers
	}
	if got["patch"]["If-Match"] != `"aBc,1"` || got["get"]["If-None-Match"] != `W/"x"` {
		t.Errorf("conditional headers not forwarded: %s", up)
	}
	if _, ok := got["list"]["If-Match"]; ok {
		t.Errorf("a list forwarded If-Match: %s", up)
	}
	if _, ok := got["bad"]; ok {
		t.Errorf("the refused step was sent: %s", up)
	}
}
