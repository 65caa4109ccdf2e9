package jsontext

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tidwall/gjson"
)

func TestMembersFindsDuplicates(t *testing.T) {
	for _, tt := range []struct{ in, dup string }{
		{`{"a":1,"b":2}`, ""},
		{`{"a":1,"a":2}`, "a"},
		{`{"a":1,"\u0061":2}`, "a"},
		{`{"a":1,"b":{"a":1}}`, ""},
	} {
		n := 0
		dup := Members(Parse([]byte(tt.in)), nil, func(string, gjson.Result) bool { n++; return true })
		if dup != tt.dup {
			t.Errorf("%s: dup %q, want %q", tt.in, dup, tt.dup)
		}
	}
}

func TestAppendStringMatchesEncodingJSONForSafeText(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "tab\tnl\nret\r", "\x00\x1f\x7f", "ü日本🎉", "<&>"} {
		got := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Errorf("AppendString(%q) = %s: round trip %q, %v", s, got, back, err)
		}
	}
	if got := string(AppendString(nil, "a\xffb")); got != "\"a\ufffdb\"" {
		t.Errorf("invalid UTF-8 not replaced: %s", got)
	}
	if got := string(AppendString(nil, "<\u2028>\x01")); got != "\"<\u2028>\\u0001\"" {
		t.Errorf("escaping changed: %s", got)
	}
}

func FuzzCheckAndCanonical(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}]}`, `{"@odata.type":"x","a":"\u00e9\n"}`, `{"a":1}x`, `[[[[`, `{"a":"\ud800"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, _ := checkValue([]byte(s), 32)
		if p != OK {
			return
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("Check accepted what encoding/json refuses: %q", s)
		}
		out, _, found := canonical(t, "", []byte(s))
		if found {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("canonical output is not JSON: %q → %q", s, out)
		}
		if again, _, _ := canonical(t, "", out); !bytes.Equal(out, again) {
			t.Fatalf("canonical output not stable: %q → %q", out, again)
		}
	})
}
