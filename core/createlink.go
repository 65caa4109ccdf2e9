package core

import (
	"time"
	"unicode/utf8"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// LinkType is createLink's "type". Zero means not given.
type LinkType uint8

const (
	TypeView LinkType = iota + 1
	TypeEdit
	TypeEmbed
	TypeReview
	TypeBlocksDownload
	TypeCreateOnly
	TypeAddressBar
	TypeAdminDefault
)

var linkTypeNames = [...]string{"", "view", "edit", "embed", "review", "blocksDownload", "createOnly", "addressBar", "adminDefault"}

func (t LinkType) String() string { return enumName(linkTypeNames[:], int(t)) }

// LinkScope is createLink's "scope". Zero means not given.
type LinkScope uint8

const (
	ScopeAnonymous LinkScope = iota + 1
	ScopeOrganization
	ScopeUsers
)

var linkScopeNames = [...]string{"", "anonymous", "organization", "users"}

func (s LinkScope) String() string { return enumName(linkScopeNames[:], int(s)) }

// CreateLink is a validated createLink request body.
type CreateLink struct {
	Type       LinkType
	Scope      LinkScope
	Expiration time.Time // zero when not given; UTC, whole seconds
	Password   string
	Recipients []Recipient
	// RetainInherited is sent only when the caller set it: SDKs that send
	// false by default wipe inherited access on first share.
	RetainInherited  Tri
	SendNotification Tri
	Message          string
	HasMessage       bool
}

const (
	maxPassword = 256
	maxMessage  = 2000 // characters
	// createLink's schema is an object of scalars and one array of flat
	// objects: three levels.
	createLinkDepth = 3
)

// ParseCreateLink reads and validates a createLink body under the rules of
// version v and the clock in ctx. Platform rules apply when ctx names the
// drive type or item kind; the policy is not applied here (see Check).
func ParseCreateLink(v Version, body []byte, ctx *Context) (CreateLink, error) {
	c, err := parseCreateLink(v, body, ctx)
	if err != nil {
		return CreateLink{}, err
	}
	return c, nil
}

func parseCreateLink(v Version, body []byte, ctx *Context) (CreateLink, *Error) {
	return walker{}.createLink(v, body, ctx)
}

func (w walker) createLink(v Version, body []byte, ctx *Context) (CreateLink, *Error) {
	var c CreateLink
	if p, key := jsontext.Check(body, createLinkDepth); p != jsontext.OK {
		return c, bodyError(p, key)
	}
	w = w.of(body)
	var err *Error
	var expiration string
	hasExpiration := false
	dup, werr := w.members(jsontext.Parse(body), "body", segmentForMessage, func(k string, val gjson.Result) bool {
		if jsontext.IsAnnotation(k) {
			return true
		}
		if val.Type == gjson.Null {
			// Serialisers that write every property send null for unset
			// ones; null means absent.
			if !isCreateLinkProperty(k) {
				err = unknownProperty(k)
				return false
			}
			return true
		}
		switch k {
		case "type":
			c.Type, err = enumValue[LinkType](val, k, linkTypeNames[:])
		case "scope":
			c.Scope, err = enumValue[LinkScope](val, k, linkScopeNames[:])
		case "expirationDateTime":
			expiration, err = stringValue(val, k)
			hasExpiration = true
		case "password":
			c.Password, err = stringValue(val, k)
			if err == nil && (c.Password == "" || len(c.Password) > maxPassword) {
				err = invalid(k, "'password' must be 1 to 256 bytes")
			}
		case "recipients":
			c.Recipients, err = w.recipients(val, k)
		case "retainInheritedPermissions":
			c.RetainInherited, err = triValue(val, k)
		case "sendNotification":
			c.SendNotification, err = triValue(val, k)
		case "message":
			c.Message, err = stringValue(val, k)
			c.HasMessage = true
			if err == nil && utf8.RuneCountInString(c.Message) > maxMessage {
				err = invalid(k, "'message' is longer than 2000 characters")
			}
		default:
			err = unknownProperty(k)
		}
		return err == nil
	})
	if werr != nil {
		return c, werr
	}
	if dup != "" {
		return c, duplicateProperty(dup)
	}
	if err != nil {
		return c, err
	}
	if hasExpiration {
		t, e := parseDateTime(expiration, "expirationDateTime")
		if e != nil {
			return c, e
		}
		c.Expiration = t
		if !t.After(ctx.Now) {
			return c, invalid("expirationDateTime", "'expirationDateTime' must lie in the future")
		}
	}
	return c, c.validate(v, ctx)
}

func isCreateLinkProperty(k string) bool {
	switch k {
	case "type", "scope", "expirationDateTime", "password", "recipients",
		"retainInheritedPermissions", "sendNotification", "message":
		return true
	}
	return false
}

// validate applies the rules between properties, then the platform rules.
func (c *CreateLink) validate(v Version, ctx *Context) *Error {
	if v == V1 && c.Type == 0 {
		return invalid("type", "'type' is required in v1.0 (beta alone falls back to the organisation's default link)")
	}
	if c.Scope == ScopeUsers && len(c.Recipients) == 0 {
		return invalid("recipients", "a 'users' link needs at least one recipient")
	}
	if c.SendNotification == True && len(c.Recipients) == 0 {
		return invalid("sendNotification", "'sendNotification' needs recipients to notify")
	}
	if c.HasMessage && c.SendNotification != True {
		return invalid("message", "'message' is sent only with 'sendNotification': true")
	}
	return c.platform(ctx.DriveType, ctx.ItemKind)
}

// platform applies the drive and item rules of seeds 000–002. embed is
// for files as well as personal drives: 000 says "only available for files
// in OneDrive personal".
func (c *CreateLink) platform(d DriveType, k ItemKind) *Error {
	if d == DrivePersonal {
		switch c.Type {
		case TypeReview, TypeBlocksDownload, TypeCreateOnly, TypeAddressBar, TypeAdminDefault:
			return invalid("type", "'"+c.Type.String()+"' links exist only in OneDrive for Business and SharePoint")
		}
		switch c.Scope {
		case ScopeOrganization, ScopeUsers:
			return invalid("scope", "'"+c.Scope.String()+"' links exist only in OneDrive for Business and SharePoint")
		}
		if c.SendNotification == True {
			return invalid("sendNotification", "'sendNotification' applies only to OneDrive for Business and SharePoint")
		}
	}
	if (d == DriveBusiness || d == DriveDocumentLibrary) && c.Type == TypeEmbed {
		return invalid("type", "'embed' links exist only in OneDrive personal")
	}
	switch {
	case k == ItemFile && c.Type == TypeCreateOnly:
		return invalid("type", "'createOnly' links exist only for folders")
	case k == ItemFolder && (c.Type == TypeReview || c.Type == TypeBlocksDownload || c.Type == TypeEmbed):
		return invalid("type", "'"+c.Type.String()+"' links exist only for files")
	}
	return nil
}

// AppendBody writes c as the canonical upstream body: only what the caller
// set, in a fixed order, the expiry as UTC yyyy-MM-ddTHH:mm:ssZ.
func (c *CreateLink) AppendBody(dst []byte) []byte {
	dst = append(dst, '{')
	if c.Type != 0 {
		dst = jsontext.AppendKey(dst, "type")
		dst = jsontext.AppendString(dst, c.Type.String())
	}
	if c.Scope != 0 {
		dst = jsontext.AppendKey(dst, "scope")
		dst = jsontext.AppendString(dst, c.Scope.String())
	}
	if !c.Expiration.IsZero() {
		dst = jsontext.AppendKey(dst, "expirationDateTime")
		dst = append(dst, '"')
		dst = appendUTC(dst, c.Expiration)
		dst = append(dst, '"')
	}
	if c.Password != "" {
		dst = jsontext.AppendKey(dst, "password")
		dst = jsontext.AppendString(dst, c.Password)
	}
	if len(c.Recipients) > 0 {
		dst = jsontext.AppendKey(dst, "recipients")
		dst = appendRecipients(dst, c.Recipients)
	}
	if c.RetainInherited != Unset {
		dst = jsontext.AppendKey(dst, "retainInheritedPermissions")
		dst = jsontext.AppendBool(dst, c.RetainInherited == True)
	}
	if c.SendNotification != Unset {
		dst = jsontext.AppendKey(dst, "sendNotification")
		dst = jsontext.AppendBool(dst, c.SendNotification == True)
	}
	if c.HasMessage {
		dst = jsontext.AppendKey(dst, "message")
		dst = jsontext.AppendString(dst, c.Message)
	}
	return append(dst, '}')
}

// BuildCreateLink turns a createLink route and body into the request to
// send upstream: parse, validate, apply the policy, write the body. It is
// Build for the createLink action.
func BuildCreateLink(r *Route, body []byte, ctx *Context) (Request, error) {
	if r.Action != ActionCreateLink {
		return Request{}, invalid("path", "the route is not a createLink route")
	}
	return Build(r, body, ctx)
}

// buildCreateLink is createLink's body rules: its row's build.
func buildCreateLink(v Version, body []byte, ctx Context) (Request, *Error) {
	c, err := parseCreateLink(v, body, &ctx)
	if err != nil {
		return Request{}, err
	}
	var adj []Adjustment
	var found []Finding
	requested := createLinkTerms(&c)
	if ctx.Policy != nil {
		if adj, found, err = ctx.Policy.checkCreateLink(&c, ctx.Now); err != nil {
			return Request{Requested: requested, Findings: found}, err
		}
	}
	return Request{
		ContentType: jsonMediaType,
		Body:        c.AppendBody(make([]byte, 0, 64+len(body))),
		Adjusted:    adj,
		Requested:   requested, Applied: createLinkTerms(&c), Findings: found,
	}, nil
}
