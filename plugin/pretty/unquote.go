// Package pretty holds what the plugin's build adds to
// github.com/tidwall/pretty: make plugin builds with -modfile, a go.mod in
// which pretty is a copy whose one encoding/json call (its key sorting
// unquotes a key) is sharelinkUnquote, and this file beside it. gjson
// imports pretty for its @pretty modifier, and that call alone kept
// encoding/json, reflect and fmt in the module (≈ 0.85 MB of 4.36 MB).
// sharelinkUnquote gives the same string for every input (the tests here
// check it against encoding/json), and sharelink uses no gjson modifier:
// the plugin's behaviour does not change either way.
package pretty

import (
	"unicode/utf16"
	"unicode/utf8"
)

// sharelinkUnquote is the string json.Unmarshal(s, &str) leaves in an
// empty str: s unquoted when it is one JSON string (white space around it
// allowed), else "" (Unmarshal fails, or the value is not a string).
// Bytes that are not UTF-8 and lone surrogate escapes become U+FFFD, as
// encoding/json makes them.
func sharelinkUnquote(s []byte) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	s = s[i:j]
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return ""
	}
	s = s[1 : len(s)-1]
	b := make([]byte, 0, len(s))
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			if r+1 >= len(s) {
				return ""
			}
			r++
			switch s[r] {
			case '"', '\\', '/':
				b = append(b, s[r])
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := hex4(s[r-1:])
				if rr < 0 {
					return ""
				}
				r += 5
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, hex4(s[r:])); dec != utf8.RuneError {
						b = utf8.AppendRune(b, dec)
						r += 6
						continue
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
				continue
			default:
				return ""
			}
			r++
		case c == '"' || c < ' ':
			return ""
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return string(b)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// hex4 reads the escape \uXXXX at the start of s; -1 when there is none.
func hex4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
