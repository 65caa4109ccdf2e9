package graphsim

import (
	"net/http"
	"sort"
	"strings"
)

// grant: POST /shares/{id}/permission/grant (004).
//
// Through a link, the roles must equal the link's and the recipients join
// the link's grantedToIdentitiesV2; the answer is the updated link. Through an
// item's own URL (existing access), tenant users get user grants and unknown
// addresses get invitations, all kept on the item; the answer starts with
// the existingAccess pseudo-link.
func (st *state) grant(k *call) (reply, *graphError) {
	o, err := parseObject(k.body, "recipients", "roles")
	if err != nil {
		return reply{}, err
	}
	recips, err := recipientList(o, "recipients")
	if err != nil {
		return reply{}, err
	}
	roles, err := parseRoles(o)
	if err != nil {
		return reply{}, err
	}

	t, gerr := st.resolve(k)
	if gerr != nil {
		return reply{}, gerr
	}
	it := t.item
	if it.drive.driveType == drivePersonal {
		return reply{}, &graphError{status: http.StatusNotImplemented, code: "notSupported", msg: "permission: grant is not supported on OneDrive personal."}
	}
	if st.level(k.c, it) < lvlWrite {
		return reply{}, errDenied("Access denied: the caller may not share this item.")
	}
	grantees, gerr := st.resolveRecipients(recips)
	if gerr != nil {
		return reply{}, gerr
	}
	out := permissionList{Context: contextURL(k.rt.version, "Collection(microsoft.graph.permission)")}
	if p := t.share.link; p != nil {
		if strings.Join(uniqueSorted(p.roles), ",") != strings.Join(roles, ",") {
			return reply{}, errInvalid("The roles must match the role of the link (%s).", strings.Join(p.roles, ", "))
		}
		for _, g := range grantees {
			p.addGrantee(g)
		}
		p.touch()
		it.shared = true
		out.Value = []permissionJSON{render(p, nil)}
		return reply{status: http.StatusOK, body: out}, nil
	}
	role := highestRole(roles)
	out.Value = []permissionJSON{existingAccess(it, role)}
	var invites []permissionJSON
	for _, g := range grantees {
		switch {
		case g.user != nil && g.user == it.drive.owner:
			// the owner already has full access
			for _, s := range st.structural(it) {
				out.Value = append(out.Value, render(s, nil))
			}
		case g.user != nil:
			out.Value = append(out.Value, render(st.putUserGrant(it, g.user, role), nil))
		default:
			invites = append(invites, render(st.putInvitation(it, g, role), nil))
		}
	}
	it.shared = true
	out.Value = append(out.Value, invites...)
	return reply{status: http.StatusOK, body: out}, nil
}

// putInvitation records an invitation for an unrecognised address (raising
// the role of an existing one) with its own invitation link.
func (st *state) putInvitation(it *item, g grantee, role string) *perm {
	for _, p := range it.perms {
		if p.kind == pkInvitation && len(p.grantees) > 0 && strings.EqualFold(p.grantees[0].email, g.email) {
			p.roles = []string{highestRole(append(p.roles, role))}
			p.touch()
			if p.roles[0] == roleWrite {
				p.linkType = "edit"
			}
			return p
		}
	}
	typ := "view"
	if role == roleWrite {
		typ = "edit"
	}
	p := &perm{id: st.newPermID(), kind: pkInvitation, roles: []string{role}, item: it, linkType: typ, grantees: []grantee{g}}
	st.assignLink(p)
	it.perms = append(it.perms, p)
	return p
}

func uniqueSorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	n := 0
	for i, v := range out {
		if i == 0 || v != out[n-1] {
			out[n] = v
			n++
		}
	}
	return out[:n]
}
