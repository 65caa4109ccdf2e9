package graphsim

import (
	"encoding/base64"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// shareRef is what a sharing id names: a link (or invitation) permission, or
// an item's own webUrl, which is an "existing access" share.
type shareRef struct {
	item *item
	link *perm // nil for an existing-access share
}

// EncodeSharingURL turns a sharing URL into a /shares id as 004 describes:
// "u!" + the unpadded base64url of the URL's UTF-8 bytes.
func EncodeSharingURL(u string) string {
	return "u!" + base64.RawURLEncoding.EncodeToString([]byte(u))
}

// decodeSharingURL is the inverse. It tolerates trailing "=" padding (clients
// that skip the TrimEnd step still work) but not the standard alphabet: a
// "+" or "/" means the client forgot the base64url step, and Graph would not
// find the share either. The result must be an absolute http(s) URL.
func decodeSharingURL(id string) (string, bool) {
	if len(id) < 2 || !strings.EqualFold(id[:2], "u!") {
		return "", false
	}
	enc := strings.TrimRight(id[2:], "=")
	if enc == "" || len(id)-2-len(enc) > 2 || !isBase64URL(enc) {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || !utf8.Valid(b) {
		return "", false
	}
	u, err := url.Parse(string(b))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return string(b), true
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// lookupShare finds what a /shares/{id} names: 400 for a malformed id, 404
// for one that names nothing (or a deleted link).
func (st *state) lookupShare(id string) (*shareRef, *graphError) {
	switch {
	case len(id) >= 2 && strings.EqualFold(id[:2], "u!"):
		u, ok := decodeSharingURL(id)
		if !ok {
			return nil, errInvalid("The sharing URL encoded in the share id is malformed.")
		}
		if p := st.linkByURL[u]; p != nil {
			return &shareRef{item: p.item, link: p}, nil
		}
		if it := st.itemByURL[u]; it != nil {
			return &shareRef{item: it}, nil
		}
		return nil, errNotFound()
	case len(id) >= 2 && strings.EqualFold(id[:2], "s!"):
		if len(id) == 2 || !isBase64URL(id[2:]) {
			return nil, errInvalid("The share id is malformed.")
		}
		if p := st.linkByToken[id[2:]]; p != nil {
			return &shareRef{item: p.item, link: p}, nil
		}
		return nil, errNotFound()
	}
	return nil, errInvalid("The share id must be an encoded sharing URL (u!…) or a shareId (s!…).")
}

// useShare decides whether the caller may follow a share, and returns what
// the link itself grants (lvlNone when the caller's own rights are what let
// it in). Followers who may not use it get 403 accessDenied: the link exists,
// as SharePoint tells them too.
func (st *state) useShare(c *caller, ref *shareRef, now time.Time) (level, *graphError) {
	own := st.level(c, ref.item)
	p := ref.link
	if p == nil {
		if own >= lvlRead {
			return lvlNone, nil
		}
		return lvlNone, errDenied("Access denied: an item's own URL only works for people who already have access.")
	}
	usable, why := false, "the link does not include the caller"
	switch {
	case !p.expires.IsZero() && !now.Before(p.expires):
		why = "the sharing link has expired"
	case p.password != "":
		why = "the sharing link needs a password, which the API cannot supply"
	case p.kind == pkInvitation:
		// requireSignIn:false: whoever holds the invitation URL
		usable = p.noSignIn || len(p.grantees) > 0 && p.grantees[0].matches(c)
		why = "the invitation is for someone else"
	case p.scope == scopeAnonymous:
		usable = true
	case p.scope == scopeOrganization:
		usable = c.tenantMember(st)
		why = "the link only works inside the organization"
	case p.scope == scopeUsers:
		for _, g := range p.grantees {
			usable = usable || g.matches(c)
		}
	}
	if usable {
		return levelOfRoles(p.roles), nil
	}
	if own >= lvlRead {
		return lvlNone, nil
	}
	return lvlNone, errDenied("Access denied: %s.", why)
}
