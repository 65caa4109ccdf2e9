package jsontext

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// canonSeeds exercise the writer: escapes, annotations written with
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

// indexed checks b as a value and returns its index.
func indexed(t testing.TB, b []byte, depth int) *Index {
	t.Helper()
	ix := new(Index)
	if p, _ := CheckIndexed(b, depth, ix); p != OK && p != NotAnObject {
		t.Fatalf("%q: %v", b, p)
	}
	return ix
}

// canonical writes b, a value Check accepts, canonically after prefix.
func canonical(t testing.TB, prefix string, b []byte) (out []byte, dup string, found bool) {
	t.Helper()
	ix := indexed(t, b, 128)
	return ix.AppendCanonical([]byte(prefix), ix.Root())
}

// checkCanonical holds the canonical writer and the walks over b, a
// value Check accepts, to other readings: encoding/json's tokens of the
// output are those of b without annotations, and the first repeated key
// is the one encoding/json meets first; the output is its own canonical
// form; each level's members, walked by the index, are what gjson's
// ForEach gives.
func checkCanonical(t *testing.T, b []byte) {
	t.Helper()
	want, wdup, wfound, err := canonicalTokens(b)
	if err != nil {
		t.Fatalf("%q: encoding/json: %v", b, err)
	}
	out, dup, found := canonical(t, "x[", b)
	if !bytes.HasPrefix(out, []byte("x[")) {
		t.Fatalf("%q: prefix lost: %q", b, out)
	}
	if dup != wdup || found != wfound {
		t.Fatalf("%q: repeat %q %v, encoding/json %q %v", b, dup, found, wdup, wfound)
	}
	if found {
		return
	}
	out = out[2:]
	got, _, _, err := canonicalTokens(out)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%q → %q: tokens\n%q\nwant\n%q (%v)", b, out, got, want, err)
	}
	if again, _, _ := canonical(t, "", out); !bytes.Equal(again, out) {
		t.Fatalf("%q: canonical %q, again %q", b, out, again)
	}
	ix := indexed(t, b, 128)
	sameAsGjson(t, ix, ix.Root(), gjson.ParseBytes(b))
}

// sameAsGjson fails unless walking v by ix gives what gjson gives for g,
// at every level, and the raw readers (Unquote, AppendRawString,
// AppendRawKey, RawTypeName) agree with gjson's and AppendString.
func sameAsGjson(t *testing.T, ix *Index, v Value, g gjson.Result) {
	t.Helper()
	if RawTypeName(v.Raw) != TypeName(g) || string(v.Raw) != strings.TrimRight(g.Raw, " \t\r\n") { // gjson keeps the white space after the root
		t.Fatalf("%q: %s, gjson %s %q", v.Raw, RawTypeName(v.Raw), TypeName(g), g.Raw)
	}
	if g.Type == gjson.String {
		if string(Unquote(v.Raw)) != g.Str || ix.String(v) != g.Str {
			t.Fatalf("%s: Unquote %q, String %q, gjson %q", v.Raw, Unquote(v.Raw), ix.String(v), g.Str)
		}
		if got, want := AppendRawString(nil, v.Raw), AppendString(nil, g.Str); !bytes.Equal(got, want) {
			t.Fatalf("AppendRawString %s, AppendString %s", got, want)
		}
	}
	if !g.IsObject() && !g.IsArray() {
		return
	}
	type kv struct {
		k string
		v Value
	}
	var walked []kv
	it := ix.Elements(v)
	if g.IsObject() {
		it = ix.Members(v)
	}
	for it.Next(ix) {
		if g.IsObject() {
			if !bytes.Equal(it.Text, Unquote(it.Key)) {
				t.Fatalf("%q: key text %q, Unquote %q", v.Raw, it.Text, Unquote(it.Key))
			}
			if got, want := AppendRawKey([]byte("{"), it.Key), AppendKey([]byte("{"), string(it.Text)); !bytes.Equal(got, want) {
				t.Fatalf("AppendRawKey %q, AppendKey %q", got, want)
			}
		}
		walked = append(walked, kv{string(it.Text), it.Val})
	}
	i := 0
	g.ForEach(func(k, e gjson.Result) bool {
		if i >= len(walked) || walked[i].k != k.Str {
			t.Fatalf("%q: member %d: gjson %q, index %v", v.Raw, i, k.Str, walked)
		}
		sameAsGjson(t, ix, walked[i].v, e)
		i++
		return true
	})
	if i != len(walked) {
		t.Fatalf("%q: %d members by the index, %d by gjson", v.Raw, len(walked), i)
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range canonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, _ := checkValue([]byte(s), 32); p != OK {
			return
		}
		checkCanonical(t, []byte(s))
	})
}

func TestCanonical(t *testing.T) {
	for _, s := range append(canonSeeds, string(benchBody),
		// past the tape kept in the Index: 1,200 tokens, and 40 levels
		`{"a":[`+strings.Repeat(`{"b":[1]},`, 200)+`{}]}`, strings.Repeat(`[{"a":`, 40)+`"\u0041"`+strings.Repeat(`}]`, 40),
		`{"a":[`+strings.Repeat(`"x",`, 600)+`{"b":{"c":1}}],"d":{"e":[2]}}`, strings.Repeat(`[`, 20)+strings.Repeat(`]`, 20)) {
		if p, _ := checkValue([]byte(s), 128); p != OK {
			t.Fatalf("seed %q: %v", s, p)
		}
		checkCanonical(t, []byte(s))
	}
	in := `{"@odata.context":"x","b":[1,2.50,true,null,{"c@odata.type":"t","d":"\u0041"}],"a":"x"}`
	if got, _, _ := canonical(t, "", []byte(in)); string(got) != `{"b":[1,2.50,true,null,{"d":"A"}],"a":"x"}` {
		t.Errorf("canonical %s", got)
	}
}
