package core

import (
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// The roles of grant, invite and a permission update: an array of "read"
// and "write", as Graph spells them, each at most once, at least one.

// readWriteRoles reads such a roles array; prop names it in targets.
// An array holds two valid elements at most: a third is a repeat or
// another value, and stops the reading there.
func readWriteRoles(v gjson.Result, prop string) (read, write bool, err *Error) {
	if !v.IsArray() {
		return false, false, invalid(prop, "'"+prop+"' must be an array of strings, not "+jsontext.TypeName(v))
	}
	v.ForEach(func(_, e gjson.Result) bool {
		switch {
		case e.Type != gjson.String:
			err = invalid(prop, "each role must be a string, not "+jsontext.TypeName(e))
		case jsontext.LoneSurrogate(e.Raw):
			err = stringText(e, prop)
		case e.Str == "read" && !read:
			read = true
		case e.Str == "write" && !write:
			write = true
		case e.Str == "read" || e.Str == "write":
			err = invalid(prop, "the role '"+e.Str+"' is listed twice")
		default:
			err = invalid(prop, "the roles are 'read' and 'write' only, not '"+segmentForMessage(e.Str)+"'")
		}
		return err == nil
	})
	if err == nil && !read && !write {
		err = invalid(prop, "'"+prop+"' needs at least one role: \"read\" or \"write\"")
	}
	return read, write, err
}

// appendRoles writes roles canonically: read before write.
func appendRoles(dst []byte, read, write bool) []byte {
	dst = append(dst, '[')
	if read {
		dst = append(dst, `"read"`...)
	}
	if write {
		if read {
			dst = append(dst, ',')
		}
		dst = append(dst, `"write"`...)
	}
	return append(dst, ']')
}
