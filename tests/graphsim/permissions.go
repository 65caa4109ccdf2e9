package graphsim

import (
	"net/http"
	"strings"
	"time"
)

// existingAccessID is the id Graph gives the pseudo-link of an item's own URL.
const existingAccessID = "00000000-0000-0000-0000-000000000000"

// JSON shapes of Graph's permission resource, in Graph's property names.
type identity struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Email       string `json:"email,omitempty"`
	LoginName   string `json:"loginName,omitempty"`
}

type identitySet struct {
	Application *identity `json:"application,omitempty"`
	User        *identity `json:"user,omitempty"`
	SiteUser    *identity `json:"siteUser,omitempty"`
	SiteGroup   *identity `json:"siteGroup,omitempty"`
}

type itemReference struct {
	DriveID   string `json:"driveId,omitempty"`
	DriveType string `json:"driveType,omitempty"`
	ID        string `json:"id,omitempty"`
	Path      string `json:"path,omitempty"`
}

type sharingLink struct {
	Type             string    `json:"type,omitempty"`
	Scope            string    `json:"scope,omitempty"`
	WebURL           string    `json:"webUrl,omitempty"`
	WebHTML          string    `json:"webHtml,omitempty"`
	Application      *identity `json:"application,omitempty"`
	PreventsDownload bool      `json:"preventsDownload"`
}

type sharingInvitation struct {
	Email          string `json:"email,omitempty"`
	SignInRequired bool   `json:"signInRequired"`
}

type permissionJSON struct {
	Context               string             `json:"@odata.context,omitempty"`
	ID                    string             `json:"id"`
	Roles                 []string           `json:"roles"`
	ShareID               string             `json:"shareId,omitempty"`
	ExpirationDateTime    string             `json:"expirationDateTime,omitempty"`
	HasPassword           *bool              `json:"hasPassword,omitempty"`
	GrantedToV2           *identitySet       `json:"grantedToV2,omitempty"`
	GrantedTo             *identitySet       `json:"grantedTo,omitempty"`
	GrantedToIdentitiesV2 []identitySet      `json:"grantedToIdentitiesV2,omitempty"`
	GrantedToIdentities   []identitySet      `json:"grantedToIdentities,omitempty"`
	InheritedFrom         *itemReference     `json:"inheritedFrom,omitempty"`
	Invitation            *sharingInvitation `json:"invitation,omitempty"`
	Link                  *sharingLink       `json:"link,omitempty"`
}

type permissionList struct {
	Context string           `json:"@odata.context,omitempty"`
	Value   []permissionJSON `json:"value"`
}

func userIdentity(u *user) *identity {
	return &identity{ID: u.id, DisplayName: u.name, Email: u.upn}
}

func granteeIdentity(g grantee) identitySet {
	if g.user != nil {
		return identitySet{User: userIdentity(g.user)}
	}
	return identitySet{User: &identity{DisplayName: g.email, Email: g.email}}
}

// render is a permission in Graph's JSON; from is the ancestor it is
// inherited from, if any.
func render(p *perm, from *item) permissionJSON {
	j := permissionJSON{ID: p.id, Roles: append([]string{}, p.roles...)}
	switch p.kind {
	case pkLink, pkInvitation:
		j.Link = &sharingLink{Type: p.linkType, Scope: p.scope, WebURL: p.webURL, WebHTML: p.webHTML, Application: p.app, PreventsDownload: p.preventsDownload}
		if p.kind == pkLink {
			has := p.password != ""
			j.HasPassword = &has
			j.ShareID = p.shareID()
		} else {
			j.Link.Scope = ""
			j.Invitation = &sharingInvitation{SignInRequired: !p.noSignIn}
			if p.password != "" {
				has := true
				j.HasPassword = &has
			}
			if len(p.grantees) > 0 {
				j.Invitation.Email = p.grantees[0].email
			}
		}
		if !p.expires.IsZero() {
			j.ExpirationDateTime = p.expires.UTC().Format(time.RFC3339)
		}
		for _, g := range p.grantees {
			j.GrantedToIdentitiesV2 = append(j.GrantedToIdentitiesV2, granteeIdentity(g))
		}
		j.GrantedToIdentities = j.GrantedToIdentitiesV2
	case pkUser, pkOwner:
		if p.password != "" {
			has := true
			j.HasPassword = &has
		}
		if !p.expires.IsZero() {
			j.ExpirationDateTime = p.expires.UTC().Format(time.RFC3339)
		}
		u := userIdentity(p.user)
		v2 := &identitySet{User: u}
		if !p.user.personal {
			v2.SiteUser = &identity{DisplayName: u.DisplayName, Email: u.Email, LoginName: "i:0#.f|membership|" + fold(p.user.upn)}
		}
		j.GrantedToV2 = v2
		j.GrantedTo = &identitySet{User: u}
	case pkSiteGroup:
		j.GrantedToV2 = &identitySet{SiteGroup: &identity{DisplayName: p.groupName, LoginName: p.groupName}}
		j.GrantedTo = &identitySet{User: &identity{DisplayName: p.groupName}}
	}
	if from != nil {
		j.InheritedFrom = &itemReference{DriveID: from.drive.id, ID: from.id, Path: from.graphPath()}
	}
	return j
}

