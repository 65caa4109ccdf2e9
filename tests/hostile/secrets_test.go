package hostile_test

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// The secrets of the successful flows: distinctive, so that a hit can
// only be a leak. signedToken is alice's token with a signature segment
// (graphsim does not check it), so that all three JWT parts are looked
// for.
const (
	flowPassword  = "Tr0ub4dor&3-hostile-flow"
	flowPassword2 = "correct horse battery staple 42"
	flowAlias     = "bob" // graphsim resolves an alias as a UPN's local part
	flowEmail     = "erin.flow@fabrikam.example"
	flowEmail2    = "dave.flow@fabrikam.example"
	unknownAlias  = "zed-unknown-flow-alias"
	fakeSignature = "ZmFrZS1zaWduYXR1cmUtZm9yLXRoZS1sb2ctc2Nhbg"
	// the batch flow's secrets: the caller's step ids, a step's password
	// and an invitation's message.
	stepID        = "flow-step-id-7f3a"
	stepID2       = "flow-step-id-91c2"
	stepPassword  = "batch-step-pw-5e1d-hostile"
	flowMessage   = "invite message 2c8e hostile"
	inviteEmail   = "gina.flow@fabrikam.example"
	stepURLMarker = "root:/Documents/Budget.xlsx:"
	// a permission graphsim does not know: update and revokeGrants are
	// answered 404, their records written all the same.
	unknownPermission = "5d1e9c2a-0b7f-4c3e-8a6d-2f4b1e0c9d8a"
)

var signedToken = token + fakeSignature

// auditKey keys the recipient hashes of the servers' decision records.
const auditKey = "hostile-audit-key-0123456789"

// flow is one request of a successful sharing session; check reads its
// answer.
type flow struct {
	name   string
	method string
	path   string
	body   string
	status int
}

