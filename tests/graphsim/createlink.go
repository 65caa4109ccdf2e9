package graphsim

import (
	"net/http"
	"strings"
	"time"
)

const (
	scopeAnonymous    = "anonymous"
	scopeOrganization = "organization"
	scopeUsers        = "users"
	scopeExisting     = "existingAccess"
)

var (
	linkTypes  = []string{"view", "edit", "embed", "review", "blocksDownload", "createOnly", "addressBar", "adminDefault"}
	linkScopes = []string{scopeAnonymous, scopeOrganization, scopeUsers}
)

// canonical matches a value case-insensitively against allowed ones and
// returns the canonical spelling.
func canonical(v string, allowed []string) (string, bool) {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a, true
		}
	}
	return "", false
}

// linkRole: view, embed, review, blocksDownload (and the admin-configured
// addressBar and adminDefault, taken as view) read; edit and createOnly write.
func linkRole(typ string) string {
	if typ == "edit" || typ == "createOnly" {
		return roleWrite
	}
	return roleRead
}

// linkSpec is a link request against the item's platform.
type linkSpec struct {
	typ, scope string
	folder     bool
	driveType  string
}

// check applies the platform rules of 000/001; "" means allowed.
func (s linkSpec) check() string {
	if _, ok := canonical(s.typ, linkTypes); !ok || s.typ != mustCanonical(s.typ, linkTypes) {
		return "The link type '" + s.typ + "' is not valid."
	}
	if _, ok := canonical(s.scope, linkScopes); !ok || s.scope != mustCanonical(s.scope, linkScopes) {
		return "The link scope '" + s.scope + "' is not valid."
	}
	personal := s.driveType == drivePersonal
	switch {
	case s.typ == "embed" && !personal:
		return "Embed links are only supported on OneDrive personal."
	case s.typ == "embed" && s.folder:
		return "Embed links are only available for files."
	case personal && (s.scope == scopeOrganization || s.scope == scopeUsers):
		return "The scope '" + s.scope + "' is only available in OneDrive for Business and SharePoint."
	case personal && s.typ != "view" && s.typ != "edit" && s.typ != "embed":
		return "The link type '" + s.typ + "' is only available in OneDrive for Business and SharePoint."
	case s.typ == "createOnly" && !s.folder:
		return "createOnly links are only available for folders."
	case (s.typ == "review" || s.typ == "blocksDownload") && s.folder:
		return "The link type '" + s.typ + "' is only available for files."
	}
	return ""
}

func mustCanonical(v string, allowed []string) string {
	c, _ := canonical(v, allowed)
	return c
}

// linkRequest is a parsed createLink body.
type linkRequest struct {
	typ, scope        string
	expires           time.Time
	password          string
	hasPassword       bool
	recipients        []recipient
	retain, hasRetain bool
}

func parseLinkRequest(k *call) (*linkRequest, *graphError) {
	o, err := parseObject(k.body, "type", "scope", "expirationDateTime", "password", "recipients",
		"retainInheritedPermissions", "sendNotification", "message")
	if err != nil {
		return nil, err
	}
	req := &linkRequest{}
	typ, hasType, err := o.str("type")
	if err != nil {
		return nil, err
	}
	if hasType {
		if req.typ, hasType = canonical(typ, linkTypes); !hasType {
			return nil, errInvalid("The link type '%s' is not valid.", typ)
		}
	} else if k.rt.version == "v1.0" {
		return nil, errInvalid("The parameter 'type' is required.")
	}
	scope, hasScope, err := o.str("scope")
	if err != nil {
		return nil, err
	}
	if hasScope {
		if req.scope, hasScope = canonical(scope, linkScopes); !hasScope {
			return nil, errInvalid("The link scope '%s' is not valid.", scope)
		}
	}
	if exp, ok, err := o.str("expirationDateTime"); err != nil {
		return nil, err
	} else if ok {
		if req.expires, err = parseExpiry(exp, k.now); err != nil {
			return nil, err
		}
	}
	if req.password, req.hasPassword, err = o.str("password"); err != nil {
		return nil, err
	}
	if req.hasPassword && req.password == "" {
		return nil, errInvalid("The password must not be empty.")
	}
	raws, _, err := o.array("recipients")
	if err != nil {
		return nil, err
	}
	if req.recipients, err = parseRecipients(raws); err != nil {
		return nil, err
	}
	if req.scope == scopeUsers && len(req.recipients) == 0 {
		return nil, errInvalid("A link with scope 'users' needs recipients.")
	}
	if req.retain, req.hasRetain, err = o.boolean("retainInheritedPermissions"); err != nil {
		return nil, err
	}
	if _, _, err := o.boolean("sendNotification"); err != nil {
		return nil, err
	}
	if _, _, err := o.str("message"); err != nil {
		return nil, err
	}
	return req, nil
}

