package core

import (
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Grant is a validated permission: grant body (seed 004).
type Grant struct {
	Recipients []Recipient
	Read       bool // roles holds "read"
	Write      bool // roles holds "write"
}

// grant's schema: recipients is an array of flat objects, roles an array
// of strings.
const grantDepth = 3

// ParseGrant reads and validates a grant body.
func ParseGrant(body []byte) (Grant, error) {
	g, err := parseGrant(body)
	if err != nil {
		return Grant{}, err
	}
	return g, nil
}

func parseGrant(body []byte) (Grant, *Error) {
	return walker{}.grant(body)
}

func (w walker) grant(body []byte) (Grant, *Error) {
	var g Grant
	if p, key := jsontext.Check(body, grantDepth); p != jsontext.OK {
		return g, bodyError(p, key)
	}
	w = w.of(body)
	var err *Error
	hasRoles := false
	dup, werr := w.members(jsontext.Parse(body), "body", segmentForMessage, func(k string, v gjson.Result) bool {
		switch {
		case jsontext.IsAnnotation(k):
		case k == "recipients":
			g.Recipients, err = w.recipients(v, k)
		case k == "roles":
			hasRoles = true
			g.Read, g.Write, err = readWriteRoles(v, k)
		default:
			err = unknownProperty(k)
		}
		return err == nil
	})
	if werr != nil {
		return g, werr
	}
	if dup != "" {
		return g, duplicateProperty(dup)
	}
	if err != nil {
		return g, err
	}
	if len(g.Recipients) == 0 {
		return g, invalid("recipients", "grant needs at least one recipient")
	}
	if !hasRoles || !g.Read && !g.Write {
		return g, invalid("roles", "grant needs 'roles': [\"read\"] or [\"write\"]")
	}
	return g, nil
}

// AppendBody writes the canonical grant body.
func (g *Grant) AppendBody(dst []byte) []byte {
	dst = append(dst, `{"recipients":`...)
	dst = appendRecipients(dst, g.Recipients)
	dst = append(dst, `,"roles":`...)
	dst = appendRoles(dst, g.Read, g.Write)
	return append(dst, '}')
}

// BuildGrant turns a grant route and body into the request to send. It
// is Build for the grant action.
func BuildGrant(r *Route, body []byte, ctx *Context) (Request, error) {
	if r.Action != ActionGrant {
		return Request{}, invalid("path", "the route is not a grant route")
	}
	return Build(r, body, ctx)
}

// buildGrant is grant's body rules: its row's build.
func buildGrant(_ Version, body []byte, ctx Context) (Request, *Error) {
	g, err := parseGrant(body)
	if err != nil {
		return Request{}, err
	}
	var found []Finding
	if ctx.Policy != nil {
		if found, err = ctx.Policy.checkGrant(&g); err != nil {
			return Request{Requested: grantTerms(&g), Findings: found}, err
		}
	}
	return Request{
		ContentType: jsonMediaType,
		Body:        g.AppendBody(make([]byte, 0, 32+len(body))),
		Requested:   grantTerms(&g), Applied: grantTerms(&g), Findings: found,
	}, nil
}

// GrantRoute is the route of a grant on a share id given outside a path
// (a URL, a u! id, an s! token or a shareId).
func GrantRoute(v Version, shareID string) (Route, error) {
	id, _, err := NormalizeShareID(shareID)
	if err != nil {
		return Route{}, err
	}
	return Route{
		Version:  v,
		Action:   ActionGrant,
		ShareID:  id,
		Upstream: "/" + v.String() + "/shares/" + id + "/" + ActionGrant.row().segment,
	}, nil
}
