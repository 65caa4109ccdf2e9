package pretty

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// sharelinkUnquote must leave what json.Unmarshal(s, &str) leaves, for
// every input.
func check(t *testing.T, s []byte) {
	t.Helper()
	var want string
	json.Unmarshal(s, &want)
	if got := sharelinkUnquote(s); got != want {
		t.Fatalf("%q: got %q, want %q (encoding/json)", s, got, want)
	}
}

func TestUnquoteAsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		``, `"`, `""`, `"a"`, ` "a" `, "\t\"a\"\n", `"a" x`, `"a""b"`, `x"a"`, `1`, `null`, `{}`, `[]`, `true`,
		`"\""`, `"\\"`, `"\/"`, `"\'"`, `"\b\f\n\r\t"`, `"\x"`, `"\"`, `"a\`, `"\u"`, `"\u12"`, `"\u00e9"`, `"\u00E9x"`,
		`"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ude00\ud83d"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, `"\uDFFF"`,
		"\"\x01\"", "\"\x7f\"", "\"\xff\"", "\"\xe2\x82\"", "\"é€😀\"", "\"\xed\xa0\x80\"", `"\u0000"`, `"a"` + "\x00",
	} {
		check(t, []byte(s))
	}
	// Random texts over the characters that matter.
	parts := []string{`"`, `\`, `u`, `d83d`, `de00`, `D800`, `00e9`, `0`, `g`, `n`, `t`, `/`, `'`, ` `, "\t", "\x01", "\xff", "é", "😀", "\xed\xa0\x80", `a`, `\u`, `\"`}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		s := []byte(`"`)
		for n := rng.IntN(8); n > 0; n-- {
			s = append(s, parts[rng.IntN(len(parts))]...)
		}
		if rng.IntN(4) > 0 {
			s = append(s, '"')
		}
		check(t, s)
	}
}

func FuzzUnquote(f *testing.F) {
	f.Add([]byte(`"\ud83d\ude00 \u00e9"`))
	f.Fuzz(func(t *testing.T, s []byte) { check(t, s) })
}
