package core

import (
	"strconv"

	"github.com/sharelink/sharelink/internal/jsontext"
)

// checkBody (the batch body's bound: sharing bodies are read by the
// walker, walk.go) is jsontext.Check plus a bound on the members of every object
// and the elements of every array, so that the duplicate-key check of
// jsontext.Members (quadratic in an object's keys) stays linear in the
// body.
func checkBody(body []byte, depth, maxMembers int) *Error {
	if p, key := jsontext.Check(body, depth); p != jsontext.OK {
		return bodyError(p, key)
	}
	if !withinMembers(body, maxMembers) {
		return invalid("body", "an object or array of the body has more than "+strconv.Itoa(maxMembers)+" members")
	}
	return nil
}

// withinMembers reports whether no object of b (a document Check accepted)
// has more than max members and no array more than max elements. One
// pass: strings are skipped, each container's count is kept on a stack as
// deep as Check allowed.
func withinMembers(b []byte, max int) bool {
	var stack [72]int // deeper than any depth core checks with
	depth := -1
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
			if depth >= len(stack) {
				return false
			}
			stack[depth] = 0
			// an empty container has no members; a first one is counted
			// at its first value below.
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r') {
				j++
			}
			if j < len(b) && b[j] != '}' && b[j] != ']' {
				stack[depth] = 1
			}
		case ',':
			if depth >= 0 {
				if stack[depth]++; stack[depth] > max {
					return false
				}
			}
		case '}', ']':
			depth--
		}
	}
	return true
}
