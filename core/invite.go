package core

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Invite is a validated driveItem: invite body (POST {item}/invite, v1.0
// and beta; Microsoft Graph's driveitem-invite.md). The doc's parameters:
// recipients, message ("Maximum length 2000 characters"), requireSignIn,
// sendInvitation, roles, expirationDateTime, password ("Optional and
// OneDrive Personal only") and retainInheritedPermissions ("Optional. If
// true (default), any existing inherited permissions are retained … If
// false, all existing permissions are removed when sharing for the first
// time").
type Invite struct {
	Recipients     []Recipient
	Read           bool // roles holds "read"
	Write          bool // roles holds "write"
	RequireSignIn  Tri
	SendInvitation Tri
	Message        string
	HasMessage     bool
	Expiration     time.Time // zero when not given; UTC, whole seconds
	Password       string
	// RetainInherited is sent only when the caller set it:
	// msgraph-sdk-dotnet 6.2+ and msgraph-sdk-python 1.59.2+ send false by
	// default, which wipes inherited access on first share.
	RetainInherited Tri
}

const (
	// invite's schema: an object of scalars and two arrays, one of flat
	// objects (recipients), one of strings (roles).
	inviteDepth = 3
	// maxBodyMembers bounds the members of any one object and the elements
	// of any one array of a sharing body: the schemas need a dozen at most
	// (recipients, 100 at most, aside), and the duplicate check costs the
	// square of the count.
	maxBodyMembers = 128
)

// ParseInvite reads and validates an invite body under the clock in ctx.
// Platform rules apply when ctx names the drive type; the policy is not
// applied here. v is accepted for symmetry with ParseCreateLink: the v1.0
// and beta pages list the same parameters.
func ParseInvite(v Version, body []byte, ctx *Context) (Invite, error) {
	in, err := parseInvite(v, body, ctx)
	if err != nil {
		return Invite{}, err
	}
	return in, nil
}

func parseInvite(_ Version, body []byte, ctx *Context) (Invite, *Error) {
	var in Invite
	if ctx == nil {
		ctx = &Context{}
	}
	if err := checkBody(body, inviteDepth, maxBodyMembers); err != nil {
		return in, err
	}
	// separate scratch for the recipients: a shared array would let a
	// recipient's keys overwrite the top level's and hide a duplicate.
	var seen [12]string
	var err *Error
	var expiration string
	hasExpiration, hasRoles := false, false
	dup := jsontext.Members(jsontext.Parse(body), seen[:0], func(k string, val gjson.Result) bool {
		if jsontext.IsAnnotation(k) {
			return true
		}
		if val.Type == gjson.Null {
			// null means absent: serialisers that write every property
			// send null for the unset ones.
			if !isInviteProperty(k) {
				err = unknownProperty(k)
			}
			return err == nil
		}
		switch k {
		case "recipients":
			in.Recipients, err = walker{}.of(body).recipients(val, k)
		case "roles":
			hasRoles = true
			in.Read, in.Write, err = parseReadWrite(val, k)
		case "requireSignIn":
			in.RequireSignIn, err = triValue(val, k)
		case "sendInvitation":
			in.SendInvitation, err = triValue(val, k)
		case "message":
			in.Message, err = stringValue(val, k)
			in.HasMessage = true
			if err == nil && utf8.RuneCountInString(in.Message) > maxMessage {
				err = invalid(k, "'message' is longer than 2000 characters")
			}
		case "expirationDateTime":
			expiration, err = stringValue(val, k)
			hasExpiration = true
		case "password":
			in.Password, err = stringValue(val, k)
			if err == nil && (in.Password == "" || len(in.Password) > maxPassword) {
				err = invalid(k, "'password' must be 1 to 256 bytes")
			}
		case "retainInheritedPermissions":
			in.RetainInherited, err = triValue(val, k)
		default:
			err = unknownProperty(k)
		}
		return err == nil
	})
	if dup != "" {
		return in, duplicateProperty(dup)
	}
	if err != nil {
		return in, err
	}
	if len(in.Recipients) == 0 {
		return in, invalid("recipients", "invite needs at least one recipient")
	}
	if !hasRoles {
		return in, invalid("roles", "invite needs 'roles': [\"read\"] or [\"write\"]")
	}
	if hasExpiration {
		if in.Expiration, err = futureDateTime(expiration, "expirationDateTime", ctx.Now); err != nil {
			return in, err
		}
	}
	return in, in.platform(ctx.DriveType)
}

func isInviteProperty(k string) bool {
	switch k {
	case "recipients", "roles", "requireSignIn", "sendInvitation", "message",
		"expirationDateTime", "password", "retainInheritedPermissions":
		return true
	}
	return false
}

// platform applies driveitem-invite.md's drive rules. password is
// "Optional and OneDrive Personal only". expirationDateTime is "Available
// on OneDrive for Business, SharePoint, and premium personal OneDrive
// accounts" and, on Business and SharePoint, "only applicable for
// sharingLink permissions": neither can be decided from the body (premium
// is an account's property; whether a recipient gets a link or a direct
// grant is Graph's decision), so an expiry is forwarded and Graph decides.
func (in *Invite) platform(d DriveType) *Error {
	if in.Password != "" && (d == DriveBusiness || d == DriveDocumentLibrary) {
		return invalid("password", "an invitation's 'password' exists only in OneDrive personal")
	}
	return nil
}

// AppendBody writes in as the canonical upstream body: only what the
// caller set, in a fixed order, the expiry as UTC yyyy-MM-ddTHH:mm:ssZ.
func (in *Invite) AppendBody(dst []byte) []byte {
	dst = append(dst, `{"recipients":`...)
	dst = appendRecipients(dst, in.Recipients)
	dst = jsontext.AppendKey(dst, "roles")
	dst = appendReadWrite(dst, in.Read, in.Write)
	if in.RequireSignIn != Unset {
		dst = jsontext.AppendKey(dst, "requireSignIn")
		dst = jsontext.AppendBool(dst, in.RequireSignIn == True)
	}
	if in.SendInvitation != Unset {
		dst = jsontext.AppendKey(dst, "sendInvitation")
		dst = jsontext.AppendBool(dst, in.SendInvitation == True)
	}
	if in.HasMessage {
		dst = jsontext.AppendKey(dst, "message")
		dst = jsontext.AppendString(dst, in.Message)
	}
	if !in.Expiration.IsZero() {
		dst = jsontext.AppendKey(dst, "expirationDateTime")
		dst = appendQuotedUTC(dst, in.Expiration)
	}
	if in.Password != "" {
		dst = jsontext.AppendKey(dst, "password")
		dst = jsontext.AppendString(dst, in.Password)
	}
	if in.RetainInherited != Unset {
		dst = jsontext.AppendKey(dst, "retainInheritedPermissions")
		dst = jsontext.AppendBool(dst, in.RetainInherited == True)
	}
	return append(dst, '}')
}

// checkBody is jsontext.Check plus a bound on the members of every object
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

// parseReadWrite reads a roles array of "read" and "write": non-empty,
// strings, no repeats, the values as Graph spells them.
func parseReadWrite(v gjson.Result, prop string) (read, write bool, err *Error) {
	if !v.IsArray() {
		return false, false, invalid(prop, "'"+prop+"' must be an array of strings, not "+jsontext.TypeName(v))
	}
	v.ForEach(func(_, e gjson.Result) bool {
		switch {
		case e.Type != gjson.String:
			err = invalid(prop, "each role must be a string, not "+jsontext.TypeName(e))
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

func appendReadWrite(dst []byte, read, write bool) []byte {
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

// futureDateTime reads an expiry as createLink does and requires it to
// lie after now.
func futureDateTime(s, prop string, now time.Time) (time.Time, *Error) {
	t, err := parseDateTime(s, prop)
	if err != nil {
		return t, err
	}
	if !t.After(now) {
		return time.Time{}, invalid(prop, "'"+prop+"' must lie in the future")
	}
	return t, nil
}

func appendQuotedUTC(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = appendUTC(dst, t)
	return append(dst, '"')
}
