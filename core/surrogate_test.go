package core

import (
	"encoding/json"
	"strings"
	"testing"
)

// loneForms are escapes that are not UTF-16 characters, each inside a
// string's text.
var loneForms = map[string]string{
	"lone high":           `a\ud800b`,
	"lone low":            `a\udc00b`,
	"reversed pair":       `\ude00\ud83d`,
	"high then non-low":   `\ud83d\u0041`,
	"high then high":      `\ud83d\ud83d`,
	"high at end":         `abc\udbff`,
	"high then backslash": `\ud83d\\ude00`,
	"upper case":          `\uDFFF`,
}

func TestLoneSurrogatesAreRefused(t *testing.T) {
	ctx := &Context{Now: testNow}
	for form, s := range loneForms {
		for _, c := range []struct {
			where, body, target string
			grant               bool
		}{
			{"password", `{"type":"view","scope":"anonymous","password":"` + s + `"}`, "password", false},
			{"message", `{"type":"view","scope":"users","recipients":[{"email":"a@contoso.com"}],"sendNotification":true,"message":"` + s + `"}`, "message", false},
			{"type", `{"type":"` + s + `"}`, "type", false},
			{"expiry", `{"type":"view","expirationDateTime":"` + s + `"}`, "expirationDateTime", false},
			{"email", `{"type":"view","scope":"users","recipients":[{"email":"` + s + `@contoso.com"}]}`, "recipients[0].email", false},
			{"alias", `{"type":"view","scope":"users","recipients":[{"alias":"x"},{"alias":"` + s + `"}]}`, "recipients[1].alias", false},
			{"objectId", `{"type":"view","scope":"users","recipients":[{"objectId":"` + s + `"}]}`, "recipients[0].objectId", false},
			{"key", `{"type":"view","` + s + `":1}`, "body", false},
			{"recipient key", `{"type":"view","scope":"users","recipients":[{"` + s + `":"a@contoso.com"}]}`, "recipients[0]", false},
			{"unknown property", `{"type":"view","x":"` + s + `"}`, "x", false},
			{"grant email", `{"recipients":[{"email":"` + s + `"}],"roles":["read"]}`, "recipients[0].email", true},
			{"grant role", `{"recipients":[{"alias":"a"}],"roles":["read","` + s + `"]}`, "roles", true},
			{"grant key", `{"recipients":[{"alias":"a"}],"roles":["read"],"` + s + `":1}`, "body", true},
		} {
			var err *Error
			if c.grant {
				_, err = parseGrant([]byte(c.body))
			} else {
				for _, v := range []Version{V1, Beta} {
					if _, err = parseCreateLink(v, []byte(c.body), ctx); err == nil || err.Target != c.target {
						break
					}
				}
			}
			if err == nil || err.Status != 400 || err.Code != CodeInvalidRequest || err.Target != c.target || !strings.Contains(err.Message, "UTF-16") {
				t.Errorf("%s in %s: %+v, want 400 invalidRequest target %q", form, c.where, err, c.target)
			}
		}
		for _, c := range []struct{ doc, target string }{
			{`{"expiryAction":"` + s + `"}`, "policy.expiryAction"},
			{`{"allowedTypes":["view","` + s + `"]}`, "policy.allowedTypes"},
			{`{"allowedRecipientDomains":["` + s + `.com"]}`, "policy.allowedRecipientDomains"},
			{`{"` + s + `":true}`, "policy"},
			{`{"anonymous":{"` + s + `":true}}`, "policy.anonymous"},
		} {
			if _, err := parsePolicy([]byte(c.doc)); err == nil || err.Status != 400 || err.Target != c.target || !strings.Contains(err.Message, "UTF-16") {
				t.Errorf("%s in policy %s: %+v, want 400 target %q", form, c.doc, err, c.target)
			}
		}
	}
	// Pairs, escaped or not, and U+FFFD written by the caller are text.
	for _, s := range []string{`\ud83d\ude00`, `😀`, `\uD83D\uDE00`, `\ufffd`, "\ufffd", `\\ud800`} {
		body := `{"type":"view","scope":"anonymous","password":"` + s + `"}`
		c, err := parseCreateLink(V1, []byte(body), ctx)
		if err != nil {
			t.Errorf("password %s: %v", s, err)
			continue
		}
		var want struct{ Password string }
		if json.Unmarshal([]byte(body), &want) != nil || c.Password != want.Password {
			t.Errorf("password %s read as %q, encoding/json reads %q", s, c.Password, want.Password)
		}
	}
}

