package lambda

import (
	"encoding/json"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// emf is one Embedded Metric Format line, checked the way CloudWatch
// reads it: every dimension and metric a directive names is a member of
// the line, dimensions strings, metrics numbers.
func emf(t *testing.T, line string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, line)
	}
	aws, ok := m["_aws"].(map[string]any)
	if !ok {
		return nil
	}
	if ts, ok := aws["Timestamp"].(float64); !ok || ts < 1e12 {
		t.Errorf("Timestamp %v is not epoch milliseconds: %s", aws["Timestamp"], line)
	}
	ds, _ := aws["CloudWatchMetrics"].([]any)
	if len(ds) == 0 {
		t.Fatalf("no CloudWatchMetrics: %s", line)
	}
	for _, d := range ds {
		d := d.(map[string]any)
		if d["Namespace"] != MetricsNamespace {
			t.Errorf("namespace %v", d["Namespace"])
		}
		for _, set := range d["Dimensions"].([]any) {
			if n := len(set.([]any)); n == 0 || n > 30 {
				t.Errorf("dimension set of %d", n)
			}
			for _, k := range set.([]any) {
				if _, ok := m[k.(string)].(string); !ok {
					t.Errorf("dimension %v is not a string member: %s", k, line)
				}
			}
		}
		for _, mt := range d["Metrics"].([]any) {
			name := mt.(map[string]any)["Name"].(string)
			if _, ok := m[name].(float64); !ok {
				t.Errorf("metric %s is not a number member: %s", name, line)
			}
		}
	}
	return m
}

func TestMetricsEMF(t *testing.T) {
	e := newPolicyEnv(t, `{"denyAnonymous":true}`)
	e.createLink(reportLinks, `{"type":"view","scope":"anonymous"}`)
	e.sim.Inject(graphsim.Fault{Kind: "throttle", Count: 2, RetryAfter: "1", Route: "createLink"})
	r := e.createLink(reportLinks, `{"type":"view","scope":"organization"}`)
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	var req, rules []map[string]any
	for _, l := range e.logs.Lines() {
		m := emf(t, l)
		switch {
		case m == nil:
		case m["rule"] != nil:
			rules = append(rules, m)
		default:
			req = append(req, m)
		}
	}
	if len(req) != 2 || len(rules) != 1 {
		t.Fatalf("%d request metrics, %d rule metrics", len(req), len(rules))
	}
	if req[0]["action"] != "createLink" || req[0]["outcome"] != "refused" || req[0]["Requests"] != 1.0 || req[0]["UpstreamAttempts"] != 0.0 {
		t.Errorf("refusal: %v", req[0])
	}
	if req[1]["outcome"] != "allowed" || req[1]["UpstreamAttempts"] != 3.0 || req[1]["Throttles"] != 2.0 || req[1]["RetryWait"] != 2000.0 {
		t.Errorf("throttled: %v", req[1])
	}
	if rules[0]["rule"] != "policy.denyAnonymous" || rules[0]["mode"] != "enforce" || rules[0]["effect"] != "refused" || rules[0]["RuleFired"] != 1.0 {
		t.Errorf("rule: %v", rules[0])
	}
}
