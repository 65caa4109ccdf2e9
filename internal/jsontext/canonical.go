package jsontext

import "bytes"

// AppendCanonical appends v, a value of the document ix indexed,
// re-encoded: strings re-escaped as AppendString escapes their text,
// numbers and literals as written, members in document order, OData
// annotations dropped at every level. Running it on its own output gives
// the same bytes. It also finds the first key repeated within one object,
// at any level (annotations aside): the caller refuses such a value as
// ambiguous and drops dst; found tells a repeated "" from none. Only
// strings are read again, to be copied: the rest comes from the tape.
func (ix *Index) AppendCanonical(dst []byte, v Value) (_ []byte, dup string, found bool) {
	if len(v.Raw) > 0 && v.Raw[0] == '"' { // a string, the common value: no writer to set up
		return AppendRawString(dst, v.Raw), "", false
	}
	w := canonWriter{doc: ix.doc, work: ix.Work}
	tape := ix.tokens()
	if v.Raw[0] != '{' && v.Raw[0] != '[' {
		dst, _ = w.value(dst, tape, int(v.t), nil) // a scalar has no keys: spare zeroing the array
		return dst, "", false
	}
	// Where the keys of the objects being written are in dst, two ints a
	// key: 24 keys along one path before append allocates.
	var keys [48]int
	dst, _ = w.value(dst, tape, int(v.t), keys[:0])
	if w.dup != nil {
		return dst, string(Unquote(w.dup)), true
	}
	return dst, "", false
}

// canonWriter carries one AppendCanonical. dst and the tape are passed
// down and dst returned, not kept in w: in registers rather than behind
// a pointer, and dst's appends would make w's contents escape, and the
// Index with them.
type canonWriter struct {
	doc  []byte
	dup  []byte // the repeated key, as written in doc
	work *int   // when not nil, counts key comparisons
}

// value appends the value at entry t and returns the entry past it; it
// stops early once w.dup is set. keys holds the start and end in dst of
// each key of the objects being written, innermost last; it is passed
// down, not kept in w, so that the caller's stack array stays there.
func (w *canonWriter) value(dst []byte, tape []token, t int, keys []int) ([]byte, int) {
	tk := tape[t]
	switch w.doc[tk.start] {
	case '"':
		return w.str(dst, tk), t + 1
	case '{':
		return w.object(dst, tape, t, keys)
	case '[':
		dst = append(dst, '[')
		next := int(tk.next)
		for u := t + 1; u < next; {
			if u > t+1 {
				dst = append(dst, ',')
			}
			if dst, u = w.value(dst, tape, u, keys); w.dup != nil {
				return dst, u
			}
		}
		return append(dst, ']'), next
	}
	return append(dst, w.doc[tk.start:tk.end]...), t + 1 // a number or literal, as written
}

// str appends the string tk: as written when it holds no escape (Check
// refused control characters and invalid UTF-8 in it, and '"' or '\\'
// cannot occur unescaped, so AppendString would change nothing), else
// decoded and escaped again.
func (w *canonWriter) str(dst []byte, tk token) []byte {
	if tk.end >= 0 {
		return appendSpan(dst, w.doc, int(tk.start), int(tk.end))
	}
	dst = append(dst, '"')
	dst = appendUnescaped(dst, w.doc[tk.start+1:^tk.end-1], true)
	return append(dst, '"')
}

func (w *canonWriter) object(dst []byte, tape []token, t int, keys []int) ([]byte, int) {
	next := int(tape[t].next)
	dst = append(dst, '{')
	mark := len(keys)
	first := true
	var big *bigKeys // past smallKeys keys: the object's keys in a hash set
	for u := t + 1; u < next; {
		kt := tape[u]
		pos := len(dst)
		if !first {
			dst = append(dst, ',')
		}
		ks := len(dst)
		if kt.end >= 0 { // no escape: the common key, without a call
			dst = appendSpan(dst, w.doc, int(kt.start), int(kt.end))
		} else {
			dst = w.str(dst, kt)
		}
		ke := len(dst)
		u++
		// The annotation test reads the key as written: '@' and "odata"
		// are written as they are, and no escape writes "odata" right
		// after a '@', so the written key holds "@odata" iff its text
		// does.
		if IsAnnotation(dst[ks+1 : ke-1]) {
			dst = dst[:pos]
			u = max(int(tape[u].next), u+1)
			continue
		}
		// Keys are compared as written to dst, which equals comparing
		// them decoded: the canonical form is one per text.
		var again bool
		if len(keys)-mark < 2*smallKeys {
			again = repeated(dst, keys[mark:], ks, ke, w.work)
			keys = append(keys, ks, ke)
		} else {
			if big == nil {
				big = newBigKeys(tape, t, w.doc, w.work)
			}
			again = big.next()
		}
		if again {
			w.dup = w.doc[kt.start:tokenEnd(kt.end)]
			return dst[:pos], u
		}
		first = false
		dst = append(dst, ':')
		// A string without escapes, the common value, spares a call.
		if vt := tape[u]; vt.end >= 0 && w.doc[vt.start] == '"' {
			dst = appendSpan(dst, w.doc, int(vt.start), int(vt.end))
			u++
			continue
		}
		if dst, u = w.value(dst, tape, u, keys); w.dup != nil {
			return dst, u
		}
	}
	return append(dst, '}'), next
}

// repeated reports whether the key written at dst[ks:ke] is one of keys.
func repeated(dst []byte, keys []int, ks, ke int, work *int) bool {
	if work != nil {
		*work += len(keys) / 2 // at most; counted once, off the loop
	}
	for j := 0; j+1 < len(keys); j += 2 {
		if keys[j+1]-keys[j] == ke-ks && bytes.Equal(dst[keys[j]:keys[j+1]], dst[ks:ke]) {
			return true
		}
	}
	return false
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
