package core

import (
	"strings"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// The readers of a request body's values, and the errors every body
// parser gives for a property that is unknown or repeated.

func unknownProperty(k string) *Error {
	if k == "" {
		return invalid("body", "the body has a property with an empty name")
	}
	return invalid(segmentForMessage(k), "'"+segmentForMessage(k)+"' is not a property of this request")
}

// duplicateProperty names a key that appears twice.
func duplicateProperty(k string) *Error {
	if k == "" {
		return invalid("body", "the body has two properties with an empty name")
	}
	return invalid(segmentForMessage(k), "'"+segmentForMessage(k)+"' appears more than once in the body")
}

func stringValue(v gjson.Result, k string) (string, *Error) {
	if v.Type != gjson.String {
		return "", invalid(k, "'"+k+"' must be a string, not "+jsontext.TypeName(v))
	}
	return v.Str, nil
}

func triValue(v gjson.Result, k string) (Tri, *Error) {
	switch v.Type {
	case gjson.True:
		return True, nil
	case gjson.False:
		return False, nil
	}
	return Unset, invalid(k, "'"+k+"' must be a boolean, not "+jsontext.TypeName(v))
}

// enumValue reads a string enum exactly as Graph spells it, and says what
// was meant when only the letter case is off.
func enumValue[T ~uint8](v gjson.Result, k string, names []string) (T, *Error) {
	s, err := stringValue(v, k)
	if err != nil {
		return 0, err
	}
	if i := enumIndex(names, s); i > 0 {
		return T(i), nil
	}
	for i := 1; i < len(names); i++ {
		if equalFoldASCII(names[i], s) {
			return 0, invalid(k, "'"+k+"' is case-sensitive: use '"+names[i]+"'")
		}
	}
	return 0, invalid(k, "'"+k+"' must be one of "+strings.Join(names[1:], ", "))
}
