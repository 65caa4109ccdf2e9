package core

import (
	"time"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// PermissionUpdate is a validated body of PATCH {item}/permissions/{id}
// (Microsoft Graph's permission-update.md): "The following properties on
// these permission types can be modified": roles (a user's permission) and
// expirationDateTime (an anonymous sharing link). Nothing else may be
// sent, and at least one of the two must be.
//
// The PATCH's own rule, "Existing properties that are not included in the
// request body will maintain their previous values", makes an absent
// property and a null one differ: roles null is refused (a permission
// has roles), expirationDateTime null removes the expiry and is forwarded
// as null.
type PermissionUpdate struct {
	HasRoles        bool
	Read            bool      // roles holds "read"
	Write           bool      // roles holds "write"
	Expiration      time.Time // zero when not given; UTC, whole seconds
	ClearExpiration bool      // "expirationDateTime": null
}

// an object of two members, one an array of strings.
const permissionUpdateDepth = 2

// ParsePermissionUpdate reads and validates a permission PATCH body; a new
// expiry must lie after ctx.Now.
func ParsePermissionUpdate(body []byte, ctx *Context) (PermissionUpdate, error) {
	u, err := parsePermissionUpdate(body, ctx)
	if err != nil {
		return PermissionUpdate{}, err
	}
	return u, nil
}

func parsePermissionUpdate(body []byte, ctx *Context) (PermissionUpdate, *Error) {
	if ctx == nil {
		ctx = &Context{}
	}
	return walker{}.permissionUpdate(body, ctx)
}

func (w walker) permissionUpdate(body []byte, ctx *Context) (PermissionUpdate, *Error) {
	var u PermissionUpdate
	if p, key := jsontext.Check(body, permissionUpdateDepth); p != jsontext.OK {
		return u, bodyError(p, key)
	}
	w = w.of(body)
	var err *Error
	var expiration string
	hasExpiration := false
	dup, werr := w.members(jsontext.Parse(body), "body", segmentForMessage, func(k string, val gjson.Result) bool {
		switch {
		case jsontext.IsAnnotation(k):
		case k == "roles":
			if val.Type == gjson.Null {
				err = invalid(k, "'roles' may not be null: leave it out to keep the roles")
				break
			}
			u.HasRoles = true
			u.Read, u.Write, err = readWriteRoles(val, k)
		case k == "expirationDateTime":
			if val.Type == gjson.Null {
				u.ClearExpiration = true
				break
			}
			expiration, err = stringValue(val, k)
			hasExpiration = true
		case k == "":
			err = unknownProperty(k)
		default:
			err = invalid(segmentForMessage(k), "only 'roles' and 'expirationDateTime' of a permission can be changed, not '"+segmentForMessage(k)+"'")
		}
		return err == nil
	})
	if werr != nil {
		return u, werr
	}
	if dup != "" {
		return u, duplicateProperty(dup)
	}
	if err != nil {
		return u, err
	}
	if hasExpiration {
		if u.Expiration, err = futureDateTime(expiration, "expirationDateTime", ctx.Now); err != nil {
			return u, err
		}
	}
	if !u.HasRoles && !hasExpiration && !u.ClearExpiration {
		return u, invalid("body", "a permission update sets 'roles' or 'expirationDateTime'")
	}
	return u, nil
}

// AppendBody writes the canonical PATCH body: roles, then the expiry.
func (u *PermissionUpdate) AppendBody(dst []byte) []byte {
	dst = append(dst, '{')
	if u.HasRoles {
		dst = jsontext.AppendKey(dst, "roles")
		dst = appendRoles(dst, u.Read, u.Write)
	}
	switch {
	case !u.Expiration.IsZero():
		dst = jsontext.AppendKey(dst, "expirationDateTime")
		dst = appendQuotedUTC(dst, u.Expiration)
	case u.ClearExpiration:
		dst = jsontext.AppendKey(dst, "expirationDateTime")
		dst = append(dst, "null"...)
	}
	return append(dst, '}')
}
