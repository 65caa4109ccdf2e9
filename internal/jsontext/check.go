package jsontext

import (
	"unicode/utf8"
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
	TooLarge            // 2 GiB or more, past what an Index holds
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
	case TooLarge:
		return "the body is too large"
	}
	return "unknown problem"
}

// Check verifies that b is one JSON object, UTF-8, nested at most maxDepth
// levels (the top object is level 1), with nothing but white space after it.
// For TooDeep, key is the top-level property under which the limit was
// passed, so the error can name it.
func Check(b []byte, maxDepth int) (p Problem, key string) {
	return CheckIndexed(b, maxDepth, nil)
}

// CheckIndexed is Check that also fills ix, when not nil, so that walking
// and writing b later (ix.Root, Index.Members, Index.AppendCanonical)
// reads only string contents again, and only to copy them.
func CheckIndexed(b []byte, maxDepth int, ix *Index) (p Problem, key string) {
	if ix != nil {
		if len(b) > maxIndexed {
			return TooLarge, ""
		}
		ix.doc, ix.str, ix.n, ix.big = b, "", 0, nil
	}
	if !valid(b, maxDepth, ix) {
		return diagnose(b, maxDepth)
	}
	if b[skipSpace(b, 0)] != '{' {
		return NotAnObject, ""
	}
	return OK, ""
}

// CheckValue is Check for any JSON value, not only an object (a batch
// step's body may be an array).
func CheckValue(b []byte, maxDepth int) (p Problem, key string) {
	if !valid(b, maxDepth, nil) {
		return diagnose(b, maxDepth)
	}
	return OK, ""
}

// diagnose names the problem of a body valid refused. When a body has
// several (bad UTF-8 inside a too-deep array), the one reported is the
// one the checks of earlier versions found first: depth, then UTF-8, then
// syntax; error targets depend on it. Only refused bodies pay for these
// two extra passes.
func diagnose(b []byte, maxDepth int) (Problem, string) {
	if p, key := scanDepth(b, maxDepth); p != OK {
		return p, key
	}
	if !utf8.Valid(b) {
		return BadUTF8, ""
	}
	return Malformed, ""
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanDepth walks b once, tracking strings and brackets only. It does not
// validate; it only finds where b first nests past maxDepth, and the
// top-level key it is under, the way the error names it.
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
