package jsontext

import "github.com/tidwall/gjson"

// Parse reads b, which Check has accepted, without copying it again: the
// one copy to a string is what every substring of the result shares.
func Parse(b []byte) gjson.Result {
	return gjson.Parse(string(b))
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