// Graph's answers keep a lone surrogate, read as U+FFFD (see
// ShapePermission): a link Graph made is not lost for one character.
func TestShapingKeepsLoneSurrogatesAsReplacement(t *testing.T) {
	s, err := shapePermission(201, []byte(`{"id":"a\ud800","grantedToV2":{"user":{"displayName":"Ry\udc00an"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID          string
		GrantedToV2 struct{ User struct{ DisplayName string } }
	}
	if json.Unmarshal(s.Body, &got) != nil || got.ID != "a\ufffd" || got.GrantedToV2.User.DisplayName != "Ry\ufffdan" {
		t.Errorf("shaped %s", s.Body)
	}
}

// stringsOf collects every string of a JSON value decoded by
// encoding/json: keys and values, in no particular order.
func stringsOf(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		return append(out, v)
	case []any:
		for _, e := range v {
			out = stringsOf(e, out)
		}
	case map[string]any:
		for k, e := range v {
			out = stringsOf(e, append(out, k))
		}
	}
	return out
}

// noReplacementAdded checks, for a body core accepted, that core's
// canonical output holds no U+FFFD that encoding/json does not read in
// the input, and that every string of the output is a string of the
// input as encoding/json reads it.
func noReplacementAdded(t *testing.T, body string, out []byte) {
	t.Helper()
	var in, got any
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("core accepted %q, encoding/json refuses it: %v", body, err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("core wrote %q: %v", out, err)
	}
	inStrings := map[string]bool{}
	for _, s := range stringsOf(in, nil) {
		inStrings[s] = true
	}
	for _, s := range stringsOf(got, nil) {
		switch s {
		case "type", "scope", "expirationDateTime", "password", "recipients", "retainInheritedPermissions",
			"sendNotification", "message", "email", "alias", "objectId", "roles", "read", "write":
			continue // names and values core writes itself
		}
		if !inStrings[s] && !strings.HasSuffix(s, "Z") { // expiries are rewritten as UTC
			t.Fatalf("output string %q is not one of the input's (%q → %s)", s, body, out)
		}
	}
	if strings.Contains(string(out), "\ufffd") && !strings.Contains(strings.Join(stringsOf(in, nil), ""), "\ufffd") {
		t.Fatalf("output %s has a U+FFFD the input %q does not", out, body)
	}
}

func FuzzCreateLinkStrings(f *testing.F) {
	for _, s := range []string{
		`{"type":"view","scope":"anonymous","password":"\ud800"}`,
		`{"type":"view","scope":"anonymous","password":"\ud83d\ude00"}`,
		`{"type":"view","scope":"users","recipients":[{"alias":"\udc00x"}]}`,
		`{"type":"view","scope":"users","recipients":[{"email":"a@contoso.com"}],"sendNotification":true,"message":"hi \ud83d"}`,
		`{"type":"view","scope":"anonymous","password":"\\ud800"}`,
		`{"type":"view","scope":"anonymous","password":"\ufffd"}`,
	} {
		f.Add(s)
	}
	ctx := &Context{Now: testNow}
	f.Fuzz(func(t *testing.T, body string) {
		for _, v := range []Version{V1, Beta} {
			c, err := parseCreateLink(v, []byte(body), ctx)
			if err != nil {
				continue
			}
			noReplacementAdded(t, body, c.AppendBody(nil))
		}
	})
}

func FuzzGrantStrings(f *testing.F) {
	for _, s := range []string{
		`{"recipients":[{"email":"\ud800@contoso.com"}],"roles":["read"]}`,
		`{"recipients":[{"alias":"\ud83d\ude00"}],"roles":["write"]}`,
		`{"recipients":[{"alias":"a"}],"roles":["read"],"@odata.x":"\udc00"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		g, err := parseGrant([]byte(body))
		if err != nil {
			return
		}
		noReplacementAdded(t, body, g.AppendBody(nil))
	})
}