// TestLogsHoldNoSecrets runs the whole corpus and a set of successful
// flows (a password link, users links with every kind of recipient, a
// grant to email addresses, a grant Graph refuses, listing permissions)
// through the server with its logs captured, then looks for every secret
// in every line: the tokens and each of their parts, the passwords, the
// recipients, and '@' (no address of any kind may be logged).
func TestLogsHoldNoSecrets(t *testing.T) {
	corpus := loadCorpus(t)
	f := newFleet(t)
	sent := 0
	for _, e := range corpus {
		if _, err := f.get(e).send(e); err != nil {
			t.Fatalf("%s: %v", e.id(), err)
		}
		sent++
	}
	// The flows run on the server without a policy.
	s := f.get(&entry{})
	beforeFlows := s.sim.Total()

	// A link made first, so that the grant has a sharing URL to name.
	link := &entry{Method: "POST", Path: placeholders.Replace("{{create}}"),
		Headers: map[string]*string{"Authorization": ptr("Bearer " + signedToken)}}
	b := `{"type":"view","scope":"organization"}`
	link.Body = &b
	a, err := s.send(link)
	sent++
	if err != nil || a.status/100 != 2 {
		t.Fatalf("making the link to grant on: %v %+v", err, a)
	}
	var perm struct {
		Link struct {
			WebURL string `json:"webUrl"`
		} `json:"link"`
	}
	if err := json.Unmarshal(a.body, &perm); err != nil || perm.Link.WebURL == "" {
		t.Fatalf("no webUrl in %s", a.body)
	}
	share := core.EncodeSharingURL(perm.Link.WebURL)
	item := "/v1.0/me/drive/items/" + graphsim.DemoReportID
	flows := []flow{
		{"password link", "POST", item + "/createLink", `{"type":"edit","scope":"anonymous","password":"` + flowPassword + `"}`, 201},
		{"password link with expiry", "POST", "/beta/me/drive/items/" + graphsim.DemoBudgetID + "/createLink",
			`{"type":"view","scope":"anonymous","password":"` + flowPassword2 + `","expirationDateTime":"2099-01-01T00:00:00.1234567+02:00"}`, 201},
		{"users link, email and objectId", "POST", item + "/createLink",
			`{"type":"view","scope":"users","recipients":[{"email":"` + graphsim.DemoBobUPN + `"},{"objectId":"` + graphsim.DemoBobID + `"}]}`, 201},
		{"users link, alias and outside email", "POST", item + "/createLink",
			`{"type":"edit","scope":"users","recipients":[{"alias":"` + flowAlias + `"},{"email":"` + flowEmail2 + `","@odata.type":"#microsoft.graph.driveRecipient"}],"sendNotification":true,"message":"for ` + flowEmail2 + `"}`, 201},
		{"grant to email addresses", "POST", "/v1.0/shares/" + share + "/permission/grant",
			`{"recipients":[{"email":"` + flowEmail + `"},{"email":"` + graphsim.DemoBobUPN + `"}],"roles":["read"]}`, 200},
		{"grant Graph refuses", "POST", "/v1.0/shares/" + share + "/permission/grant",
			`{"recipients":[{"alias":"` + unknownAlias + `"}],"roles":["read"]}`, 400},
		{"invite with a message", "POST", item + "/invite",
			`{"recipients":[{"email":"` + inviteEmail + `"},{"alias":"` + flowAlias + `"}],"roles":["read"],"message":"` + flowMessage + `","sendInvitation":true}`, 200},
		{"invite with a password Graph refuses", "POST", item + "/invite",
			`{"recipients":[{"email":"` + inviteEmail + `"}],"roles":["read"],"password":"` + flowPassword2 + `"}`, 400},
		{"permission update Graph refuses", "PATCH", item + "/permissions/" + unknownPermission,
			`{"roles":["write"],"expirationDateTime":"2099-01-01T00:00:00Z"}`, 404},
		{"revokeGrants", "POST", "/beta/me/drive/items/" + graphsim.DemoReportID + "/permissions/" + unknownPermission + "/revokeGrants",
			`{"grantees":[{"email":"` + inviteEmail + `"},{"objectId":"` + graphsim.DemoBobID + `"}]}`, 404},
		{"batch of sharing steps", "POST", "/v1.0/$batch", `{"requests":[
			{"id":"` + stepID + `","method":"POST","url":"/me/drive/` + stepURLMarker + `/createLink","headers":{"Content-Type":"application/json"},
			 "body":{"type":"edit","scope":"anonymous","password":"` + stepPassword + `"}},
			{"id":"` + stepID2 + `","method":"POST","url":"/me/drive/items/` + graphsim.DemoReportID + `/invite","headers":{"Content-Type":"application/json"},
			 "body":{"recipients":[{"email":"` + flowEmail + `"},{"objectId":"` + graphsim.DemoBobID + `"}],"roles":["read"],"message":"` + flowMessage + `"}},
			{"id":"3","method":"POST","url":"/shares/` + share + `/permission/grant","headers":{"Content-Type":"application/json"},
			 "body":{"recipients":[{"alias":"` + unknownAlias + `"}],"roles":["read"]},"dependsOn":["` + stepID + `"]},
			{"id":"4","method":"GET","url":"/me/drive/items/` + graphsim.DemoReportID + `/permissions"}]}`, 200},
		{"list permissions", "GET", item + "/permissions", "", 200},
		{"shared item", "GET", "/v1.0/shares/" + share + "/driveItem", "", 200},
	}
	for _, f := range flows {
		e := &entry{Method: f.method, Path: f.path, Headers: map[string]*string{"Authorization": ptr("Bearer " + signedToken)}}
		if f.body != "" {
			e.Body = &f.body
		}
		a, err := s.send(e)
		sent++
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if a.status != f.status {
			t.Errorf("%s: %d, want %d: %.300s", f.name, a.status, f.status, a.body)
		}
	}
	// graphsim counts the batch and each of its four steps.
	if n := s.sim.Total() - beforeFlows; n != len(flows)+1+4 {
		t.Errorf("the flows made %d upstream requests, want %d", n, len(flows)+1+4)
	}
	// The sharing flows again under every fault graphsim injects: the
	// decision records of throttled, failed, dropped and truncated
	// answers are scanned too.
	for _, kind := range []string{"throttle", "unavailable", "error", "drop", "truncate"} {
		for _, f := range flows {
			if f.method != "POST" {
				continue
			}
			s.sim.Inject(graphsim.Fault{Kind: kind, Count: 8, RetryAfter: "0"})
			e := &entry{Method: f.method, Path: f.path, Headers: map[string]*string{"Authorization": ptr("Bearer " + signedToken)}}
			e.Body = &f.body
			if _, err := s.send(e); err != nil {
				t.Fatalf("%s under %s: %v", f.name, kind, err)
			}
			sent++
			s.sim.ClearFaults()
		}
	}

	secrets := map[string]string{
		"token":            token,
		"signed token":     signedToken,
		"password":         flowPassword,
		"password 2":       flowPassword2,
		"alias":            flowAlias,
		"unknown alias":    unknownAlias,
		"email":            flowEmail,
		"email 2":          flowEmail2,
		"bob's address":    graphsim.DemoBobUPN,
		"bob's objectId":   graphsim.DemoBobID,
		"alice's address":  graphsim.DemoAliceUPN,
		"the sharing URL":  perm.Link.WebURL,
		"the share id":     share,
		"the item's path":  "Documents",
		"a file name":      "Report.docx",
		"a message":        "for " + flowEmail2,
		"the audit key":    auditKey,
		"an address's '@'": "@",
		// Attacker-chosen text of the corpus (injected headers, hosts,
		// paths): none of it may reach a log line, where it could forge
		// entries or mislead whoever reads them.
		"injected header": "X-Injected",
		"attacker host":   "evil.example",
		"control path":    "_graphsim",
		// a batch's: the caller's step ids and urls, a step's password,
		// an invitation's message and addresses.
		"a step id":         stepID,
		"a step id 2":       stepID2,
		"a step password":   stepPassword,
		"a step url's path": stepURLMarker,
		"a message 2":       flowMessage,
		"invitee's address": inviteEmail,
		// SharePoint's id of bob's grant is the base64 of his claim, his
		// address inside: records hash it.
		"bob's grant id": base64.StdEncoding.EncodeToString([]byte("i:0#.f|membership|" + graphsim.DemoBobUPN)),
	}
	for i, part := range strings.Split(signedToken, ".") {
		secrets["token part "+string(rune('1'+i))] = part
	}
	for _, e := range corpus {
		if pw := corpusPassword(e); pw != "" {
			secrets["corpus password of "+e.id()] = pw
		}
	}

	var handler, errlog []string
	for _, s := range f.all {
		handler = append(handler, s.logs.Lines()...)
		errlog = append(errlog, s.errlog.Lines()...)
	}
	requests, decisions, stepDecisions := 0, 0, 0
	for _, l := range handler {
		switch {
		case strings.Contains(l, `"msg":"request"`):
			requests++
		case strings.Contains(l, `"kind":"decision"`):
			decisions++
			if strings.Contains(l, `"batch_step":`) {
				stepDecisions++
			}
		}
	}
	// The batch's three sharing steps, alone and under each of the five
	// faults, write a record each.
	if stepDecisions < 3*6 {
		t.Errorf("%d decision records of batch steps, want at least %d", stepDecisions, 3*6)
	}
	if requests != sent {
		t.Errorf("%d request lines for %d requests; want one per request", requests, sent)
	}
	if decisions < 4*5+6 {
		t.Errorf("%d decision records; the sharing flows alone make %d", decisions, 4*5+6)
	}
	// One JSON object per line: a value with a line break in it would
	// have split a line and forged the next.
	for i, line := range handler {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("log line %d is not one JSON object: %v\n\t%.300s", i, err, line)
		}
	}
	all := append(handler, errlog...)
	hits := 0
	for i, line := range all {
		// A decision record lists the recipients' domains (validated DNS
		// names, as docs/decisions.md says): the one place a domain the
		// caller chose may appear. Nothing else of an address may.
		for _, d := range domainLists.FindAllString(line, -1) {
			if strings.Contains(d, "@") {
				t.Errorf("log line %d lists an address among domains: %s", i, d)
			}
		}
		line = domainLists.ReplaceAllString(line, `"domains":[]`)
		for name, secret := range secrets {
			if secret != "" && strings.Contains(line, secret) {
				hits++
				if hits <= 20 {
					t.Errorf("log line %d holds %s (%.40q):\n\t%.300s", i, name, secret, line)
				}
			}
		}
	}
	if hits > 0 {
		t.Errorf("%d secrets found in %d log lines", hits, len(all))
	}
	t.Logf("%d log lines scanned for %d secrets", len(all), len(secrets))
}

// corpusPassword is the password a corpus body sets, when it is a
// distinctive string (not a run of one character): one the logs could
// be searched for.
func corpusPassword(e *entry) string {
	var b struct {
		Password any `json:"password"`
	}
	if e.Body == nil || len(*e.Body) > 1<<16 || json.Unmarshal([]byte(*e.Body), &b) != nil {
		return ""
	}
	pw, _ := b.Password.(string)
	if len(pw) < 4 || strings.Count(pw, pw[:1]) == len(pw) {
		return ""
	}
	return pw
}

func ptr(s string) *string { return &s }

var domainLists = regexp.MustCompile(`"domains":\[[^\]]*\]`)
