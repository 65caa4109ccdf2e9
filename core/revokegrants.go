package core

import (
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// RevokeGrants is a validated body of POST
// {item}/permissions/{id}/revokeGrants (Microsoft Graph's
// permission-revokegrants.md, beta and, since 2026, v1.0): "grantees |
// driveRecipient collection | Required. A collection of recipients whose
// access to the sharing link is revoked." Each grantee follows the
// driveRecipient rules of createLink and grant.
type RevokeGrants struct {
	Grantees []Recipient
}

// an object holding one array of flat objects.
const revokeGrantsDepth = 3

// ParseRevokeGrants reads and validates a revokeGrants body. Which links
// it applies to ("only supported on sharing links that are scoped to
// specific users") is a property of the permission, not of the body:
// Graph answers 400 for the others.
func ParseRevokeGrants(body []byte) (RevokeGrants, error) {
	r, err := parseRevokeGrants(body)
	if err != nil {
		return RevokeGrants{}, err
	}
	return r, nil
}

func parseRevokeGrants(body []byte) (RevokeGrants, *Error) {
	return walker{}.revokeGrants(body)
}

func (w walker) revokeGrants(body []byte) (RevokeGrants, *Error) {
	var r RevokeGrants
	if p, key := jsontext.Check(body, revokeGrantsDepth); p != jsontext.OK {
		return r, bodyError(p, key)
	}
	w = w.of(body)
	var err *Error
	dup, werr := w.members(jsontext.Parse(body), "body", segmentForMessage, func(k string, v gjson.Result) bool {
		switch {
		case jsontext.IsAnnotation(k):
		case k == "grantees":
			if v.Type != gjson.Null { // null means absent
				r.Grantees, err = w.recipients(v, k)
			}
		default:
			err = unknownProperty(k)
		}
		return err == nil
	})
	if werr != nil {
		return r, werr
	}
	if dup != "" {
		return r, duplicateProperty(dup)
	}
	if err != nil {
		return r, err
	}
	if len(r.Grantees) == 0 {
		return r, invalid("grantees", "revokeGrants needs at least one grantee")
	}
	return r, nil
}

// AppendBody writes the canonical revokeGrants body.
func (r *RevokeGrants) AppendBody(dst []byte) []byte {
	dst = append(dst, `{"grantees":`...)
	dst = appendRecipients(dst, r.Grantees)
	return append(dst, '}')
}
