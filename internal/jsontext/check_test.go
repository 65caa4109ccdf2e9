package jsontext

import (
	"strings"
	"testing"
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

// checkSeeds are bodies at the edges of the grammar and of the problems'
// precedence.
var checkSeeds = []string{
	`{"a":1}`, ` {"a":[1,{"b":2}]} `, `{"a\"b":[[[]]]}`, `{"s":"[[[[[["}`, "", " \n",
	`{"a":1}x`, `{"a":1}{}`, `{"a":1,}`, `[1,]`, `{,}`, `{"a"}`, `{"a":}`, `{"a" 1}`, `[1 2]`,
	"{\"a\":\"\xff\"}", "{\"a\":[[[[\xff]]]]}", "\xff[[[[[[", "[[[[\"\xff\"]]]]x", `[1]`, `"x"`,
	`0`, `-0`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `1E-5`, `-1.5e10`, `1.0e+0`, `2.50`, `NaN`, `Infinity`, `+1`,
	`true`, `tru`, `truex`, `false`, `null`, `nul`, `[true,false,null]`,
	`"\u00e9"`, `"\u00E9"`, `"\u00g9"`, `"\u00"`, `"\ud800"`, `"\ud83d\ude00"`, `"\udc00\ud800"`, `"\x"`, `"\/"`, `"\'"`,
	"\"\x00\"", "\"\x1f\"", "\"\x7f\"", "\"\u2028\u2029\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "\"\xf4\x90\x80\x80\"", "\"\xef\xbf\xbd\"",
	"{\"a\":1}\t\r\n", "\v{}", "{}\f", `/*c*/{}`, `{"a":1}//`, `[`, `]`, `{`, `}`, `[]`, `{}`, `[[]]`, `[{}]`,
	`{"a":[1,"k",[[[]]]]}`, `[1,"k",[[[[]]]]]`, `[1,"a",2,[[[[]]]]]`, `{"a":1,"b":{"c":[[[]]]}}`,
	`{"a":"x\\"}`, `{"a":"x\\\"}`, `{"a\\":[[[[`, `{"a":1,"":[[[[[]]]]]}`,
}

func FuzzCheck(f *testing.F) {
	for _, s := range checkSeeds {
		f.Add(s, uint8(3))
	}
	f.Add(strings.Repeat("[", 300)+strings.Repeat("]", 300), uint8(255))
	f.Fuzz(func(t *testing.T, s string, d uint8) {
		b := []byte(s)
		for _, depth := range []int{int(d) - 2, int(d) + 250, 1, 64} {
			p, key := Check(b, depth)
			wp, wkey := oracleCheck(b, depth)
			if p != wp || key != wkey {
				t.Fatalf("Check(%q, %d) = %v %q, oracle %v %q", s, depth, p, key, wp, wkey)
			}
			p, key = checkValue(b, depth)
			wp, wkey = oracleCheckValue(b, depth)
			if p != wp || key != wkey {
				t.Fatalf("checkValue(%q, %d) = %v %q, oracle %v %q", s, depth, p, key, wp, wkey)
			}
		}
	})
}

func TestCheckMatchesOracle(t *testing.T) {
	for _, s := range checkSeeds {
		for depth := -1; depth < 8; depth++ {
			p, key := checkValue([]byte(s), depth)
			wp, wkey := oracleCheckValue([]byte(s), depth)
			if p != wp || key != wkey {
				t.Errorf("checkValue(%q, %d) = %v %q, oracle %v %q", s, depth, p, key, wp, wkey)
			}
			p, key = Check([]byte(s), depth)
			wp, wkey = oracleCheck([]byte(s), depth)
			if p != wp || key != wkey {
				t.Errorf("Check(%q, %d) = %v %q, oracle %v %q", s, depth, p, key, wp, wkey)
			}
		}
	}
	// A deep body costs a depth's worth of work and no recursion; a deep
	// stack bit array is allocated only past 256 levels.
	deep := []byte(strings.Repeat("[", 1_000_000))
	if p, _ := Check(deep, 2000); p != TooDeep {
		t.Errorf("deep: %v", p)
	}
	ok := []byte(strings.Repeat("[", 1000) + strings.Repeat("]", 1000))
	if p, _ := checkValue(ok, 1000); p != OK {
		t.Errorf("1000 levels at limit 1000: %v", p)
	}
}
