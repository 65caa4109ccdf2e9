package jsontext

import "github.com/tidwall/gjson"

// Parse reads b, which Check has accepted, without copying it again: the
// one copy to a string is what every substring of the result shares.
func Parse(b []byte) gjson.Result {
	return gjson.Parse(string(b))
}

// Members calls fn for each member of obj in document order and stops at
// the first false. It returns the first key seen twice, if any: Graph reads
// the last duplicate and gjson the first, so a duplicate is refused rather
// than guessed at. seen is scratch space the caller may reuse.
func Members(obj gjson.Result, seen []string, fn func(key string, val gjson.Result) bool) (dup string) {
	seen = seen[:0]
	obj.ForEach(func(k, v gjson.Result) bool {
		key := k.Str
		for _, s := range seen {
			if s == key {
				dup = key
				return false
			}
		}
		seen = append(seen, key)
		return fn(key, v)
	})
	return dup
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
