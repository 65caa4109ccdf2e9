package jsontext

import (
	"bytes"
	"strings"
)

// smallKeys is how many keys of one object (or texts of one array) are
// checked for repeats by comparing each with the ones before it: at most
// 120 comparisons, no allocation, the case of every body Graph's actions
// exchange. Past it, the repeats are found once for the whole object by
// a hash set (Repeats): one lookup a key, where comparing each key with
// all the earlier ones cost n²/2 (23 s of CPU for a 1 MiB body of 75,000
// distinct keys).
const smallKeys = 16

// Repeats reports, for each text, whether an equal text comes before it.
// Past smallKeys texts it copies them into one string and looks each up
// in a Go map of substrings of it: two allocations and the map's, one
// lookup a text. The map is the runtime's: its hash is seeded per map at
// random, so an input cannot be made of keys that collide (a fixed hash
// could be flooded back to n²), and nothing of the result depends on the
// seed. work, when not nil, counts the comparisons and lookups (the
// complexity tests read it).
func Repeats(texts [][]byte, work *int) []bool {
	rep := make([]bool, len(texts))
	if len(texts) <= smallKeys {
		for i, t := range texts {
			for _, u := range texts[:i] {
				count(work)
				if bytes.Equal(t, u) {
					rep[i] = true
					break
				}
			}
		}
		return rep
	}
	size := 0
	for _, t := range texts {
		size += len(t)
	}
	var b strings.Builder
	b.Grow(size)
	for _, t := range texts {
		b.Write(t)
	}
	all := b.String()
	seen := make(map[string]struct{}, len(texts))
	at := 0
	for i, t := range texts {
		count(work)
		k := all[at : at+len(t)]
		at += len(t)
		if _, ok := seen[k]; ok {
			rep[i] = true
			continue
		}
		seen[k] = struct{}{}
	}
	return rep
}

func count(work *int) {
	if work != nil {
		*work++
	}
}

// objectKeys returns the decoded keys of the object at tape entry t,
// annotations left out when skipAnnotations.
func objectKeys(tape []token, t int, doc []byte, skipAnnotations bool) [][]byte {
	var keys [][]byte
	for u, next := t+1, int(tape[t].next); u < next; {
		k := tape[u]
		text := doc[k.start+1 : tokenEnd(k.end)-1]
		if k.end < 0 {
			text = Unquote(doc[k.start:^k.end])
		}
		if !skipAnnotations || !IsAnnotation(text) {
			keys = append(keys, text)
		}
		u = max(int(tape[u+1].next), u+2)
	}
	return keys
}

// Keys finds the keys repeated in one object as a caller walking its
// members in document order meets them: Add each key (the annotations
// too, or none of them, as Index.Keys was told) and stop at the first
// repeat. The first smallKeys keys are compared with the earlier ones;
// at the next, the object's keys are read once into a hash set
// (Repeats), and Add only looks its position up.
type Keys struct {
	fixed           [smallKeys][]byte
	n               int    // keys added
	rep             []bool // past smallKeys: which keys of obj repeat an earlier one
	obj             int32  // the object's tape entry
	skipAnnotations bool
}

// Keys is the Keys of the object obj.
func (ix *Index) Keys(obj Value, skipAnnotations bool) Keys {
	return Keys{obj: obj.t, skipAnnotations: skipAnnotations}
}

// Add records t, the text of the object's next key, and reports whether
// an earlier key had the same text. ix is the Index that made s.
func (s *Keys) Add(ix *Index, t []byte) (repeat bool) {
	i := s.n
	s.n++
	if i >= smallKeys {
		if s.rep == nil {
			s.rep = Repeats(objectKeys(ix.tokens(), int(s.obj), ix.doc, s.skipAnnotations), ix.Work)
		}
		return i < len(s.rep) && s.rep[i]
	}
	if ix.Work != nil {
		*ix.Work += i // at most; counted once, off the loop
	}
	for _, x := range s.fixed[:i] {
		if bytes.Equal(x, t) {
			repeat = true
			break
		}
	}
	s.fixed[i] = t
	return repeat
}

// bigKeys is the hash-set stage of an object's duplicate check in the
// canonical writer: which of its keys repeat, and the position of the
// next one (the first smallKeys were compared directly).
type bigKeys struct {
	rep []bool
	i   int
}

// newBigKeys reads the keys of the object at tape entry t (annotations
// aside).
func newBigKeys(tape []token, t int, doc []byte, work *int) *bigKeys {
	return &bigKeys{rep: Repeats(objectKeys(tape, t, doc, true), work), i: smallKeys}
}

// next reports whether the object's next key repeats an earlier one.
func (b *bigKeys) next() bool {
	i := b.i
	b.i++
	return i < len(b.rep) && b.rep[i]
}

// IsAnnotation reports whether key is an OData annotation ("@odata.type",
// "link@odata.context"): clients send them and sharelink drops them.
// It takes raw bytes too, so that keys read raw need no conversion.
func IsAnnotation[K ~string | ~[]byte](key K) bool {
	for i := 0; i+6 <= len(key); i++ {
		if key[i] == '@' && string(key[i+1:i+6]) == "odata" {
			return true
		}
	}
	return false
}
