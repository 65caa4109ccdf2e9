package jsontext

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Request bodies and policies are read through gjson once Check has
// accepted them: Walk adds to its member walk the checks gjson leaves out.

// Parse reads b, which Check has accepted, without copying it again: the
// one copy to a string is what every substring of the result shares.
func Parse(b []byte) gjson.Result {
	return gjson.Parse(string(b))
}

// TypeName names a JSON type the way error messages do.
func TypeName(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return "string"
	case gjson.Number:
		return "number"
	case gjson.True, gjson.False:
		return "boolean"
	case gjson.Null:
		return "null"
	}
	if v.IsArray() {
		return "array"
	}
	return "object"
}

// boundedKeys is the largest Walk.Max whose walks compare every key with
// the earlier ones (at most 2016 comparisons) rather than build a hash set.
const boundedKeys = 64

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
