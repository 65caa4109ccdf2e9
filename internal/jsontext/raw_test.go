package jsontext

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

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
			p, key = CheckValue(b, depth)
			wp, wkey = oracleCheckValue(b, depth)
			if p != wp || key != wkey {
				t.Fatalf("CheckValue(%q, %d) = %v %q, oracle %v %q", s, depth, p, key, wp, wkey)
			}
		}
	})
}

func TestCheckMatchesOracle(t *testing.T) {
	for _, s := range checkSeeds {
		for depth := -1; depth < 8; depth++ {
			p, key := CheckValue([]byte(s), depth)
			wp, wkey := oracleCheckValue([]byte(s), depth)
			if p != wp || key != wkey {
				t.Errorf("CheckValue(%q, %d) = %v %q, oracle %v %q", s, depth, p, key, wp, wkey)
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
	if p, _ := CheckValue(ok, 1000); p != OK {
		t.Errorf("1000 levels at limit 1000: %v", p)
	}
}

// canonSeeds exercise the raw writer: escapes, annotations written with
// escapes, repeats only equal once decoded, nesting, white space.
var canonSeeds = []string{
	`{"@odata.context":"x","b":[1,2.50,true,null,{"c@odata.type":"t","d":"\u0041"}],"a":"x"}`,
	`{"a":1,"\u0061":2}`, `{"a":{"b":1,"b":2}}`, `{"a":{"b":1},"c":{"b":1}}`, `[{"a":1},{"a":1}]`,
	`{"\u0040odata.type":1,"x":2}`, `{"@odat\u0061":1,"x@odata":2,"@odata":3,"@@odata":4}`, `{"@\u006fdata":1}`,
	`{"@odata.a":1,"@odata.a":2}`, `{"a":1,"@odata":{},"a":2}`, `{"\n":1,"\u000a":2}`, `{"\\":1,"\u005c":2}`,
	` { "a" : [ 1 , { } , [ ] , "\"\\\/\b\f\n\r\t\u0000\u001f\u007f\u2028\ud800\udc00\ud83d\ude00\udfff\ud800x" ] } `,
	`"\u00e9\u00E9é"`, `1.5e-3`, `-0`, `[]`, `{}`, `[[[[{"a":[{"b":null}]}]]]]`, `"<\u003c&>"`,
	`{"":1,"":2}`, `{"a":[{"x":1,"y":{"x":1,"x":2}}]}`, `{"a":"\ud83d\ude00","b":"\ud83d"}`,
}

func FuzzCanonicalRaw(f *testing.F) {
	for _, s := range canonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if p, _ := CheckValue(b, 32); p != OK {
			return
		}
		v := Parse(b)
		want := AppendCanonical([]byte("x["), v)
		if got := AppendCanonicalRaw([]byte("x["), b); !bytes.Equal(got, want) {
			t.Fatalf("AppendCanonicalRaw(%q)\n got %q\nwant %q", s, got, want)
		}
		var k1 []string
		want, wdup, wfound := AppendCanonicalUnique([]byte("{"), v, &k1)
		got, dup, found := AppendCanonicalRawUnique([]byte("{"), b)
		if dup != wdup || found != wfound || !found && !bytes.Equal(got, want) {
			t.Fatalf("AppendCanonicalRawUnique(%q)\n got %q %q\nwant %q %q", s, got, dup, want, wdup)
		}
		// Walks skipping by an index give what walks reading give, at the
		// top and one level down (sub-slices find their offsets by cap).
		var ix Index
		if p, _ := CheckIndexed(b, 32, &ix); p == OK || p == NotAnObject {
			sameWalk(t, &ix, b)
		}
		// Member and element walks give what gjson's ForEach gives.
		if v.IsObject() || v.IsArray() {
			type kv struct{ k, raw, canon string }
			var a, c []kv
			v.ForEach(func(k, e gjson.Result) bool {
				a = append(a, kv{k.Str, e.Raw, string(AppendString(nil, e.Str))})
				if e.Type == gjson.String && string(Unquote([]byte(e.Raw))) != e.Str {
					t.Fatalf("Unquote(%s) = %q, gjson %q", e.Raw, Unquote([]byte(e.Raw)), e.Str)
				}
				return true
			})
			if v.IsObject() {
				for k, e, i := NextMember(b, 0); i >= 0; k, e, i = NextMember(b, i) {
					str := ""
					if e[0] == '"' {
						str = string(AppendRawString(nil, e))
					} else {
						str = string(AppendString(nil, ""))
					}
					c = append(c, kv{string(Unquote(k)), string(e), str})
					if got, want := string(AppendRawKey([]byte("{"), k)), string(AppendKey([]byte("{"), string(Unquote(k)))); got != want {
						t.Fatalf("AppendRawKey %q, AppendKey %q", got, want)
					}
				}
			} else {
				for e, i := NextElement(b, 0); i >= 0; e, i = NextElement(b, i) {
					str := ""
					if e[0] == '"' {
						str = string(AppendRawString(nil, e))
					} else {
						str = string(AppendString(nil, ""))
					}
					c = append(c, kv{"", string(e), str})
				}
			}
			if len(a) != len(c) {
				t.Fatalf("%q: %d members, gjson %d", s, len(c), len(a))
			}
			for i := range a {
				if a[i] != c[i] {
					t.Fatalf("%q: member %d: %q, gjson %q", s, i, c[i], a[i])
				}
				if RawTypeName([]byte(a[i].raw)) != TypeName(gjson.Parse(a[i].raw)) {
					t.Fatalf("type of %q", a[i].raw)
				}
			}
		}
	})
}

func TestCanonicalRawMatchesGjson(t *testing.T) {
	for _, s := range canonSeeds {
		b := []byte(s)
		if p, _ := CheckValue(b, 32); p != OK {
			t.Fatalf("seed %q: %v", s, p)
		}
		want := AppendCanonical(nil, Parse(b))
		if got := AppendCanonicalRaw(nil, b); !bytes.Equal(got, want) {
			t.Errorf("%q\n got %s\nwant %s", s, got, want)
		}
		var k1 []string
		_, wdup, wfound := AppendCanonicalUnique(nil, Parse(b), &k1)
		if _, dup, found := AppendCanonicalRawUnique(nil, b); dup != wdup || found != wfound {
			t.Errorf("%q: dup %q, want %q", s, dup, wdup)
		}
	}
}

// sameWalk fails unless walking v's members (or elements) and theirs with
// ix gives what walking without it gives.
func sameWalk(t *testing.T, ix *Index, v []byte) {
	t.Helper()
	type kv struct{ k, v string }
	walk := func(ix *Index, v []byte) (out []kv, vals [][]byte) {
		switch v[skipSpace(v, 0)] {
		case '{':
			for k, e, i := ix.NextMember(v, 0); i >= 0; k, e, i = ix.NextMember(v, i) {
				out, vals = append(out, kv{string(k), string(e)}), append(vals, e)
			}
		case '[':
			for e, i := ix.NextElement(v, 0); i >= 0; e, i = ix.NextElement(v, i) {
				out, vals = append(out, kv{"", string(e)}), append(vals, e)
			}
		}
		return out, vals
	}
	// Iter gives what NextMember gives, and the tape writer what the byte
	// writer writes, for v and each of its members.
	iterWalk := func(v []byte) (out []kv) {
		switch v[0] {
		case '{':
			for it := ix.Members(v); it.Next(ix); {
				if !bytes.Equal(it.Text, Unquote(it.Key)) {
					t.Fatalf("%q: key text %q, Unquote %q", v, it.Text, Unquote(it.Key))
				}
				out = append(out, kv{string(it.Key), string(it.Val)})
			}
		case '[':
			for it := ix.Elements(v); it.Next(ix); {
				out = append(out, kv{"", string(it.Val)})
			}
		}
		return out
	}
	sameCanon := func(v []byte) {
		got, dup, found := ix.AppendCanonicalUnique([]byte("x["), v)
		want, wdup, wfound := AppendCanonicalRawUnique([]byte("x["), v)
		if dup != wdup || found != wfound || !bytes.Equal(got, want) {
			t.Fatalf("%q: by the tape %q %q %v, by reading %q %q %v", v, got, dup, found, want, wdup, wfound)
		}
	}
	got, vals := walk(ix, v)
	want, _ := walk(nil, v)
	if v[0] == '{' || v[0] == '[' {
		if iw := iterWalk(v); len(iw) != len(want) || len(iw) > 0 && !slices.Equal(iw, want) {
			t.Fatalf("%q: %q by Iter, %q by reading", v, iw, want)
		}
		sameCanon(v)
		for _, e := range vals {
			sameCanon(e)
			if e[0] == '{' || e[0] == '[' {
				w, _ := walk(nil, e)
				if iw := iterWalk(e); len(iw) != len(w) || len(iw) > 0 && !slices.Equal(iw, w) {
					t.Fatalf("%q: %q by Iter, %q by reading", e, iw, w)
				}
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d members by index, %d by reading", v, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%q: member %d %q by index, %q by reading", v, i, got[i], want[i])
		}
	}
	for _, e := range vals {
		if e[0] == '{' || e[0] == '[' {
			g, _ := walk(ix, e)
			w, _ := walk(nil, e)
			if len(g) != len(w) {
				t.Fatalf("%q: %d members by index, %d by reading", e, len(g), len(w))
			}
			for i := range g {
				if g[i] != w[i] {
					t.Fatalf("%q: member %d %q by index, %q by reading", e, i, g[i], w[i])
				}
			}
		}
	}
}

func TestIndexWalks(t *testing.T) {
	for _, s := range append(canonSeeds, string(benchBody), `{"a":[`+strings.Repeat(`{"b":[1]},`, 200)+`{}]}`, strings.Repeat(`[`, 20)+strings.Repeat(`]`, 20),
		strings.Repeat(`[{"a":`, 40)+`"\u0041"`+strings.Repeat(`}]`, 40), `{"a":[`+strings.Repeat(`"x",`, 600)+`{"b":{"c":1}}],"d":{"e":[2]}}`) {
		// One slice for both: the index finds sub-slices by their cap.
		b := []byte(s)
		var ix Index
		if p, _ := CheckIndexed(b, 128, &ix); p != OK && p != NotAnObject {
			t.Fatalf("%q: %v", s, p)
		}
		sameWalk(t, &ix, b)
	}
}
