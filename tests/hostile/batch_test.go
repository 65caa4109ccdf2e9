package hostile_test

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// batchStep is a step of a hostile batch and the answer it must get
// inside the batch's 200.
type batchStep struct {
	name string
	step map[string]any
	// status, code and target of the step's answer.
	status       int
	code, target string
}

// TestBatchStepsRefusedInside: a batch smuggling steps that would be
// refused alone — unserved routes, graphsim's control endpoint, '..'
// and '%2e%2e', a version in the url, a policy violation, a non-JSON or
// encoded body, a wrong method or query — is a 200 whose answers refuse
// each such step as it would be refused alone, and only the one valid
// step reaches graphsim. The corpus (corpus_batch.json) holds the
// batches refused whole.
func TestBatchStepsRefusedInside(t *testing.T) {
	s := startServerWith(t, []byte(`{"denyAnonymous":true}`))
	item := "/me/drive/items/" + graphsim.DemoReportID
	j := map[string]string{"Content-Type": "application/json"}
	steps := []batchStep{
		{"valid", map[string]any{"method": "GET", "url": item + "/permissions"}, 200, "", ""},
		{"unserved item route", map[string]any{"method": "GET", "url": item + "/children"}, 404, "itemNotFound", "children"},
		{"unserved route", map[string]any{"method": "GET", "url": "/me/messages"}, 404, "itemNotFound", "messages"},
		{"graphsim control", map[string]any{"method": "POST", "url": "/_graphsim/reset"}, 404, "itemNotFound", "_graphsim"},
		{"graphsim faults", map[string]any{"method": "GET", "url": "_graphsim/faults"}, 404, "itemNotFound", "_graphsim"},
		{"dot-dot id", map[string]any{"method": "GET", "url": "/me/drive/items/../permissions"}, 400, "invalidRequest", "item-id"},
		{"escaped dot-dot id", map[string]any{"method": "GET", "url": "/me/drive/items/%2e%2e/permissions"}, 400, "invalidRequest", "item-id"},
		{"dot-dot item path", map[string]any{"method": "POST", "url": "/me/drive/root:/../secret.docx:/createLink", "headers": j, "body": map[string]any{"type": "view"}}, 400, "invalidRequest", "item-path"},
		{"dot-dot segment", map[string]any{"method": "GET", "url": "/me/../users/bob@contoso.com/drive/root"}, 404, "itemNotFound", ".."},
		{"a v1.0 prefix", map[string]any{"method": "GET", "url": "/v1.0" + item + "/permissions"}, 404, "itemNotFound", "path"},
		{"a beta prefix", map[string]any{"method": "GET", "url": "beta" + item + "/permissions"}, 404, "itemNotFound", "path"},
		{"an escaped prefix", map[string]any{"method": "GET", "url": "/%76%31%2E%30" + item + "/permissions"}, 404, "itemNotFound", "path"},
		{"policy violation", map[string]any{"method": "POST", "url": item + "/createLink", "headers": j, "body": map[string]any{"type": "view", "scope": "anonymous"}}, 403, "accessDenied", "policy.denyAnonymous"},
		{"base64 body, bad Content-Type", map[string]any{"method": "POST", "url": item + "/createLink", "headers": map[string]string{"Content-Type": "text/plain"}, "body": "eyJ0eXBlIjoidmlldyJ9"}, 415, "unsupportedMediaType", "Content-Type"},
		{"gzip step", map[string]any{"method": "POST", "url": item + "/createLink", "headers": map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip"}, "body": map[string]any{"type": "view"}}, 415, "unsupportedMediaType", "Content-Encoding"},
		{"latin1 JSON", map[string]any{"method": "POST", "url": item + "/createLink", "headers": map[string]string{"Content-Type": "application/json; charset=latin1"}, "body": map[string]any{"type": "view"}}, 415, "unsupportedMediaType", "Content-Type"},
		{"wrong method", map[string]any{"method": "DELETE", "url": item + "/createLink"}, 405, "notAllowed", "method"},
		{"an $expand", map[string]any{"method": "GET", "url": item + "/permissions?$expand=grantedTo"}, 400, "invalidRequest", "$expand"},
		{"an escaped slash in an id", map[string]any{"method": "GET", "url": item + "/permissions/a%2F..%2F..%2Fx"}, 400, "invalidRequest", "permission-id"},
		{"depends on a refused step", map[string]any{"method": "GET", "url": item + "/permissions", "dependsOn": []string{"s01"}}, 424, "failedDependency", "dependsOn"},
	}
	var reqs []map[string]any
	for i, st := range steps {
		st.step["id"] = "s" + itoa(i)
		reqs = append(reqs, st.step)
	}
	got := postBatch(t, s, map[string]any{"requests": reqs})
	if len(got) != len(steps) {
		t.Fatalf("%d answers for %d steps", len(got), len(steps))
	}
	for i, st := range steps {
		g := got[i]
		if g.ID != "s"+itoa(i) || g.Status != st.status || g.Body.Error.Code != st.code || g.Body.Error.Target != st.target {
			t.Errorf("%s: %s %d %q %q, want %d %q %q", st.name, g.ID, g.Status, g.Body.Error.Code, g.Body.Error.Target, st.status, st.code, st.target)
		}
	}
	if want := map[string]int{"GET permissions": 1}; !maps.Equal(s.sim.BatchSteps(), want) {
		t.Errorf("graphsim ran the steps %v, want only the valid one", s.sim.BatchSteps())
	}
	if n := s.sim.Requests()["POST batch"]; n != 1 || s.sim.Total() != 2 {
		t.Errorf("graphsim saw %v", s.sim.Requests())
	}
	// Without the valid step nothing goes upstream at all.
	before := s.sim.Total()
	postBatch(t, s, map[string]any{"requests": reqs[1:19]})
	if d := s.sim.Total() - before; d != 0 {
		t.Errorf("a batch of refused steps reached graphsim: %v", s.sim.Requests())
	}
	for _, l := range s.logs.Lines() {
		secrets := []string{"_graphsim", "bob@contoso.com", "..", "eyJ0eXBl"}
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
	}
}

type stepAnswer struct {
	ID     string `json:"id"`
	Status int    `json:"status"`
	Body   struct {
		Error struct{ Code, Target string } `json:"error"`
	} `json:"body"`
}

func postBatch(t *testing.T, s *server, batch any) []stepAnswer {
	t.Helper()
	b, _ := json.Marshal(batch)
	r, _ := http.NewRequest("POST", "http://"+s.addr+"/v1.0/$batch", strings.NewReader(string(b)))
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("batch: %d %s", resp.StatusCode, body)
	}
	var a struct{ Responses []stepAnswer }
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	return a.Responses
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }
