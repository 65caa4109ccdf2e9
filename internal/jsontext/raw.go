package jsontext

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The functions here read values of a document Check (or CheckValue)
// accepted, as raw bytes: no copy of the document, no gjson.Result per
// member. On bytes Check did not accept, their results mean nothing (they
// still stay within b).

// stringEnd returns the index past the closing quote of the string whose
// opening quote is at i, and whether the string holds an escape. It
// looks for '"' and '\\' only, eight bytes at a time (see plainRun; here
// each has-zero test has its own &^, as bytes from 0x80 on are not
// excluded first).
func stringEnd(b []byte, i int) (end int, esc bool) {
	i++
	for {
		for ; i+8 <= len(b); i += 8 {
			x := binary.LittleEndian.Uint64(b[i:])
			q := x ^ (lsb * '"')
			s := x ^ (lsb * '\\')
			if m := ((q-lsb)&^q | (s-lsb)&^s) & msb; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
		}
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		if i >= len(b) {
			return len(b), esc
		}
		if b[i] == '"' {
			return i + 1, esc
		}
		esc = true
		i += 2
	}
}

// valueEnd returns the index past the value that starts at i.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		return end
	case '{', '[':
		return containerEnd(b, i)
	}
	for i < len(b) && !isDelim(b[i]) {
		i++
	}
	return i
}

// containerEnd returns the index past the object or array at i. Only
// quotes and brackets matter, and it finds them eight bytes at a time:
// c|0x20 is '{' for '[' and '{' only, '}' for ']' and '}' only.
func containerEnd(b []byte, i int) int {
	depth := 0
	for {
		for ; i+8 <= len(b); i += 8 {
			x := binary.LittleEndian.Uint64(b[i:])
			y := x | lsb*0x20
			o := y ^ (lsb * '{')
			c := y ^ (lsb * '}')
			q := x ^ (lsb * '"')
			if m := ((o-lsb)&^o | (c-lsb)&^c | (q-lsb)&^q) & msb; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
		}
		for i < len(b) && b[i] != '"' && b[i]|0x20 != '{' && b[i]|0x20 != '}' {
			i++
		}
		if i >= len(b) {
			return len(b)
		}
		switch b[i] | 0x20 {
		case '"' | 0x20:
			i, _ = stringEnd(b, i)
			continue
		case '{':
			depth++
		default:
			if depth--; depth == 0 {
				return i + 1
			}
		}
		i++
	}
}

// Index records where the containers of a document end, as CheckIndexed
// found them, so that NextMember and NextElement skip a nested object in
// one lookup instead of a scan. It holds the first 128 containers in
// document order, 16 levels deep at most; others are scanned. It lives on
// the caller's stack (about 1 KiB).
type Index struct {
	base  int        // cap of the document: a sub-slice v of it starts at base-cap(v)
	n     int        // containers recorded
	start [128]int32 // offset of each recorded container's bracket, ascending
	end   [128]int32 // offset past its closing bracket; 0 while open
	open  [16]int32  // the entry of the container open at each depth, or -1
}

func (ix *Index) reset(b []byte) {
	ix.base, ix.n = cap(b), 0
	if len(b) > 1<<31-1 {
		ix.n = len(ix.start) // offsets would not fit: record nothing
	}
}

// push records the container opening at i at depth d (0 for the top).
func (ix *Index) push(d, i int) {
	if ix.n == len(ix.start) {
		ix.open[d] = -1
		return
	}
	ix.start[ix.n], ix.end[ix.n] = int32(i), 0
	ix.open[d] = int32(ix.n)
	ix.n++
}

// valueEnd is valueEnd that looks containers up in ix first. v must be
// a sub-slice of the document ix was filled for, sliced as v[i:j] (so
// that cap tells where it starts).
func (ix *Index) valueEnd(v []byte, i int) int {
	if ix == nil || i >= len(v) || v[i] != '{' && v[i] != '[' {
		return valueEnd(v, i)
	}
	off := ix.base - cap(v)
	abs := int32(off + i)
	lo, hi := 0, ix.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ix.start[m] < abs {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < ix.n && ix.start[lo] == abs {
		if e := int(ix.end[lo]) - off; e > i && e <= len(v) {
			return e
		}
	}
	return containerEnd(v, i)
}

// isDelim reports whether c ends a number or a literal.
func isDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || isSpace(c)
}

// NextMember reads the member of the object obj that follows i: 0 (or the
// index of the '{') for the first one, else the next of the member before.
// key is the key as written, quotes included; next is -1 past the last
// member.
//
//	for k, v, i := NextMember(obj, 0); i >= 0; k, v, i = NextMember(obj, i) {…}
func NextMember(obj []byte, i int) (key, val []byte, next int) {
	return (*Index)(nil).NextMember(obj, i)
}

// NextMember is NextMember that skips nested values by ix (nil: by
// reading them). obj must be (a sub-slice of) the document ix was filled
// for.
func (ix *Index) NextMember(obj []byte, i int) (key, val []byte, next int) {
	i = skipSpace(obj, i)
	if i < len(obj) && (obj[i] == '{' || obj[i] == ',') {
		i = skipSpace(obj, i+1)
	}
	if i >= len(obj) || obj[i] != '"' {
		return nil, nil, -1
	}
	end, _ := stringEnd(obj, i)
	key = obj[i:end]
	i = skipSpace(obj, end)
	i = skipSpace(obj, i+1) // past ':'
	end = ix.valueEnd(obj, i)
	return key, obj[i:end], end
}

