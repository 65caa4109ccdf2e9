package jsontext

import (
	"bytes"
	"strings"

	"github.com/tidwall/gjson"
)

// smallKeys is how many keys of one object (or texts of one array) are
// checked for repeats by comparing each with the ones before it: at most
// 120 comparisons, no allocation, the case of every body Graph's actions
// exchange. Past it, the repeats are found once for the whole object by
// a hash set (Repeats): one lookup a key, where comparing each key with
// all the earlier ones cost n²/2 (23 s of CPU for a 1 MiB body of 75,000
// distinct keys).
const smallKeys = 16

// boundedKeys is the largest Walk.Max whose walks compare every key with
// the earlier ones (at most 2016 comparisons) rather than build a hash set.
const boundedKeys = 64

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

// Stop says why Walk.Members stopped before the end of an object.
type Stop uint8

const (
	Done           Stop = iota // every member was read (or fn stopped the walk)
	Repeated                   // a key appears twice
	TooMany                    // more members than Walk.Max
	SurrogateKey               // a key holds a lone surrogate escape
	SurrogateValue             // a string value holds a lone surrogate escape
)

// Walk is how Members reads an object of a request body.
type Walk struct {
	// Max bounds the members of one object, annotations counted; 0: no
	// bound. Request bodies of Graph's actions have a handful of
	// properties: a bound refuses a body of thousands of keys at its
	// first objects, before it costs anything.
	Max int
	// Strict refuses a key or a string value holding an escape that is
	// not a UTF-16 character (see LoneSurrogate): decoded, it would be
	// U+FFFD, another text than the one the caller wrote.
	Strict bool
	// Work, when not nil, counts the key comparisons.
	Work *int
}

// Members calls fn for each member of obj in document order and stops at
// the first false. It stops before fn too, and says why, at the first key
// seen twice (Graph reads the last duplicate and gjson the first, so a
// duplicate is refused rather than guessed at), at member Max+1, or, when
// Strict, at a key or string value with a lone surrogate; key is then the
// member's key. Annotations are keys like the others here.
func (w Walk) Members(obj gjson.Result, fn func(key string, val gjson.Result) bool) (key string, stop Stop) {
	var fixed [smallKeys]string
	var rep []bool
	var more []string // bounded walks, past smallKeys
	n := 0
	obj.ForEach(func(k, v gjson.Result) bool {
		key = k.Str
		if w.Max > 0 && n >= w.Max {
			stop = TooMany
			return false
		}
		if w.Strict && LoneSurrogate(k.Raw) {
			stop = SurrogateKey
			return false
		}
		if w.Strict && v.Type == gjson.String && LoneSurrogate(v.Raw) {
			stop = SurrogateValue
			return false
		}
		if n < smallKeys {
			if w.Work != nil {
				*w.Work += n
			}
			for _, s := range fixed[:n] {
				if s == key {
					stop = Repeated
					return false
				}
			}
			fixed[n] = key
		} else if w.Max > 0 && w.Max <= boundedKeys {
			// A bounded walk stops at Max: comparing each key with
			// the earlier ones costs at most Max²/2, less than reading
			// the object again for a hash set.
			if more == nil {
				more = make([]string, 0, w.Max-smallKeys)
			}
			if w.Work != nil {
				*w.Work += n
			}
			for _, s := range fixed {
				if s == key {
					stop = Repeated
					return false
				}
			}
			for _, s := range more {
				if s == key {
					stop = Repeated
					return false
				}
			}
			more = append(more, key)
		} else {
			if rep == nil {
				rep = gjsonRepeats(obj, false, w.Max, w.Work)
			}
			if n < len(rep) && rep[n] {
				stop = Repeated
				return false
			}
		}
		n++
		return fn(key, v)
	})
	if stop == Done {
		key = ""
	}
	return key, stop
}

// gjsonRepeats is Repeats for the keys of obj (annotations left out
// when skipAnnotations), the first max of them when max > 0 (a walk
// stops at member max+1), copied once into one buffer.
func gjsonRepeats(obj gjson.Result, skipAnnotations bool, max int, work *int) []bool {
	var buf []byte
	var ends []int
	obj.ForEach(func(k, _ gjson.Result) bool {
		if skipAnnotations && IsAnnotation(k.Str) {
			return true
		}
		buf = append(buf, k.Str...)
		ends = append(ends, len(buf))
		return max <= 0 || len(ends) < max
	})
	texts := make([][]byte, len(ends))
	start := 0
	for i, e := range ends {
		texts[i] = buf[start:e:e]
		start = e
	}
	return Repeats(texts, work)
}

// Members calls fn for each member of obj in document order and stops at
// the first false. It returns the first key seen twice, if any: Graph
// reads the last duplicate and gjson the first, so a duplicate is refused
// rather than guessed at. seen is no longer used (Walk.Members keeps its
// own scratch space); it stays for the callers that pass it.
func Members(obj gjson.Result, seen []string, fn func(key string, val gjson.Result) bool) (dup string) {
	_ = seen
	key, stop := Walk{}.Members(obj, fn)
	if stop == Repeated {
		return key
	}
	return ""
}

// LoneSurrogate reports whether the raw JSON text s (a string with its
// quotes, or a whole value) holds a \u escape that is not a UTF-16
// character: a high surrogate (\uD800–\uDBFF) not followed at once by an
// escaped low one (\uDC00–\uDFFF), or a low one without a high one
// before it. Decoders turn such an escape into U+FFFD, so two different
// texts would read the same. Text without a backslash costs one
// IndexByte.
func LoneSurrogate(s string) bool {
	for {
		j := strings.IndexByte(s, '\\')
		if j < 0 || j+1 >= len(s) {
			return false
		}
		s = s[j:]
		if s[1] != 'u' {
			s = s[2:] // an escape of one character: skip it
			continue
		}
		if len(s) < 6 {
			return false
		}
		r := hex4(s[2:6])
		s = s[6:]
		switch {
		case r < 0xD800 || r > 0xDFFF:
			continue
		case r >= 0xDC00:
			return true
		}
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return true
		}
		if r2 := hex4(s[2:6]); r2 < 0xDC00 || r2 > 0xDFFF {
			return true
		}
		s = s[6:]
	}
}
