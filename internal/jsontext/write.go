package jsontext

import (
	"unicode/utf8"

	"github.com/tidwall/gjson"
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
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendKey appends "key": after a comma when the object already has members.
func AppendKey(dst []byte, key string) []byte {
	if n := len(dst); n > 0 && dst[n-1] != '{' && dst[n-1] != '[' {
		dst = append(dst, ',')
	}
	dst = AppendString(dst, key)
	return append(dst, ':')
}

// AppendBool appends true or false.
func AppendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// AppendCanonical appends v re-encoded: strings re-escaped, numbers as
// written, members in document order, OData annotations dropped at every
// level. Running it on its own output gives the same bytes.
func AppendCanonical(dst []byte, v gjson.Result) []byte {
	dst, _, _ = appendCanonical(dst, v, nil)
	return dst
}

// AppendCanonicalUnique is AppendCanonical that also finds the first key
// repeated within one object, at any level (annotations aside): the
// caller refuses such a value as ambiguous and drops dst. found tells a
// repeated "" from none. keys is scratch space the caller may reuse;
// checking while writing spares a second walk.
func AppendCanonicalUnique(dst []byte, v gjson.Result, keys *[]string) (_ []byte, dup string, found bool) {
	return appendCanonical(dst, v, keys)
}

// appendCanonical checks keys for repeats when keys is not nil: the keys
// of the objects being written, innermost last, share one buffer.
func appendCanonical(dst []byte, v gjson.Result, keys *[]string) (_ []byte, dup string, found bool) {
	switch v.Type {
	case gjson.String:
		return AppendString(dst, v.Str), "", false
	case gjson.Number:
		return append(dst, v.Raw...), "", false
	case gjson.True:
		return append(dst, "true"...), "", false
	case gjson.False:
		return append(dst, "false"...), "", false
	case gjson.Null:
		return append(dst, "null"...), "", false
	}
	if v.IsArray() {
		dst = append(dst, '[')
		first := true
		v.ForEach(func(_, e gjson.Result) bool {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst, dup, found = appendCanonical(dst, e, keys)
			return !found
		})
		return append(dst, ']'), dup, found
	}
	if v.IsObject() {
		dst = append(dst, '{')
		mark := 0
		if keys != nil {
			mark = len(*keys)
		}
		nk := 0 // keys met, annotations aside
		var rep []bool
		v.ForEach(func(k, e gjson.Result) bool {
			if IsAnnotation(k.Str) {
				return true
			}
			if keys != nil {
				// As in canonWriter.object: past smallKeys keys, the
				// object's keys go once into a hash set.
				if nk < smallKeys {
					for _, s := range (*keys)[mark:] {
						if s == k.Str {
							dup, found = k.Str, true
							return false
						}
					}
					*keys = append(*keys, k.Str)
				} else {
					if rep == nil {
						rep = gjsonRepeats(v, true, 0, nil)
					}
					if nk < len(rep) && rep[nk] {
						dup, found = k.Str, true
						return false
					}
				}
				nk++
			}
			dst = AppendKey(dst, k.Str)
			dst, dup, found = appendCanonical(dst, e, keys)
			return !found
		})
		if keys != nil {
			*keys = (*keys)[:mark]
		}
		return append(dst, '}'), dup, found
	}
	return append(dst, "null"...), "", false
}
