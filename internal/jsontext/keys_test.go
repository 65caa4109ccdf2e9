package jsontext

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// manyKeys is an object of n distinct keys written prefix0, prefix1, …,
// then the extra members, if any.
func manyKeys(prefix string, n int, extra string) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s%d":%d`, prefix, i, i)
	}
	if extra != "" {
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(extra)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// firstRepeatOracle is the first repeat by a map: another reading of
// "the first key equal to an earlier one".
func firstRepeatOracle(texts []string) int {
	seen := map[string]bool{}
	for i, t := range texts {
		if seen[t] {
			return i
		}
		seen[t] = true
	}
	return -1
}

func TestRepeatsAgainstAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 18, 40, 300} {
		for range 50 {
			texts := make([]string, n)
			raw := make([][]byte, n)
			alphabet := 2 + r.IntN(n+2) // few letters: repeats; many: none
			seen := map[string]bool{}
			for i := range texts {
				texts[i] = fmt.Sprint(r.IntN(alphabet))
				raw[i] = []byte(texts[i])
			}
			rep := Repeats(raw, nil)
			for i, tx := range texts {
				if rep[i] != seen[tx] {
					t.Fatalf("n=%d: Repeats[%d] = %v for %q, want %v", n, i, rep[i], tx, seen[tx])
				}
				seen[tx] = true
			}
			if got, want := slices.Index(rep, true), firstRepeatOracle(texts); got != want {
				t.Fatalf("first repeat at %d, want %d", got, want)
			}
		}
	}
}

// growth runs work on inputs of n and 4n and fails when the second costs
// more than 5 times the first: linear, or n log n at these sizes (4 ×
// log 40000 / log 10000 ≈ 4.6), passes; n² (16 times) does not.
func growth(t *testing.T, name string, n int, work func(n int) int) {
	t.Helper()
	w1, w4 := work(n), work(4*n)
	t.Logf("%s: %d for n=%d, %d for 4n (×%.2f)", name, w1, n, w4, float64(w4)/float64(max(w1, 1)))
	if w1 == 0 || w4 > 5*w1 {
		t.Errorf("%s: work %d for n=%d, %d for 4n: not linear", name, w1, n, w4)
	}
}

func TestDuplicateChecksGrowLinearly(t *testing.T) {
	const n = 10000
	// The repeat sits at the end, so that every key is checked.
	growth(t, "Walk.Members, @odata keys", n, func(n int) int {
		work := 0
		body := manyKeys("@odata.k", n, `"@odata.k0":0`)
		key, stop := Walk{Work: &work}.Members(Parse(body), func(string, gjson.Result) bool { return true })
		if stop != Repeated || key != "@odata.k0" {
			t.Fatalf("Members: %q %v, want the repeated @odata.k0", key, stop)
		}
		return work
	})
	growth(t, "Walk.Members, bounded", n, func(n int) int {
		work := 0
		_, stop := Walk{Max: 64, Work: &work}.Members(Parse(manyKeys("k", n, "")), func(string, gjson.Result) bool { return true })
		if stop != TooMany {
			t.Fatalf("Members: %v, want TooMany", stop)
		}
		return work + 1
	})
	canonicalWork := func(body []byte) (dup string, found bool, work int) {
		ix := indexed(t, body, 8)
		ix.Work = &work
		_, dup, found = ix.AppendCanonical(nil, ix.Root())
		return dup, found, work
	}
	growth(t, "Index.AppendCanonical", n, func(n int) int {
		dup, found, work := canonicalWork(manyKeys("k", n, `"k0":[]`))
		if !found || dup != "k0" {
			t.Fatalf("AppendCanonical: %q %v, want k0", dup, found)
		}
		return work
	})
	growth(t, "Index.AppendCanonical, nested", n, func(n int) int {
		dup, found, work := canonicalWork([]byte(`{"a":[` + string(manyKeys("k", n, "")) + `,` + string(manyKeys("j", n, `"j1":1`)) + `]}`))
		if !found || dup != "j1" {
			t.Fatalf("nested: %q %v, want j1", dup, found)
		}
		return work
	})
	// Within the tape kept in the Index: 16 keys compared, the rest in
	// the hash set.
	growth(t, "Index.AppendCanonical, 60 keys", 60, func(n int) int {
		dup, found, work := canonicalWork(manyKeys("k", n, `"k3":3`))
		if !found || dup != "k3" {
			t.Fatalf("tape: %q %v, want k3", dup, found)
		}
		return work
	})
	growth(t, "Keys.Add", n, func(n int) int {
		work := 0
		obj := manyKeys("k", n, `"@odata.x":1,"k5":5`)
		ix := indexed(t, obj, 8)
		ix.Work = &work
		keys := ix.Keys(ix.Root(), true)
		var last bool
		for it := ix.Members(ix.Root()); it.Next(ix); {
			if !IsAnnotation(it.Text) {
				last = keys.Add(ix, it.Text)
			}
		}
		if !last {
			t.Fatal("Keys: the repeated k5 was not found")
		}
		return work
	})
}