// existingAccess is the pseudo-link Graph returns for a grant through an
// item's own URL.
func existingAccess(it *item, role string) permissionJSON {
	f := false
	typ := "view"
	if role == roleWrite {
		typ = "edit"
	}
	return permissionJSON{ID: existingAccessID, Roles: []string{role}, HasPassword: &f,
		Link: &sharingLink{Type: typ, Scope: scopeExisting, WebURL: it.webURL}}
}

func contextURL(version, what string) string {
	return "https://graph.microsoft.com/" + version + "/$metadata#" + what
}

// listPermissions: GET …/permissions. Anyone who can see the item may list
// its permissions (a simplification: SharePoint shows readers less).
func (st *state) listPermissions(k *call) (reply, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	if err := needLevel(st.itemLevel(k.c, t), lvlRead); err != nil {
		return reply{}, err
	}
	out := permissionList{Context: contextURL(k.rt.version, "Collection(microsoft.graph.permission)"), Value: []permissionJSON{}}
	for _, e := range st.effective(t.item) {
		out.Value = append(out.Value, render(e.p, e.from))
	}
	return reply{status: http.StatusOK, body: out}, nil
}

func (st *state) findPermission(it *item, id string) (effPerm, bool) {
	for _, e := range st.effective(it) {
		if e.p.id == id {
			return e, true
		}
	}
	return effPerm{}, false
}

// permission: GET, PATCH or DELETE …/permissions/{id}. Changing needs the
// right to share; the owner's and site groups' permissions are refused
// with 403, and inherited ones with 400 (change them where they are set).
//
// ETags (permission-update.md, "if-match"): each permission has one, sent
// in the ETag header of GET and PATCH. If-Match on GET, PATCH and DELETE
// that matches none of the listed tags is 412 preconditionFailed, before
// anything changes; If-None-Match on GET that matches is 304 without a body.
func (st *state) permission(k *call) (reply, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	lvl := st.itemLevel(k.c, t)
	if err := needLevel(lvl, lvlRead); err != nil {
		return reply{}, err
	}
	e, ok := st.findPermission(t.item, k.rt.permID)
	if !ok {
		return reply{}, errNotFound()
	}
	tag := e.p.etag()
	if im := k.hdr.Get("If-Match"); im != "" && !etagMatches(im, tag) {
		return reply{}, &graphError{status: http.StatusPreconditionFailed, code: "preconditionFailed",
			msg: "The ETag in If-Match does not match the permission's current ETag."}
	}
	if k.method == http.MethodGet {
		if inm := k.hdr.Get("If-None-Match"); inm != "" && etagMatches(inm, tag) {
			return reply{status: http.StatusNotModified, header: map[string]string{"ETag": tag}}, nil
		}
		return st.permReply(k, e.p, e.from), nil
	}
	if err := needLevel(st.level(k.c, t.item), lvlWrite); err != nil {
		return reply{}, err
	}
	if err := changeable(e); err != nil {
		return reply{}, err
	}
	if k.method == http.MethodPatch {
		return st.updatePermission(k, e.p)
	}
	it := t.item
	for i, p := range it.perms {
		if p == e.p {
			it.perms = append(it.perms[:i:i], it.perms[i+1:]...)
			st.unindex(p)
			break
		}
	}
	return reply{status: http.StatusNoContent}, nil
}