// NextElement is NextMember for the elements of the array arr.
func NextElement(arr []byte, i int) (val []byte, next int) {
	return (*Index)(nil).NextElement(arr, i)
}

// NextElement is NextElement that skips nested values by ix.
func (ix *Index) NextElement(arr []byte, i int) (val []byte, next int) {
	i = skipSpace(arr, i)
	if i < len(arr) && (arr[i] == '[' || arr[i] == ',') {
		i = skipSpace(arr, i+1)
	}
	if i >= len(arr) || arr[i] == ']' {
		return nil, -1
	}
	end := ix.valueEnd(arr, i)
	return arr[i:end], end
}

// RawTypeName is TypeName for a raw value.
func RawTypeName(v []byte) string {
	if len(v) == 0 {
		return "null"
	}
	switch v[0] {
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '[':
		return "array"
	case '{':
		return "object"
	}
	return "number"
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
	if n := len(dst); n > 0 && dst[n-1] != '{' && dst[n-1] != '[' {
		dst = append(dst, ',')
	}
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

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// AppendCanonicalRaw is AppendCanonical for the raw value v: the same
// bytes, in one walk over v and without a gjson.Result per member.
func AppendCanonicalRaw(dst, v []byte) []byte {
	w := canonWriter{dst: dst, src: v}
	w.value(skipSpace(v, 0), nil)
	return w.dst
}

// AppendCanonicalRawUnique is AppendCanonicalUnique for the raw value v.
// Keys are compared as written to dst, which equals comparing them
// decoded: the canonical form is one per text, and a key without escapes
// is its own text.
func AppendCanonicalRawUnique(dst, v []byte) (_ []byte, dup string, found bool) {
	w := canonWriter{dst: dst, src: v, unique: true}
	i := skipSpace(v, 0)
	if i < len(v) && v[i] != '{' && v[i] != '[' {
		w.value(i, nil) // a scalar has no keys: spare zeroing the array
		return w.dst, "", false
	}
	// Where the keys of the objects being written are in dst, two ints a
	// key: 24 keys along one path before append allocates.
	var keys [48]int
	w.value(i, keys[:0])
	if w.dup != nil {
		return w.dst, string(Unquote(w.dup)), true
	}
	return w.dst, "", false
}

type canonWriter struct {
	dst    []byte
	src    []byte
	unique bool   // find repeated keys
	dup    []byte // the repeated key, as written in src
}

// value writes the value at i and returns the index past it; it stops
// early once w.dup is set. keys holds the start and end in dst of each
// key of the objects being written, innermost last; it is passed down, not
// kept in w, so that a caller's stack array stays on the stack.
func (w *canonWriter) value(i int, keys []int) int {
	b := w.src
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		end, esc := stringEnd(b, i)
		if !esc {
			w.dst = append(w.dst, b[i:end]...)
		} else {
			w.dst = append(w.dst, '"')
			w.dst = appendUnescaped(w.dst, b[i+1:end-1], true)
			w.dst = append(w.dst, '"')
		}
		return end
	case '{':
		return w.object(i, keys)
	case '[':
		w.dst = append(w.dst, '[')
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			w.dst = append(w.dst, ']')
			return i + 1
		}
		for i < len(b) {
			if i = w.value(i, keys); w.dup != nil {
				return i
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ',' {
				break
			}
			w.dst = append(w.dst, ',')
			i = skipSpace(b, i+1)
		}
		w.dst = append(w.dst, ']')
		return i + 1
	}
	end := valueEnd(b, i) // a number or literal, as written
	w.dst = append(w.dst, b[i:end]...)
	return end
}

func (w *canonWriter) object(start int, keys []int) int {
	b := w.src
	w.dst = append(w.dst, '{')
	mark := len(keys)
	first := true
	i := start
	for {
		i = skipSpace(b, i+1) // past '{' or ','
		if i >= len(b) || b[i] != '"' {
			break // the '}' of an empty object
		}
		kStart := i
		pos := len(w.dst)
		if !first {
			w.dst = append(w.dst, ',')
		}
		ks := len(w.dst)
		i = w.value(i, nil)
		ke := len(w.dst)
		i = skipSpace(b, skipSpace(b, i)+1) // past ':'
		// The annotation test reads the key as written: '@' and "odata"
		// are written as they are, and no escape writes "odata" right
		// after a '@', so the written key holds "@odata" iff its text does.
		if IsAnnotation(w.dst[ks+1 : ke-1]) {
			w.dst = w.dst[:pos]
			i = valueEnd(b, i)
		} else {
			if w.unique {
				if w.repeated(keys[mark:], ks, ke) {
					w.dst = w.dst[:pos]
					end, _ := stringEnd(b, kStart)
					w.dup = b[kStart:end]
					return i
				}
				keys = append(keys, ks, ke)
			}
			first = false
			w.dst = append(w.dst, ':')
			if i = w.value(i, keys); w.dup != nil {
				return i
			}
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ',' {
			break
		}
	}
	w.dst = append(w.dst, '}')
	return i + 1
}

// repeated reports whether the key written at dst[ks:ke] is one of keys.
func (w *canonWriter) repeated(keys []int, ks, ke int) bool {
	for j := 0; j+1 < len(keys); j += 2 {
		if keys[j+1]-keys[j] == ke-ks && bytes.Equal(w.dst[keys[j]:keys[j+1]], w.dst[ks:ke]) {
			return true
		}
	}
	return false
}
