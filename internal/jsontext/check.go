package jsontext

import (
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Problem says what Check found wrong with a document.
type Problem uint8

const (
	OK          Problem = iota
	Empty               // no value at all
	BadUTF8             // bytes that are not UTF-8
	TooDeep             // nesting past the limit
	Malformed           // not JSON, or bytes after the value
	NotAnObject         // a valid value that is not an object
)

func (p Problem) String() string {
	switch p {
	case OK:
		return "ok"
	case Empty:
		return "the body is empty"
	case BadUTF8:
		return "the body is not valid UTF-8"
	case TooDeep:
		return "the body is nested too deeply"
	case Malformed:
		return "the body is not valid JSON"
	case NotAnObject:
		return "the body is not a JSON object"
	}
	return "unknown problem"
}

// Check verifies that b is one JSON object, UTF-8, nested at most maxDepth
// levels (the top object is level 1), with nothing but white space after it.
// For TooDeep, key is the top-level property under which the limit was
// passed, so the error can name it. The depth scan runs first and is
// iterative: gjson's validator recurses, and a body of a million '[' must
// not reach it.
func Check(b []byte, maxDepth int) (p Problem, key string) {
	if p, key = scanDepth(b, maxDepth); p != OK {
		return p, key
	}
	if !utf8.Valid(b) {
		return BadUTF8, ""
	}
	if !gjson.ValidBytes(b) {
		return Malformed, ""
	}
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return NotAnObject, ""
	}
	return OK, ""
}

// CheckValue is Check for any JSON value, not only an object.
func CheckValue(b []byte, maxDepth int) (p Problem, key string) {
	if p, key = scanDepth(b, maxDepth); p != OK {
		return p, key
	}
	if !utf8.Valid(b) {
		return BadUTF8, ""
	}
	if !gjson.ValidBytes(b) {
		return Malformed, ""
	}
	return OK, ""
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanDepth walks b once, tracking strings and brackets only. It does not
// validate; it only proves that recursion on b is bounded.
func scanDepth(b []byte, maxDepth int) (Problem, string) {
	if skipSpace(b, 0) == len(b) {
		return Empty, ""
	}
	depth := 0
	expectKey := false // at depth 1 inside an object, the next string is a key
	keyStart, keyEnd := -1, -1
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			start := i + 1
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if depth == 1 && expectKey {
				keyStart, keyEnd = start, min(i, len(b))
				expectKey = false
			}
		case '{', '[':
			depth++
			if depth > maxDepth {
				key := ""
				if keyStart >= 0 {
					key = string(b[keyStart:keyEnd])
				}
				return TooDeep, key
			}
			if depth == 1 && c == '{' {
				expectKey = true
			}
		case '}', ']':
			depth--
		case ',':
			if depth == 1 {
				expectKey = true
			}
		}
	}
	return OK, ""
}