func TestRepeatPastSmallKeysIsTheFirstInDocumentOrder(t *testing.T) {
	// keys a0…a29; a25 repeated at 30, a3 at 31: the first repeat met is
	// a25. Annotations between are not keys of the canonical checks.
	var members []string
	for i := range 30 {
		members = append(members, fmt.Sprintf(`"a%d":%d`, i, i), `"@odata.n":0`)
	}
	members = append(members, `"a25":[]`, `"a3":{}`)
	body := []byte("{" + strings.Join(members, ",") + "}")
	if _, dup, found := canonical(t, "", body); !found || dup != "a25" {
		t.Errorf("Index.AppendCanonical: %q %v, want a25", dup, found)
	}
	// Members counts annotations: "@odata.n" repeats first.
	if key, stop := (Walk{}).Members(Parse(body), func(string, gjson.Result) bool { return true }); stop != Repeated || key != "@odata.n" {
		t.Errorf("Members: %q %v, want @odata.n", key, stop)
	}
	// Keys spelled differently but equal once decoded are one key.
	esc := []byte(strings.Replace(string(manyKeys("k", 20, `"\u006b7":1`)), `"k19"`, `"k\u0031\u0039x"`, 1))
	if _, dup, found := canonical(t, "", esc); !found || dup != "k7" {
		t.Errorf("escaped repeat: %q %v, want k7", dup, found)
	}
}

func TestWalkMembers(t *testing.T) {
	all := func(string, gjson.Result) bool { return true }
	for _, c := range []struct {
		name string
		w    Walk
		body string
		key  string
		stop Stop
	}{
		{"plain", Walk{Max: 3, Strict: true}, `{"a":1,"b":"x","c":null}`, "", Done},
		{"over max", Walk{Max: 2}, `{"a":1,"b":2,"c":3}`, "c", TooMany},
		{"annotations count", Walk{Max: 2}, `{"@odata.a":1,"@odata.b":2,"c":3}`, "c", TooMany},
		{"repeat before max", Walk{Max: 2}, `{"a":1,"a":2,"c":3}`, "a", Repeated},
		{"lone high in value", Walk{Strict: true}, `{"a":"x","p":"\ud800"}`, "p", SurrogateValue},
		{"lone low in value", Walk{Strict: true}, `{"p":"\udc00"}`, "p", SurrogateValue},
		{"lone in key", Walk{Strict: true}, `{"\ud800":1}`, "\ufffd", SurrogateKey},
		{"not strict", Walk{}, `{"p":"\ud800"}`, "", Done},
		{"pair", Walk{Strict: true}, `{"p":"\ud83d\ude00"}`, "", Done},
		{"array not read", Walk{Strict: true}, `{"p":["\ud800"]}`, "", Done},
	} {
		key, stop := c.w.Members(Parse([]byte(c.body)), all)
		if key != c.key || stop != c.stop {
			t.Errorf("%s: %q %v, want %q %v", c.name, key, stop, c.key, c.stop)
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for _, c := range []struct {
		raw  string
		lone bool
	}{
		{`"abc"`, false},
		{`"\u00e9"`, false},
		{`"\ud83d\ude00"`, false},
		{`"\uD83D\uDE00"`, false},
		{`"\udbff\udfff"`, false},
		{`"\ud800"`, true},
		{`"x\ud800y"`, true},
		{`"\udc00"`, true},
		{`"\udfff"`, true},
		{`"\ude00\ud83d"`, true},  // reversed
		{`"\ud83d\u0041"`, true},  // high, then not a low one
		{`"\ud83d\ud83d"`, true},  // high, high
		{`"\ud83d\\ude00"`, true}, // high, then an escaped backslash
		{`"\\ud800"`, false},      // an escaped backslash and text
		{`"\\\ud800"`, true},      // an escaped backslash, then a lone high
		{`"\ud83d\ude00\udc00"`, true},
		{`"\ud7ff\ue000"`, false}, // around the surrogates
		{`["a",{"k":"\ud800"}]`, true},
		{`"\ud800\n"`, true},
	} {
		if got := LoneSurrogate(c.raw); got != c.lone {
			t.Errorf("LoneSurrogate(%s) = %v, want %v", c.raw, got, c.lone)
		}
	}
}

// FuzzLoneSurrogate holds LoneSurrogate to encoding/json: for a string
// that does not spell U+FFFD itself, encoding/json's decoding holds a
// U+FFFD exactly when the string has an escape that is not a UTF-16
// character.
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"\ud800"`, `"\ud83d\ude00"`, `"\\ud800"`, `"\udc00\ud800"`, `"a"`, `"\ud800\u0041"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, _ := checkValue([]byte(s), 4); p != OK || s[skipSpace([]byte(s), 0)] != '"' {
			return
		}
		if strings.Contains(strings.ToLower(s), "ufffd") || strings.Contains(s, "\ufffd") {
			return
		}
		var text string
		if err := json.Unmarshal([]byte(s), &text); err != nil {
			t.Fatalf("encoding/json refuses %q, which Check accepted: %v", s, err)
		}
		if want := strings.Contains(text, "\ufffd"); LoneSurrogate(s) != want {
			t.Fatalf("LoneSurrogate(%q) = %v, but encoding/json decodes it to %q", s, !want, text)
		}
	})
}