// changeable refuses changes to the owner's and site groups' permissions
// (403) and to inherited ones (400).
func changeable(e effPerm) *graphError {
	switch {
	case e.p.kind == pkOwner || e.p.kind == pkSiteGroup:
		return errDenied("The owner's permission cannot be changed or removed.")
	case e.from != nil:
		return errInvalid("The permission is inherited from '%s' and can only be changed there.", e.from.path())
	}
	return nil
}

// permReply is one permission with its @odata.context and ETag header.
func (st *state) permReply(k *call, p *perm, from *item) reply {
	j := render(p, from)
	j.Context = contextURL(k.rt.version, "microsoft.graph.permission")
	return reply{status: http.StatusOK, body: j, header: map[string]string{"ETag": p.etag()}}
}

// etagMatches reads an If-Match / If-None-Match value (RFC 9110): "*" or a
// list of entity tags, weak (W/) or strong, compared by their opaque part.
// Tags are quoted strings, so the comma inside "{GUID},n" is no separator.
func etagMatches(list, tag string) bool {
	rest := strings.TrimSpace(list)
	if rest == "*" {
		return true
	}
	for rest != "" {
		rest = strings.TrimPrefix(strings.TrimLeft(rest, " \t,"), "W/")
		if !strings.HasPrefix(rest, `"`) {
			return false
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return false
		}
		if rest[:end+2] == tag {
			return true
		}
		rest = strings.TrimLeft(rest[end+2:], " \t")
		if rest != "" && rest[0] != ',' {
			return false
		}
	}
	return false
}

// updatePermission: PATCH …/permissions/{id} (permission-update.md). Only
// roles and expirationDateTime may be sent. roles applies to user
// permissions (and invitations, which are a user's); expirationDateTime
// to anonymous sharing links (null removes it). Organization and users
// ("people") links are not modifiable, as the doc's remarks say; roles on a
// link and expirationDateTime on a user are 400 too.
func (st *state) updatePermission(k *call, p *perm) (reply, *graphError) {
	o, err := parseObject(k.body, "roles", "expirationDateTime")
	if err != nil {
		return reply{}, err
	}
	if len(o) == 0 {
		return reply{}, errInvalid("The request body must set roles or expirationDateTime.")
	}
	if p.item.drive.driveType == drivePersonal && p.item.parent == nil {
		return reply{}, errPersonalRoot()
	}
	var role string
	if _, ok := o["roles"]; ok {
		roles, err := parseRoles(o)
		if err != nil {
			return reply{}, err
		}
		if p.kind != pkUser && p.kind != pkInvitation {
			return reply{}, errInvalid("The roles of a sharing link cannot be changed; create a link of the other type.")
		}
		role = highestRole(roles)
	}
	var expires time.Time
	raw, hasExp := o["expirationDateTime"]
	if hasExp {
		if p.kind != pkLink || p.scope != scopeAnonymous {
			return reply{}, errInvalid("The expirationDateTime can only be changed on anonymous sharing links.")
		}
		if !isNull(raw) {
			v, _, err := o.str("expirationDateTime")
			if err != nil {
				return reply{}, err
			}
			if expires, err = parseExpiry(v, k.now); err != nil {
				return reply{}, err
			}
		}
	}
	if role != "" {
		p.roles = []string{role}
		if p.kind == pkInvitation {
			p.linkType = "view"
			if role == roleWrite {
				p.linkType = "edit"
			}
		}
	}
	if hasExp {
		p.expires = expires
		if p.item.drive.business() {
			p.expires = st.clampExpiry(expires, k.now)
		}
	}
	p.touch()
	return st.permReply(k, p, nil), nil
}

