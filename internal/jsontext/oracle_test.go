package jsontext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// Other readings of what Check and the canonical writer do, to hold them
// to: the depth found by a regular expression over the strings, then
// utf8.Valid and gjson.ValidBytes (Check's verdicts as they were before
// the one-pass validator); encoding/json's tokens for the canonical form.

func oracleCheck(b []byte, maxDepth int) (p Problem, key string) {
	if p, key = oracleCheckValue(b, maxDepth); p != OK {
		return p, key
	}
	if b[skipSpace(b, 0)] != '{' {
		return NotAnObject, ""
	}
	return OK, ""
}

func oracleCheckValue(b []byte, maxDepth int) (p Problem, key string) {
	if p, key = oracleDepth(b, maxDepth); p != OK {
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

// checkValue is Check for any JSON value, not only an object.
func checkValue(b []byte, maxDepth int) (Problem, string) {
	if !valid(b, maxDepth, nil) {
		return diagnose(b, maxDepth)
	}
	return OK, ""
}

// quoted matches a string from its opening quote to its closing one, or
// to the end of a document cut inside it; the group is its content.
var quoted = regexp.MustCompile(`(?s)"((?:[^"\\]|\\.)*\\?)(?:"|$)`)

// oracleDepth finds where b first nests past maxDepth, and the top-level
// key it is under: the strings are found by quoted, every other byte
// between them is punctuation, white space or scalars. It does not
// validate.
func oracleDepth(b []byte, maxDepth int) (Problem, string) {
	if len(bytes.Trim(b, " \t\r\n")) == 0 {
		return Empty, ""
	}
	strs := quoted.FindAllSubmatchIndex(b, -1)
	depth, at := 0, 0
	key, keyNext := "", false // keyNext: the next string at depth 1 is a key
	scan := func(from, to int) bool {
		for _, c := range b[from:to] {
			switch c {
			case '{', '[':
				if depth++; depth > maxDepth {
					return true
				}
				keyNext = keyNext || depth == 1 && c == '{'
			case '}', ']':
				depth--
			case ',':
				keyNext = keyNext || depth == 1
			}
		}
		return false
	}
	for _, s := range strs {
		if scan(at, s[0]) {
			return TooDeep, key
		}
		if depth == 1 && keyNext {
			key, keyNext = string(b[s[2]:s[3]]), false
		}
		at = s[1]
	}
	if scan(at, len(b)) {
		return TooDeep, key
	}
	return OK, ""
}

// canonicalTokens is the encoding/json token stream of b's value,
// annotation members (and their values) left out; a key repeated in one
// object, annotations aside, is returned as dup.
func canonicalTokens(b []byte) (toks []string, dup string, found bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var walk func(keep bool) error
	walk = func(keep bool) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if keep {
			toks = append(toks, fmt.Sprintf("%T:%v", tok, tok))
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key := k.(string)
				annotation := IsAnnotation(key)
				if keep && !annotation {
					if seen[key] && !found {
						dup, found = key, true
					}
					seen[key] = true
					toks = append(toks, "key:"+key)
				}
				if err := walk(keep && !annotation); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if err := walk(keep); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		if keep && (tok == json.Delim('{') || tok == json.Delim('[')) {
			toks = append(toks, "end")
		}
		return err
	}
	if err := walk(true); err != nil {
		return nil, "", false, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", false, fmt.Errorf("bytes after the value")
	}
	return toks, dup, found, nil
}
