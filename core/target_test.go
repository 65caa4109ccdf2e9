package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/vectors"
)

var fixedLogWords = map[string]bool{LogTargetPathSegment: true, LogTargetUnknown: true, LogTargetQueryOption: true}

// Every target any vector or hostile case expects maps to itself or to a
// fixed word.
func TestLogTargetOfEveryExpectedTarget(t *testing.T) {
	all, err := vectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	type exp struct {
		status             int
		code, target, from string
	}
	var es []exp
	for _, v := range all {
		if v.Error != nil {
			es = append(es, exp{v.Error.Status, v.Error.Code, v.Error.Target, v.Name})
		}
	}
	files, _ := filepath.Glob("../tests/hostile/corpus*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		type want struct {
			Status int     `json:"status"`
			Code   string  `json:"code"`
			Target *string `json:"target"`
		}
		var groups []struct {
			Category string `json:"category"`
			Defaults struct {
				Want *want `json:"want"`
			} `json:"defaults"`
			Cases []struct {
				Name string `json:"name"`
				Want *want  `json:"want"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(b, &groups); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range groups {
			for _, c := range g.Cases {
				w := c.Want
				if w == nil {
					w = g.Defaults.Want
				}
				if w != nil && w.Target != nil {
					es = append(es, exp{w.Status, w.Code, *w.Target, g.Category + "/" + c.Name})
				}
			}
		}
	}
	if len(es) < 300 {
		t.Fatalf("only %d expected targets found", len(es))
	}
	for _, x := range es {
		got := (&Error{Status: x.status, Code: x.code, Target: x.target}).LogTarget()
		if got != x.target && !fixedLogWords[got] && !(got == "" && x.target == "") {
			t.Errorf("%s: target %q logs as %q", x.from, x.target, got)
		}
	}
}

func TestLogTargetKeepsCoreNamesOnly(t *testing.T) {
	for _, keep := range []string{
		"type", "scope", "expirationDateTime", "password", "recipients", "retainInheritedPermissions",
		"sendNotification", "message", "roles", "roles[1]", "recipients[0]", "recipients[99].email",
		"recipients[3].alias", "recipients[3].objectId", "value", "value[2].link.scope", "value.invitation",
		"link.webUrl", "grantedToIdentitiesV2", "policy.maxExpiryDays", "policy.anonymous.requireExpiry",
		"policy.allowedRecipientDomains", "item-id", "drive-id", "share-id", "permission-id", "item-path",
		"special-folder", "path", "method", "body", "Authorization", "Content-Type", "Content-Encoding",
		"query", "$select", "$expand", "now", "graph_base_url", "headers.Retry-After", "headers.retry-after",
	} {
		for _, status := range []int{400, 403, 404, 502} {
			if got := (&Error{Status: status, Code: CodeInvalidRequest, Target: keep}).LogTarget(); got != keep {
				t.Errorf("%q (%d) logs as %q", keep, status, got)
			}
		}
	}
	token := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1cG4iOiJhbGljZUBjb250b3NvLmNvbSJ9.c2ln"
	for _, drop := range []string{
		"eve@contoso.com", "recipients[0].eve@contoso.com", "eve@contoso.com.email", token, "Bearer " + token,
		"policy.eve@contoso.com", "policy." + token, "policy.", "$eve@contoso.com", "value[0]." + token,
		"recipients[1234567].email", "recipients[x].email", "recipients[].email", "recipients[0", "recipients]0[",
		"headers.X-Secret", "headers.Authorization", "roles.eve", ".type", "type.", "type..scope", "a b",
		"item-id." + token, "typé", "ſcope", "\x00", "type\r\nX: y", strings.Repeat("type.", 30) + "type",
		"u!aHR0cHM6Ly9jb250b3NvLmNvbS94", "_graphsim", "v2.0", "alice@contoso.com",
	} {
		for _, status := range []int{400, 403, 404, 502} {
			got := (&Error{Status: status, Code: CodeItemNotFound, Target: drop}).LogTarget()
			if !fixedLogWords[got] {
				t.Errorf("%q (%d) logs as %q", drop, status, got)
			}
		}
	}
	if got := (&Error{Status: 404, Code: CodeItemNotFound, Target: "eve@contoso.com"}).LogTarget(); got != LogTargetPathSegment {
		t.Errorf("a 404 segment logs as %q", got)
	}
	if got := (&Error{Status: 400, Code: CodeInvalidRequest, Target: "eve@contoso.com"}).LogTarget(); got != LogTargetUnknown {
		t.Errorf("an unknown property logs as %q", got)
	}
	if got := (&Error{Status: 400, Code: CodeInvalidRequest, Target: "$eve"}).LogTarget(); got != LogTargetQueryOption {
		t.Errorf("an unknown option logs as %q", got)
	}
	if got := (&Error{Status: 400}).LogTarget(); got != "" {
		t.Errorf("no target logs as %q", got)
	}
}

// The lists target.go keeps are the names core's parsers use: every
// rule policy.go's switch reads and every ID kind route.go names is one
// LogTarget keeps, and each rule in the list is one ParsePolicy reads.
func TestLogTargetListsMatchTheParsers(t *testing.T) {
	src := func(f string) string {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	policy := src("policy.go")
	body := policy[strings.Index(policy, "func parsePolicy"):strings.Index(policy, "func boolRule")]
	cases := regexp.MustCompile(`case "([A-Za-z]+)":`).FindAllStringSubmatch(body, -1)
	if len(cases) < 10 {
		t.Fatalf("found %d policy rules in policy.go", len(cases))
	}
	for _, m := range cases {
		rule := m[1]
		if rule == "requirePassword" || rule == "requireExpiry" {
			rule = "anonymous." + rule
		}
		if got := (&Error{Status: 400, Target: "policy." + rule}).LogTarget(); got != "policy."+rule {
			t.Errorf("policy rule %q logs as %q", rule, got)
		}
	}
	for _, rule := range policyRules {
		doc := `{"` + rule + `":"?"}`
		if r, ok := strings.CutPrefix(rule, "anonymous."); ok {
			doc = `{"anonymous":{"` + r + `":"?"}}`
		}
		_, err := ParsePolicy([]byte(doc))
		if e := AsError(err); e == nil || e.Target != "policy."+rule || strings.Contains(e.Message, "is not") && strings.Contains(e.Message, "rule") {
			t.Errorf("rule %q: ParsePolicy gives %v", rule, err)
		}
	}
	route := src("route.go")
	ids := regexp.MustCompile(`p\.id\("([a-z-]+)"\)|invalid\("([a-z]+-[a-z-]+)"|const name = "([a-z-]+)"|\{([a-z]+-[a-z-]+)\}`).FindAllStringSubmatch(route, -1)
	if len(ids) < 12 {
		t.Fatalf("found %d ID kinds in route.go", len(ids))
	}
	for _, m := range ids {
		kind := m[1] + m[2] + m[3] + m[4]
		if got := (&Error{Status: 400, Target: kind}).LogTarget(); got != kind {
			t.Errorf("ID kind %q logs as %q", kind, got)
		}
	}
	for _, p := range []string{"/users/%2e%2e/drive/root", "/groups/%2e%2e/drive/root", "/sites/%2e%2e/drive/root", "/shares/%00/driveItem"} {
		_, err := ParseRoute("GET", p)
		if e := AsError(err); e == nil || e.LogTarget() != e.Target {
			t.Errorf("%s: %v", p, err)
		}
	}
}
