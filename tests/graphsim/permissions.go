package graphsim

import (
	"net/http"
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
			j.Invitation = &sharingInvitation{SignInRequired: true}
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

// permission: GET or DELETE …/permissions/{id}. Deleting needs the right to
// share; the owner's and site groups' permissions are refused with 403, and
// inherited ones with 400 (delete them where they are set).
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
	if k.method == http.MethodGet {
		j := render(e.p, e.from)
		j.Context = contextURL(k.rt.version, "microsoft.graph.permission")
		return reply{status: http.StatusOK, body: j}, nil
	}
	if err := needLevel(st.level(k.c, t.item), lvlWrite); err != nil {
		return reply{}, err
	}
	switch {
	case e.p.kind == pkOwner || e.p.kind == pkSiteGroup:
		return reply{}, errDenied("The owner's permission cannot be removed.")
	case e.from != nil:
		return reply{}, errInvalid("The permission is inherited from '%s' and can only be removed there.", e.from.path())
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