// createLink: POST …/createLink. Returns 200 with an existing link when the
// calling application already made one of the same type and scope on this
// item, with no password and the same expiry; users-scope links are always
// new (201).
func (st *state) createLink(k *call) (reply, *graphError) {
	req, err := parseLinkRequest(k)
	if err != nil {
		return reply{}, err
	}
	t, own, err := st.resolveToShare(k)
	if err != nil {
		return reply{}, err
	}
	it := t.item
	d := it.drive
	if req.typ == "" {
		req.typ = "view" // the organization's default link
	}
	if req.scope == "" {
		// "If the scope parameter is not specified, the default link type
		// for the organization is created" (000): the tenant's default
		// scope, organization unless seeded otherwise
		req.scope = scopeOrganization
		if st.defaultScope != "" {
			req.scope = st.defaultScope
		}
		if d.driveType == drivePersonal {
			req.scope = scopeAnonymous
		}
	}
	if req.scope == scopeAnonymous && d.business() {
		req.expires = st.clampExpiry(req.expires, k.now)
	}
	spec := linkSpec{typ: req.typ, scope: req.scope, folder: it.folder, driveType: d.driveType}
	if msg := spec.check(); msg != "" {
		return reply{}, errInvalid("%s", msg)
	}
	var grantees []grantee
	if req.scope == scopeUsers {
		if grantees, err = st.resolveRecipients(req.recipients); err != nil {
			return reply{}, err
		}
	}
	app := k.c.appIdentity()
	appID := ""
	if app != nil {
		appID = app.ID
	}
	loose := st.linkReuse == LinkReuseTypeAndScope
	if req.scope != scopeUsers && (!req.hasPassword || loose) {
		for _, p := range it.perms {
			if p.kind == pkLink && p.linkType == req.typ && p.scope == req.scope &&
				(loose || p.password == "" && p.expires.Equal(req.expires)) && (p.expires.IsZero() || k.now.Before(p.expires)) &&
				(p.app == nil && appID == "" || p.app != nil && p.app.ID == appID) {
				return st.linkReply(k, p, http.StatusOK), nil
			}
		}
	}
	if req.hasRetain && !req.retain {
		st.firstShareDrop(k.c, it, own)
	}
	p := &perm{id: st.newPermID(), kind: pkLink, roles: []string{linkRole(req.typ)}, item: it,
		linkType: req.typ, scope: req.scope, app: app, password: req.password, expires: req.expires, grantees: grantees}
	st.assignLink(p)
	it.perms = append(it.perms, p)
	it.shared = true
	return st.linkReply(k, p, http.StatusCreated), nil
}

// clampExpiry applies the tenant's maximum lifetime of anonymous links
// (SeedTenant.MaxLinkExpiryDays) the way SharePoint does, silently: no
// expiry or a later one becomes the limit, midnight UTC that many days
// after today ("links … do not expire unless a default expiration policy
// is enforced for the organization", 000).
func (st *state) clampExpiry(exp, now time.Time) time.Time {
	if st.maxExpiryDays <= 0 {
		return exp
	}
	y, m, d := now.UTC().Date()
	limit := time.Date(y, m, d+st.maxExpiryDays, 0, 0, 0, 0, time.UTC)
	if exp.IsZero() || exp.After(limit) {
		return limit
	}
	return exp
}

// firstShareDrop applies retainInheritedPermissions:false: on the item's
// first share (no permission was ever set on it) the item stops
// inheriting. A user who could share only through an inherited grant keeps
// it directly.
func (st *state) firstShareDrop(c *caller, it *item, before level) {
	if it.shared {
		return
	}
	it.noInherit = true
	if c.user != nil && st.level(c, it) < before {
		st.putUserGrant(it, c.user, roleOfLevel(min(before, lvlWrite)))
	}
}

func (st *state) linkReply(k *call, p *perm, status int) reply {
	j := render(p, nil)
	j.Context = contextURL(k.rt.version, "microsoft.graph.permission")
	return reply{status: status, body: j}
}

// putUserGrant gives a tenant user a direct grant on an item, raising an
// existing one; it returns the permission.
func (st *state) putUserGrant(it *item, u *user, role string) *perm {
	for _, p := range it.perms {
		if p.kind == pkUser && p.user == u {
			p.roles = []string{highestRole(append(p.roles, role))}
			p.touch()
			return p
		}
	}
	p := &perm{id: userPermID(u.upn), kind: pkUser, roles: []string{role}, item: it, user: u}
	it.perms = append(it.perms, p)
	it.shared = true
	return p
}
