package lambda

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// requestLines are the request lines among log lines (decision records
// and metrics are lines of their own).
func requestLines(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, `"msg":"request"`) {
			out = append(out, l)
		}
	}
	return out
}

// decisions are the decision records among log lines, decoded.
func decisions(lines []string) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["kind"] == "decision" {
			out = append(out, m)
		}
	}
	return out
}

func TestDecisionRecord(t *testing.T) {
	key := "audit-key-0123456789abcdef"
	e := newPolicyEnv(t, `{"maxExpiryDays":30,"expiryAction":"clamp","allowedRecipientDomains":["contoso.com","fabrikam.example"]}`,
		func(c *Config) { c.AuditKey = []byte(key) })
	far := days(90)
	path := "/v1.0/drives/" + graphsim.DemoAliceDriveID + "/items/" + graphsim.DemoBudgetID + "/createLink"
	r := e.createLink(path, `{"type":"edit","scope":"users","expirationDateTime":"`+far+`","recipients":[{"email":"Bob@Contoso.com"},{"email":"erin@fabrikam.example"}],"sendNotification":true,"message":"see the budget"}`)
	if r.StatusCode != 201 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	ds := decisions(e.logs.Lines())
	if len(ds) != 1 {
		t.Fatalf("%d decision records", len(ds))
	}
	d := ds[0]
	b, _ := json.Marshal(d)
	t.Logf("%s", b)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte("bob@contoso.com"))
	bob := hex.EncodeToString(mac.Sum(nil))
	for path, want := range map[string]any{
		"kind": "decision", "v": 1.0, "msg": "decision", "action": "createLink", "version": "v1.0", "policy": "default",
		"tenant": graphsim.DemoTenantID, "actor.oid": graphsim.DemoAliceID, "actor.appid": graphsim.DemoAppID, "actor.claims": "unverified",
		"drive_id": graphsim.DemoAliceDriveID, "item_id": graphsim.DemoBudgetID, "item_ref": "id",
		"requested.type": "edit", "requested.scope": "users", "requested.expiry": far, "requested.recipients": 2.0,
		"requested.has_password": false, "requested.domains": []any{"contoso.com", "fabrikam.example"},
		"requested.recipient_hmacs.0": bob,
		"applied.expiry":              r.json["expirationDateTime"], "applied.recipients": 2.0,
		"returned.0.permission_id": r.json["id"], "returned.0.scope": "users", "returned.0.kind": "link",
		"returned.0.expiry": r.json["expirationDateTime"], "returned.0.has_password": false,
		"rules.0.rule": "policy.maxExpiryDays", "rules.0.mode": "enforce", "rules.0.effect": "clamped", "rules.0.stage": "request",
		"adjusted.0.property": "expirationDateTime", "adjusted.0.by": "policy", "adjusted.0.from": far,
		"graph_request_id": r.Headers["request-id"], "status": 201.0, "outcome": "allowed",
	} {
		if got := dig(d, path); !equalJSON(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	if _, ok := d["applied"].(map[string]any)["recipient_hmacs"]; ok {
		t.Errorf("applied repeats the hashes")
	}
}

// A root:/path: route logs no item id; a refused answer names the rule
// and the permission; no key, no hash.
func TestDecisionRefusedAnswerAndPath(t *testing.T) {
	e := newPolicyEnv(t, `{"anonymous":{"requirePassword":true}}`)
	r := e.createLink("/v1.0/me/drive/root:/Documents/Report.docx:/createLink", `{"type":"view","scope":"anonymous","password":"pw-decision-1","recipients":[{"email":"erin@fabrikam.example"}]}`)
	wantRefusal(t, r, "policy.anonymous.requirePassword", graphsim.DemoLegacyAnonymousLinkID)
	d := decisions(e.logs.Lines())[0]
	for path, want := range map[string]any{
		"item_ref": "path", "item_id": nil, "drive_id": nil, "outcome": "refused-answer", "status": 403.0,
		"requested.has_password": true, "requested.recipient_hmacs": nil, "error_code": "accessDenied",
		"rules.0.rule": "policy.anonymous.requirePassword", "rules.0.stage": "answer", "rules.0.effect": "refused",
		"rules.0.permission_id": graphsim.DemoLegacyAnonymousLinkID, "returned.0.permission_id": graphsim.DemoLegacyAnonymousLinkID,
		"returned.0.has_password": false, "returned.0.scope": "anonymous",
	} {
		if got := dig(d, path); !equalJSON(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	// Refused on the request: nothing returned, nothing applied.
	e2 := newPolicyEnv(t, `{"denyAnonymous":true}`)
	e2.createLink(reportLinks, `{"type":"view","scope":"anonymous"}`)
	d = decisions(e2.logs.Lines())[0]
	for path, want := range map[string]any{"outcome": "refused", "rules.0.rule": "policy.denyAnonymous", "rules.0.effect": "refused",
		"returned": nil, "applied": nil, "graph_request_id": nil, "requested.scope": "anonymous"} {
		if got := dig(d, path); !equalJSON(got, want) {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
	// Reads write no decision.
	before := len(decisions(e2.logs.Lines()))
	e2.do(req{path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions"})
	if len(decisions(e2.logs.Lines())) != before {
		t.Errorf("a read wrote a decision")
	}
}

// What a decision record never holds, whatever the request and the
// fault: no token or token part, password, path, file name, message,
// address or '@'.
func TestDecisionHoldsNoSecrets(t *testing.T) {
	e := newPolicyEnv(t, `{"mode":"shadow","denyAnonymous":true,"allowedRecipientDomains":["contoso.com"]}`,
		func(c *Config) { c.AuditKey = []byte("audit-key-0123456789abcdef") })
	const pw, msg = "Pw-never-logged-77", "a message never logged"
	bodies := []req{
		{method: "POST", path: "/v1.0/me/drive/root:/Documents/Report.docx:/createLink", body: `{"type":"edit","scope":"anonymous","password":"` + pw + `"}`},
		{method: "POST", path: reportLinks, body: `{"type":"view","scope":"users","recipients":[{"email":"erin@fabrikam.example"},{"alias":"bob"},{"objectId":"` + graphsim.DemoBobID + `"}],"sendNotification":true,"message":"` + msg + `"}`},
		{method: "POST", path: "/v1.0/users/" + graphsim.DemoAliceUPN + "/drive/items/" + graphsim.DemoReportID + "/createLink", body: `{"type":"view","scope":"organization"}`},
		{method: "DELETE", path: "/v1.0/me/drive/root:/Documents/Report.docx:/permissions/" + graphsim.DemoLegacyEditLinkID},
	}
	for _, fault := range []string{"", "throttle", "unavailable", "error", "drop", "truncate"} {
		for _, b := range bodies {
			if fault != "" {
				e.sim.Inject(graphsim.Fault{Kind: fault, Count: 10, RetryAfter: "0"})
			}
			e.do(b)
			e.sim.ClearFaults()
		}
	}
	lines := e.logs.Lines()
	if n := len(decisions(lines)); n != 6*len(bodies) {
		t.Errorf("%d decision records for %d sharing requests", n, 6*len(bodies))
	}
	secrets := []string{e.token, pw, msg, "Documents", "Report.docx", "erin", "fabrikam.example\"", graphsim.DemoBobID, graphsim.DemoAliceUPN, "@", "\"bob\""}
	secrets = append(secrets, strings.Split(e.token, ".")...)
	for i, l := range lines {
		for _, s := range secrets {
			if s != "" && strings.Contains(l, s) && !(s == "fabrikam.example\"" && strings.Contains(l, `"domains":["fabrikam.example"]`)) {
				t.Errorf("line %d holds %q: %s", i, s, l)
			}
		}
	}
}

func dig(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
