package jsontext

// Index is the tape CheckIndexed leaves of a document: every token (key,
// string, number, literal, object, array) in document order with where it
// ends, so that walking and writing the document later reads neither
// white space nor punctuation, and strings only to copy them. The first
// tapeLen tokens live in the Index itself, on the caller's stack (about
// 6 KiB: a permission has about 90 tokens, a grant answer of 20 about
// 300); a longer document moves its tape to the heap.
type Index struct {
	// Work, when not nil, counts the key comparisons of the duplicate
	// checks made through the index: the complexity tests read it.
	Work *int
	doc  []byte
	str  string  // doc as a string, made by the first String that needs it
	n    int     // tokens recorded
	big  []token // the tape, when it outgrew small
	tape [tapeLen]token
	open [64]int32 // the tape entry of the container open at each depth
}

const tapeLen = 512

// A token is a stretch of the document: [start, end), end as ^end for a
// string holding an escape; next is, for a container, the entry after
// its last descendant, and 0 for the others.
type token struct {
	start, end, next int32
}

// maxIndexed is the longest document the tape's offsets can hold.
const maxIndexed = 1<<31 - 1

// Value is one value of an indexed document: its bytes as written, and
// where the index holds it.
type Value struct {
	Raw []byte
	t   int32
}

// Root is the value of the whole document, once CheckIndexed accepted it.
func (ix *Index) Root() Value {
	return ix.value(ix.tokens(), 0)
}

func (ix *Index) tokens() []token {
	if ix.big != nil {
		return ix.big[:ix.n]
	}
	return ix.tape[:ix.n]
}

func (ix *Index) value(tape []token, t int) Value {
	tk := tape[t]
	return Value{Raw: ix.doc[tk.start:tokenEnd(tk.end)], t: int32(t)}
}

// grow moves the full tape to the heap, or enlarges it there: recording
// goes on in what it returns, up to its length. The new tape holds as
// many tokens again as the bytes from at to the end of the document
// would give at the rate so far, so that a long document grows it once
// or twice, not once for each doubling.
func (ix *Index) grow(tape []token, at int) ([]token, int) {
	n := len(tape)
	n += max(n, int(int64(n)*int64(len(ix.doc)-at)/int64(max(at, 1)))+n/8)
	big := make([]token, n)
	copy(big, tape)
	ix.big = big
	return big, len(big)
}

// tokenEnd strips the escape mark from a token's end.
func tokenEnd(e int32) int32 {
	if e < 0 {
		return ^e
	}
	return e
}

// String returns the text of v, a string: cut from one copy of the whole
// document, made when first needed, unless v holds an escape.
func (ix *Index) String(v Value) string {
	tk := ix.tokens()[v.t]
	if tk.end < 0 {
		return string(Unquote(v.Raw))
	}
	if ix.str == "" {
		ix.str = string(ix.doc)
	}
	return ix.str[tk.start+1 : tk.end-1]
}

// Offset is where v starts in the document.
func (ix *Index) Offset(v Value) int { return int(ix.tokens()[v.t].start) }

// Iter walks the members of an object or the elements of an array:
//
//	for it := ix.Members(obj); it.Next(ix); {… it.Key, it.Text, it.Val …}
//
// It keeps no pointer to the Index (Next takes it): escape analysis
// does not tell an Iter's fields apart, and the members taken out of it
// would otherwise move the caller's Index to the heap.
type Iter struct {
	Key  []byte // the member's key as written, quotes included
	Text []byte // the key's text (Unquote(Key))
	Val  Value  // the member or element

	t, stop int32 // the next entry, the container's next
	key     int32 // where Key starts in the document
	object  bool
}

// KeyOffset is where the member's key (its opening quote) starts in the
// document, for callers that cut it from their own copy of it.
func (it *Iter) KeyOffset() int { return int(it.key) }

// Members walks the members of the object obj.
func (ix *Index) Members(obj Value) Iter {
	return Iter{t: obj.t + 1, stop: ix.tokens()[obj.t].next, object: true}
}

// Elements walks the elements of the array arr.
func (ix *Index) Elements(arr Value) Iter {
	return Iter{t: arr.t + 1, stop: ix.tokens()[arr.t].next}
}

// Next moves to the next member or element and reports whether there is
// one. ix is the Index that made it.
func (it *Iter) Next(ix *Index) bool {
	if it.t >= it.stop {
		return false
	}
	tape := ix.tokens()
	if it.object {
		k := tape[it.t]
		it.key = k.start
		it.Key = ix.doc[k.start:tokenEnd(k.end)]
		if k.end < 0 {
			it.Text = Unquote(it.Key)
		} else {
			it.Text = it.Key[1 : len(it.Key)-1] // no escape: the text as written
		}
		it.t++
	}
	v := tape[it.t]
	it.Val = Value{Raw: ix.doc[v.start:tokenEnd(v.end)], t: it.t}
	it.t = max(v.next, it.t+1)
	return true
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
