package jsontext

import (
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// The checks as they were before the one-pass validator, kept as the
// oracle the differential tests hold Check and CheckValue to: a depth
// scan, utf8.Valid, then gjson.ValidBytes.

func oracleCheck(b []byte, maxDepth int) (p Problem, key string) {
	if p, key = oracleScanDepth(b, maxDepth); p != OK {
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

func oracleCheckValue(b []byte, maxDepth int) (p Problem, key string) {
	if p, key = oracleScanDepth(b, maxDepth); p != OK {
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

func oracleScanDepth(b []byte, maxDepth int) (Problem, string) {
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
