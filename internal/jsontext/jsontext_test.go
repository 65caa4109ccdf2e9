package jsontext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		in    string
		depth int
		want  Problem
		key   string
	}{
		{`{"a":1}`, 1, OK, ""},
		{` {"a":[1,{"b":2}]} `, 3, OK, ""},
		{`{"a":[1,{"b":2}]}`, 2, TooDeep, "a"},
		{`{"a":1,"b":[[[]]]}`, 3, TooDeep, "b"},
		{`{"a\"b":[[[]]]}`, 2, TooDeep, `a\"b`},
		{`{"s":"[[[[[["}`, 1, OK, ""},
		{"", 3, Empty, ""},
		{" \n", 3, Empty, ""},
		{`{"a":1}x`, 3, Malformed, ""},
		{`{"a":1}{}`, 3, Malformed, ""},
		{`{"a":1,}`, 3, Malformed, ""},
		{"{\"a\":\"\xff\"}", 3, BadUTF8, ""},
		{`[1]`, 3, NotAnObject, ""},
		{`"x"`, 3, NotAnObject, ""},
		{strings.Repeat("[", 1_000_000), 64, TooDeep, ""},
	}
	for _, tt := range tests {
		p, key := Check([]byte(tt.in), tt.depth)
		if p != tt.want || key != tt.key {
			t.Errorf("Check(%.40q, %d) = %v %q, want %v %q", tt.in, tt.depth, p, key, tt.want, tt.key)
		}
	}
}

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