// parseRoles reads a non-empty roles array of read and write.
func parseRoles(o object) ([]string, *graphError) {
	rawRoles, _, err := o.array("roles")
	if err != nil {
		return nil, err
	}
	if len(rawRoles) == 0 {
		return nil, errInvalid("The parameter 'roles' needs at least one role.")
	}
	var roles []string
	for _, raw := range rawRoles {
		var r string
		if jsonString(raw, &r) != nil {
			return nil, errInvalid("The roles must be strings.")
		}
		c, ok := canonical(r, []string{roleRead, roleWrite})
		if !ok {
			return nil, errInvalid("The role '%s' is not valid: use read or write.", r)
		}
		roles = append(roles, c)
	}
	return uniqueSorted(roles), nil
}

// parseExpiry reads an RFC 3339 date-time with a zone that lies after now,
// in UTC with the fraction dropped.
func parseExpiry(v string, now time.Time) (time.Time, *graphError) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errInvalid("The expirationDateTime '%s' is not a valid date-time.", v)
	}
	if !t.After(now) {
		return time.Time{}, errInvalid("The expirationDateTime must be in the future.")
	}
	return t.UTC().Truncate(time.Second), nil
}

// errPersonalRoot: "Permissions can't be created or modified on the root
// driveItem of drives with a driveType of personal" (driveitem-invite.md).
func errPersonalRoot() *graphError {
	return errInvalid("Permissions can't be created or modified on the root of a OneDrive personal drive.")
}

// revokeGrants: POST …/permissions/{id}/revokeGrants (beta,
// permission-revokegrants.md): removes grantees from a sharing link
// ("only available for sharing links scoped to users") and answers the
// link. Personal accounts: "Not supported" (501, as for grant).
func (st *state) revokeGrants(k *call) (reply, *graphError) {
	o, err := parseObject(k.body, "grantees")
	if err != nil {
		return reply{}, err
	}
	recips, err := recipientList(o, "grantees")
	if err != nil {
		return reply{}, err
	}
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	if t.item.drive.driveType == drivePersonal {
		return reply{}, &graphError{status: http.StatusNotImplemented, code: "notSupported", msg: "permission: revokeGrants is not supported on OneDrive personal."}
	}
	if err := needLevel(st.itemLevel(k.c, t), lvlRead); err != nil {
		return reply{}, err
	}
	e, ok := st.findPermission(t.item, k.rt.permID)
	if !ok {
		return reply{}, errNotFound()
	}
	if im := k.hdr.Get("If-Match"); im != "" && !etagMatches(im, e.p.etag()) {
		return reply{}, &graphError{status: http.StatusPreconditionFailed, code: "preconditionFailed",
			msg: "The ETag in If-Match does not match the permission's current ETag."}
	}
	if err := needLevel(st.level(k.c, t.item), lvlWrite); err != nil {
		return reply{}, err
	}
	if err := changeable(e); err != nil {
		return reply{}, err
	}
	p := e.p
	if p.kind != pkLink || p.scope != scopeUsers {
		return reply{}, errInvalid("revokeGrants is only available for sharing links scoped to users.")
	}
	gs, err := st.resolveRecipients(recips)
	if err != nil {
		return reply{}, err
	}
	kept := p.grantees[:0:0]
	for _, g := range p.grantees {
		drop := false
		for _, r := range gs {
			drop = drop || (r.user != nil && g.user == r.user) || (r.user == nil && g.user == nil && strings.EqualFold(g.email, r.email))
		}
		if !drop {
			kept = append(kept, g)
		}
	}
	p.grantees = kept
	p.touch()
	return st.permReply(k, p, nil), nil
}

// sharesPermission: GET /shares/{id}/permission, the permission behind a
// sharing URL; an item URL gives the existing-access pseudo-link.
func (st *state) sharesPermission(k *call) (reply, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	var j permissionJSON
	if t.share.link != nil {
		j = render(t.share.link, nil)
	} else {
		j = existingAccess(t.item, highestRole([]string{roleOfLevel(st.level(k.c, t.item))}))
	}
	j.Context = contextURL(k.rt.version, "microsoft.graph.permission")
	return reply{status: http.StatusOK, body: j}, nil
}

func roleOfLevel(l level) string {
	switch l {
	case lvlOwner:
		return roleOwner
	case lvlWrite:
		return roleWrite
	}
	return roleRead
}
