package core

import (
	"bytes"
	"strconv"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// maxMembers bounds the members of one object of a request body or a
// policy document, annotations counted. createLink has eight properties,
// a driveRecipient three, grant two, a policy nine rules: 64 leaves room
// for annotations and for serialisers that write every property, and
// refuses a body of thousands of keys at its first objects, before the
// keys cost anything.
const maxMembers = 64

// walker reads the objects of request bodies and policies: members
// bounded by maxMembers, repeated keys found, lone surrogate escapes
// refused. work, when not nil, counts the key comparisons (the
// complexity tests read it).
type walker struct {
	work *int
	// escapes: the document holds a backslash. Without one no string
	// can hold a surrogate escape, and members spares the checks.
	escapes bool
}

// of is w for the document b, which Check accepted.
func (w walker) of(b []byte) walker {
	w.escapes = bytes.IndexByte(b, '\\') >= 0
	return w
}

// members walks obj's members as jsontext.Walk.Members does. at names obj
// in targets ("body", "recipients[2]", "policy.anonymous"), member the
// target of one of its members. A repeated key is returned, for the
// caller's own message; the other stops are errors here.
func (w walker) members(obj gjson.Result, at string, member func(k string) string, fn func(k string, v gjson.Result) bool) (dup string, err *Error) {
	key, stop := jsontext.Walk{Max: maxMembers, Strict: w.escapes, Work: w.work}.Members(obj, fn)
	switch stop {
	case jsontext.Repeated:
		return key, nil
	case jsontext.TooMany:
		return "", invalid(at, objectName(at)+" has more than "+strconv.Itoa(maxMembers)+" members (annotations counted)")
	case jsontext.SurrogateKey:
		return "", invalid(at, "a key of "+objectName(at)+" holds "+loneSurrogate)
	case jsontext.SurrogateValue:
		t := member(key)
		return "", invalid(t, "'"+t+"' holds "+loneSurrogate)
	}
	return "", nil
}

// loneSurrogate ends the message of a string that is not text: decoded,
// the escape would reach Graph as U+FFFD, another text than the one sent
// (a password that is not the caller's, two that collide).
const loneSurrogate = "a \\u escape that is not a UTF-16 character (a lone surrogate, \\uD800–\\uDFFF not in a high-low pair)"

func objectName(at string) string {
	if at == "body" {
		return "the body"
	}
	return "'" + at + "'"
}

// stringText refuses a string value with a lone surrogate escape; arrays
// of strings are read element by element, outside members.
func stringText(v gjson.Result, target string) *Error {
	if v.Type == gjson.String && jsontext.LoneSurrogate(v.Raw) {
		return invalid(target, "'"+target+"' holds "+loneSurrogate)
	}
	return nil
}
