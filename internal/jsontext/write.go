package jsontext

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string. Escaping is fixed: '"', '\\'
// and control characters only (short forms where JSON has them), so that
// canonical output is the same everywhere. Invalid UTF-8 becomes U+FFFD.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				i += n
				start = i
				continue
			}
			i += n
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscaped(dst, c)
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendKey appends "key": after a comma when the object already has members.
func AppendKey(dst []byte, key string) []byte {
	dst = comma(dst)
	dst = AppendString(dst, key)
	return append(dst, ':')
}

// comma appends the ',' that goes before a member or element, unless
// dst ends where its container opens.
func comma(dst []byte) []byte {
	if n := len(dst); n > 0 && dst[n-1] != '{' && dst[n-1] != '[' {
		dst = append(dst, ',')
	}
	return dst
}

// AppendBool appends true or false.
func AppendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// Unquote returns the text of the raw string q (quotes included): q's
// own bytes when it has no escape, else a new slice decoded as gjson
// decodes (a lone surrogate becomes U+FFFD).
func Unquote(q []byte) []byte {
	if len(q) < 2 {
		return nil
	}
	s := q[1 : len(q)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return s
	}
	return appendUnescaped(make([]byte, 0, len(s)), s, false)
}

// AppendRawString appends the raw string q (quotes included) as
// AppendString appends its text. A string without escapes is copied as
// is: Check refused control characters and invalid UTF-8 in it, and '"'
// or '\\' cannot occur unescaped, so AppendString would change nothing
// (it leaves DEL, U+2028 and U+2029 alone).
func AppendRawString(dst, q []byte) []byte {
	if len(q) < 2 {
		return append(dst, `""`...)
	}
	s := q[1 : len(q)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return append(dst, q...)
	}
	dst = append(dst, '"')
	dst = appendUnescaped(dst, s, true)
	return append(dst, '"')
}

// AppendRawKey is AppendKey for the raw string q.
func AppendRawKey(dst, q []byte) []byte {
	dst = comma(dst)
	dst = AppendRawString(dst, q)
	return append(dst, ':')
}

// appendUnescaped appends the content s of a valid string decoded the way
// gjson decodes it; when escape is true, re-encoded as AppendString would
// encode the decoded text. Both are done rune by rune: decoded text is
// valid UTF-8 (escapes give whole runes, and the bytes between them were
// checked), and AppendString escapes only '"', '\\' and controls.
func appendUnescaped(dst, s []byte, escape bool) []byte {
	for i := 0; i < len(s); {
		j := bytes.IndexByte(s[i:], '\\')
		if j < 0 {
			return append(dst, s[i:]...)
		}
		dst = append(dst, s[i:i+j]...)
		i += j
		if i+1 >= len(s) {
			return dst
		}
		var r rune
		switch c := s[i+1]; c {
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			if i+6 > len(s) {
				return dst
			}
			r = hex4(s[i+2:])
			i += 4
			if utf16.IsSurrogate(r) && r < 0xDC00 && i+8 <= len(s) && s[i+2] == '\\' && s[i+3] == 'u' {
				if r2 := hex4(s[i+4:]); 0xDC00 <= r2 && r2 < 0xE000 {
					r = utf16.DecodeRune(r, r2)
					i += 6
				}
			}
		default: // '"', '\\', '/'
			r = rune(c)
		}
		i += 2
		if !escape || r >= 0x20 && r != '"' && r != '\\' {
			dst = utf8.AppendRune(dst, r) // a lone surrogate gives U+FFFD
			continue
		}
		dst = appendEscaped(dst, byte(r))
	}
	return dst
}

// appendEscaped appends c, '"', '\\' or a control character, escaped as
// AppendString escapes it.
func appendEscaped(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}

// hex4 reads the four hex digits at the start of s (Check vouched for
// them); anything else reads as -1, a value no surrogate test matches.
func hex4[T ~string | ~[]byte](s T) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
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
		r = r<<4 | rune(c)
	}
	return r
}
