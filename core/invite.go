package core

import (
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

// invite's schema: an object of scalars and two arrays, one of flat
// objects (recipients), one of strings (roles).
const inviteDepth = 3

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
	if ctx == nil {
		ctx = &Context{}
	}
	return walker{}.invite(body, ctx)
}

// invite reads an invite body: the walker bounds its members and refuses
// lone surrogates, as for createLink and grant.
func (w walker) invite(body []byte, ctx *Context) (Invite, *Error) {
	var in Invite
	if p, key := jsontext.Check(body, inviteDepth); p != jsontext.OK {
		return in, bodyError(p, key)
	}
	w = w.of(body)
	var err *Error
	var expiration string
	hasExpiration, hasRoles := false, false
	dup, werr := w.members(jsontext.Parse(body), "body", segmentForMessage, func(k string, val gjson.Result) bool {
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
			in.Recipients, err = w.recipients(val, k)
		case "roles":
			hasRoles = true
			in.Read, in.Write, err = readWriteRoles(val, k)
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
	if werr != nil {
		return in, werr
	}
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
	dst = appendRoles(dst, in.Read, in.Write)
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
