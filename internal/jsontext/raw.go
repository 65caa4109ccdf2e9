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

// Index is the tape CheckIndexed leaves of a document: each token (key,
// string, number, literal, object, array) in document order with where it
// ends, so that walking and writing the document later reads neither
// white space nor punctuation, and strings only to copy them. It holds
// the first 512 tokens (a permission has about 90, a grant answer of 20
// about 300), 32 levels deep at most; a value the tape does not hold
// whole is read from the bytes, as before. It lives on the caller's
// stack (about 6 KiB).
type Index struct {
	// Work, when not nil, counts the key comparisons of the duplicate
	// checks made through the index (AppendCanonicalUnique): the
	// complexity tests read it.
	Work *int
	base int // cap of the document: a sub-slice v of it starts at base-cap(v)
	n    int // tokens recorded
	tape [tapeLen]token
	open [32]int32 // the tape entry of the container open at each depth
}

const tapeLen = 512

// A token is a stretch of the document. end is past its last byte, ^end
// for a string holding an escape, 0 for a container recording stopped
// inside; next is, for a container, the entry after its last descendant.
type token struct {
	start, end, next int32
}

func (ix *Index) reset(b []byte) {
	ix.base, ix.n = cap(b), 0
}

// find returns the tape entry of the value at v[i] when the tape holds
// all of it, else -1. v must be a sub-slice of the document ix was filled
// for, sliced as v[i:j] (so that cap tells where it starts).
func (ix *Index) find(v []byte, i int) int {
	if ix == nil || i >= len(v) {
		return -1
	}
	off := ix.base - cap(v)
	abs := int32(off + i)
	lo, hi := 0, ix.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ix.tape[m].start < abs {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo >= ix.n || ix.tape[lo].start != abs {
		return -1
	}
	// The checks keep a slice that is not the document's (same offset,
	// other bytes) from a wrong entry: containers, and only they, have a
	// next.
	tk := ix.tape[lo]
	if e := tokenEnd(int(tk.end)) - off; tk.end != 0 && e > i && e <= len(v) &&
		(tk.next != 0) == (v[i] == '{' || v[i] == '[') {
		return lo
	}
	return -1
}

// tokenEnd strips the escape mark from a token's end.
func tokenEnd(e int) int {
	if e < 0 {
		return ^e
	}
	return e
}

// valueEnd is valueEnd that looks the value up in ix first.
func (ix *Index) valueEnd(v []byte, i int) int {
	if ix == nil || i >= len(v) || v[i] != '{' && v[i] != '[' {
		return valueEnd(v, i)
	}
	if t := ix.find(v, i); t >= 0 {
		return tokenEnd(int(ix.tape[t].end)) - (ix.base - cap(v))
	}
	return containerEnd(v, i)
}

// Iter walks the members of an object or the elements of an array: by
// the tape when it holds the container, else by reading the bytes.
//
//	for it := ix.Members(obj); it.Next(ix); {… it.Key, it.Text, it.Val …}
//
// It keeps no pointer to the Index (Next takes it): escape analysis
// does not tell an Iter's fields apart, and the members taken out of it
// would otherwise move the caller's Index to the heap.
type Iter struct {
	Key  []byte // the member's key as written, quotes included
	Text []byte // the key's text (Unquote(Key))
	Val  []byte // the member or element, as written

	c       []byte // the container
	off     int    // where c starts in the document
	t, stop int    // tape walk: the next entry, the container's next
	i       int    // byte walk: the offset NextMember or NextElement takes; -1 at the end
	object  bool
	tape    bool
}

// Members walks the members of the object obj, a sub-slice of the
// document ix was filled for (nil ix: the bytes are read).
func (ix *Index) Members(obj []byte) Iter {
	return ix.iter(obj, true)
}

// Elements walks the elements of the array arr as Members walks members.
func (ix *Index) Elements(arr []byte) Iter {
	return ix.iter(arr, false)
}

func (ix *Index) iter(c []byte, object bool) Iter {
	it := Iter{c: c, object: object}
	if t := ix.find(c, 0); t >= 0 {
		it.tape, it.off, it.t, it.stop = true, ix.base-cap(c), t+1, int(ix.tape[t].next)
	}
	return it
}

// Next moves to the next member or element and reports whether there is
// one. ix is the Index that made it.
func (it *Iter) Next(ix *Index) bool {
	if !it.tape {
		if it.i < 0 {
			return false
		}
		if it.object {
			it.Key, it.Val, it.i = ix.NextMember(it.c, it.i)
			it.Text = Unquote(it.Key)
		} else {
			it.Val, it.i = ix.NextElement(it.c, it.i)
		}
		return it.i >= 0
	}
	if it.t >= it.stop {
		return false
	}
	tape := &ix.tape
	if it.object {
		k := tape[it.t]
		s, e := int(k.start)-it.off, tokenEnd(int(k.end))-it.off
		it.Key = it.c[s:e]
		if k.end < 0 {
			it.Text = Unquote(it.Key)
		} else {
			it.Text = it.c[s+1 : e-1] // no escape: the text as written
		}
		it.t++
	}
	v := tape[it.t]
	it.Val = it.c[int(v.start)-it.off : tokenEnd(int(v.end))-it.off]
	it.t = max(int(v.next), it.t+1)
	return true
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
	return appendCanonicalRawUnique(dst, v, nil)
}

// appendCanonicalRawUnique is AppendCanonicalRawUnique counting its key
// comparisons in work when not nil.
func appendCanonicalRawUnique(dst, v []byte, work *int) (_ []byte, dup string, found bool) {
	w := canonWriter{dst: dst, src: v, unique: true, work: work}
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
	work   *int   // when not nil, counts key comparisons
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
	var big *bigKeys // past smallKeys keys: the object's keys in a hash set
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
				// The first keys are compared with the ones before;
				// past smallKeys, the object's keys go once into a hash set.
				var again bool
				if len(keys)-mark < 2*smallKeys {
					again = w.repeated(keys[mark:], ks, ke)
					keys = append(keys, ks, ke)
				} else {
					if big == nil {
						big = newBigKeys(b[start:], w.work)
					}
					again = big.next()
				}
				if again {
					w.dst = w.dst[:pos]
					end, _ := stringEnd(b, kStart)
					w.dup = b[kStart:end]
					return i
				}
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

// repeated reports whether the key written at w.dst[ks:ke] is one of keys.
func (w *canonWriter) repeated(keys []int, ks, ke int) bool {
	if w.work != nil {
		*w.work += len(keys) / 2 // at most; counted once, off the loop
	}
	for j := 0; j+1 < len(keys); j += 2 {
		if keys[j+1]-keys[j] == ke-ks && bytes.Equal(w.dst[keys[j]:keys[j+1]], w.dst[ks:ke]) {
			return true
		}
	}
	return false
}

// repeated is canonWriter.repeated for tapeWriter. canonWriter keeps its
// method: this function, inlined into canonWriter.object, slows it.
func repeated(dst []byte, keys []int, ks, ke int, work *int) bool {
	if work != nil {
		*work += len(keys) / 2
	}
	for j := 0; j+1 < len(keys); j += 2 {
		if keys[j+1]-keys[j] == ke-ks && bytes.Equal(dst[keys[j]:keys[j+1]], dst[ks:ke]) {
			return true
		}
	}
	return false
}

// AppendCanonicalUnique is AppendCanonicalRawUnique for v, a value of
// the document ix was filled for exactly as Iter or NextMember give it:
// written by the tape when it holds v, so that only strings are read
// again, to be copied.
func (ix *Index) AppendCanonicalUnique(dst, v []byte) (_ []byte, dup string, found bool) {
	if len(v) > 0 && v[0] == '"' { // a string, exactly: as written or re-escaped
		return AppendRawString(dst, v), "", false
	}
	t := ix.find(v, 0)
	if t < 0 {
		return appendCanonicalRawUnique(dst, v, ix.Work)
	}
	w := tapeWriter{dst: dst, src: v, off: ix.base - cap(v), work: ix.Work}
	tape := ix.tape[:ix.n]
	if v[0] != '{' && v[0] != '[' {
		w.value(tape, t, nil)
		return w.dst, "", false
	}
	var keys [48]int // as in AppendCanonicalRawUnique
	w.value(tape, t, keys[:0])
	if w.dup != nil {
		return w.dst, string(Unquote(w.dup)), true
	}
	return w.dst, "", false
}

// tapeWriter is canonWriter (unique) over the tape: the same bytes. The
// tape is passed down, not kept in w: dst's appends make w's contents
// escape, and the Index with them.
type tapeWriter struct {
	dst  []byte
	src  []byte // the value being written
	off  int    // where src starts in the document
	dup  []byte
	work *int // when not nil, counts key comparisons
}

// value writes the value at entry t and returns the entry past it.
func (w *tapeWriter) value(tape []token, t int, keys []int) int {
	tk := tape[t]
	s := int(tk.start) - w.off
	switch w.src[s] {
	case '"':
		if tk.end >= 0 { // no escape: the common case, without a call
			w.dst = appendSpan(w.dst, w.src, s, int(tk.end)-w.off)
		} else {
			w.str(tk)
		}
		return t + 1
	case '{':
		return w.object(tape, t, keys)
	case '[':
		w.dst = append(w.dst, '[')
		next := int(tk.next)
		for u := t + 1; u < next; {
			if u > t+1 {
				w.dst = append(w.dst, ',')
			}
			if u = w.value(tape, u, keys); w.dup != nil {
				return u
			}
		}
		w.dst = append(w.dst, ']')
		return next
	}
	w.dst = append(w.dst, w.src[s:int(tk.end)-w.off]...)
	return t + 1
}

func (w *tapeWriter) str(tk token) {
	s := int(tk.start) - w.off
	if tk.end >= 0 {
		w.dst = appendSpan(w.dst, w.src, s, int(tk.end)-w.off)
		return
	}
	w.dst = append(w.dst, '"')
	w.dst = appendUnescaped(w.dst, w.src[s+1:int(^tk.end)-w.off-1], true)
	w.dst = append(w.dst, '"')
}

func (w *tapeWriter) object(tape []token, t int, keys []int) int {
	next := int(tape[t].next)
	w.dst = append(w.dst, '{')
	mark := len(keys)
	first := true
	var big *bigKeys // as in canonWriter.object
	for u := t + 1; u < next; {
		kt := tape[u]
		pos := len(w.dst)
		if !first {
			w.dst = append(w.dst, ',')
		}
		ks := len(w.dst)
		if kt.end >= 0 {
			w.dst = appendSpan(w.dst, w.src, int(kt.start)-w.off, int(kt.end)-w.off)
		} else {
			w.str(kt)
		}
		ke := len(w.dst)
		u++
		// As in canonWriter.object: the key as written decides.
		if IsAnnotation(w.dst[ks+1 : ke-1]) {
			w.dst = w.dst[:pos]
			u = max(int(tape[u].next), u+1)
			continue
		}
		var again bool
		if len(keys)-mark < 2*smallKeys {
			again = repeated(w.dst, keys[mark:], ks, ke, w.work)
			keys = append(keys, ks, ke)
		} else {
			if big == nil {
				big = newBigKeys(w.src[int(tape[t].start)-w.off:], w.work)
			}
			again = big.next()
		}
		if again {
			w.dst = w.dst[:pos]
			w.dup = w.src[int(kt.start)-w.off : tokenEnd(int(kt.end))-w.off]
			return u
		}
		first = false
		w.dst = append(w.dst, ':')
		// A string without escapes, the common value, spares a call.
		if vt := tape[u]; vt.end >= 0 && w.src[int(vt.start)-w.off] == '"' {
			w.dst = appendSpan(w.dst, w.src, int(vt.start)-w.off, int(vt.end)-w.off)
			u++
			continue
		}
		if u = w.value(tape, u, keys); w.dup != nil {
			return u
		}
	}
	w.dst = append(w.dst, '}')
	return next
}

// appendSpan appends src[s:e]. Most strings are short, and a call to
// memmove costs more than copying them: a span of up to 32 bytes is
// copied as one fixed 32-byte block when src's capacity (the rest of
// the document) and dst's have the room; the bytes past e land in dst's
// spare capacity, past its length.
func appendSpan(dst, src []byte, s, e int) []byte {
	l := len(dst)
	if e-s <= 32 && s+32 <= cap(src) && l+32 <= cap(dst) {
		*(*[32]byte)(dst[l : l+32]) = *(*[32]byte)(src[s : s+32])
		return dst[:l+e-s]
	}
	return append(dst, src[s:e]...)
}
