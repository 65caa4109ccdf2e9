package lambda

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

func TestDryRun(t *testing.T) {
	const pw = "dry-run-password-42"
	e := newPolicyEnv(t, `{"maxExpiryDays":10,"expiryAction":"clamp","mode":"shadow","modes":{"maxExpiryDays":"enforce"},"denyAnonymous":true}`,
		func(c *Config) { c.DryRun = true })
	far := days(60)
	body := `{"type":"edit","scope":"anonymous","password":"` + pw + `","expirationDateTime":"` + far + `"}`
	r := e.do(req{method: "POST", path: reportLinks, body: body, headers: map[string]string{"prefer": "return=minimal, Sharelink-Dry-Run"}})
	if r.StatusCode != 200 || r.Headers["preference-applied"] != DryRunPreference {
		t.Fatalf("%d %v %s", r.StatusCode, r.Headers, r.Body)
	}
	if e.sim.Total() != 0 {
		t.Errorf("a dry run went upstream")
	}
	if strings.Contains(r.Body, pw) {
		t.Errorf("the dry run shows the password: %s", r.Body)
	}
	var a struct {
		DryRun  bool `json:"dryRun"`
		Request struct {
			Method, Path string
			Body         map[string]any
		}
		Adjusted  []map[string]any
		Decisions []map[string]any
	}
	if err := json.Unmarshal([]byte(r.Body), &a); err != nil {
		t.Fatal(err)
	}
	if !a.DryRun || a.Request.Method != "POST" || a.Request.Path != "/v1.0/me/drive/items/"+graphsim.DemoReportID+"/createLink" ||
		a.Request.Body["password"] != PasswordPlaceholder || a.Request.Body["scope"] != "anonymous" || a.Request.Body["expirationDateTime"] == far {
		t.Errorf("request: %+v", a.Request)
	}
	if len(a.Adjusted) != 1 || a.Adjusted[0]["rule"] != "policy.maxExpiryDays" || a.Adjusted[0]["from"] != far {
		t.Errorf("adjusted: %v", a.Adjusted)
	}
	if len(a.Decisions) != 2 || a.Decisions[0]["rule"] != "policy.denyAnonymous" || a.Decisions[0]["effect"] != "would-refuse" ||
		a.Decisions[1]["effect"] != "clamped" {
		t.Errorf("decisions: %v", a.Decisions)
	}
	if r.Headers[ShadowHeader] == "" {
		t.Errorf("no %s on a dry run", ShadowHeader)
	}
	if d := decisions(e.logs.Lines()); len(d) != 1 || d[0]["outcome"] != "dry-run" || d[0]["graph_request_id"] != nil {
		t.Errorf("decision: %v", d)
	}
	for _, l := range e.logs.Lines() {
		if strings.Contains(l, pw) {
			t.Errorf("logged the password: %s", l)
		}
	}

	// Off (the default), the preference is ignored: the request goes to Graph.
	off := newPolicyEnv(t, "")
	r = off.do(req{method: "POST", path: reportLinks, body: `{"type":"view","scope":"organization"}`, headers: map[string]string{"prefer": DryRunPreference}})
	if r.StatusCode != 201 || off.sim.Total() != 1 || r.Headers["preference-applied"] != "" {
		t.Errorf("dry run off: %d, %d upstream", r.StatusCode, off.sim.Total())
	}
}

func TestRedactPassword(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"view","password":"p\"w"}`:             `{"type":"view","password":"(redacted)"}`,
		`{"type":"view"}`:                               `{"type":"view"}`,
		`{"password":"x","recipients":[{"email":"a"}]}`: `{"password":"(redacted)","recipients":[{"email":"a"}]}`,
	} {
		if got := string(redactPassword([]byte(in))); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
