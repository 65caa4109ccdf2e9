package graphsim

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// inviteFailure is the entry of a recipient that failed in a 207 answer:
// what Graph shows in driveitem-invite.md's "Partial success response" (the
// beta page; v1.0 documents only the 200), with no permission behind it.
type inviteFailure struct {
	Roles      []string           `json:"roles"`
	Invitation *sharingInvitation `json:"invitation,omitempty"`
	GrantedTo  *identitySet       `json:"grantedTo,omitempty"`
	Error      inviteError        `json:"error"`
}

type inviteError struct {
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	InnerError *inviteInnerErr `json:"innererror,omitempty"`
}

type inviteInnerErr struct {
	Code string `json:"code"`
}

type inviteList struct {
	Context string `json:"@odata.context,omitempty"`
	Value   []any  `json:"value"`
}

// invite: POST {item}/invite (driveitem-invite.md, v1.0 and beta). Body:
// recipients (required), roles (required, read or write), requireSignIn,
// sendInvitation, message (≤ 2000 characters), expirationDateTime,
// password (OneDrive personal only) and retainInheritedPermissions (as for
// createLink). Each recipient gets a permission: a user of the tenant (of
// the Microsoft account world on a personal drive) a user grant, anyone
// else an invitation with its own link and invitation {email,
// signInRequired}. The answer is 200 {"value":[…]} in recipient order; 207
// when some recipients failed, each failed one an entry with an error;
// when all failed, the first failure as the error of the request.
func (st *state) invite(k *call) (reply, *graphError) {
	o, err := parseObject(k.body, "recipients", "roles", "requireSignIn", "sendInvitation", "message",
		"expirationDateTime", "password", "retainInheritedPermissions")
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
	role := highestRole(roles)
	signIn, hasSignIn, err := o.boolean("requireSignIn")
	if err != nil {
		return reply{}, err
	}
	if !hasSignIn {
		signIn = true
	}
	if _, _, err := o.boolean("sendInvitation"); err != nil {
		return reply{}, err
	}
	if msg, _, err := o.str("message"); err != nil {
		return reply{}, err
	} else if utf8.RuneCountInString(msg) > 2000 {
		return reply{}, errInvalid("The message must be at most 2000 characters.")
	}
	exp, hasExp, err := o.str("expirationDateTime")
	if err != nil {
		return reply{}, err
	}
	password, hasPassword, err := o.str("password")
	if err != nil {
		return reply{}, err
	}
	if hasPassword && password == "" {
		return reply{}, errInvalid("The password must not be empty.")
	}
	retain, hasRetain, err := o.boolean("retainInheritedPermissions")
	if err != nil {
		return reply{}, err
	}

	t, own, err := st.resolveToShare(k)
	if err != nil {
		return reply{}, err
	}
	it := t.item
	personal := it.drive.driveType == drivePersonal
	if personal && it.parent == nil {
		return reply{}, errPersonalRoot()
	}
	if hasPassword && !personal {
		return reply{}, errInvalid("The password of an invitation is only available on OneDrive personal.")
	}
	var p0 perm // the expiry and password every new permission gets
	if hasExp {
		if p0.expires, err = parseExpiry(exp, k.now); err != nil {
			return reply{}, err
		}
	}
	p0.password = password
	if hasRetain && !retain {
		st.firstShareDrop(k.c, it, own)
	}

	out := inviteList{Context: contextURL(k.rt.version, "Collection(microsoft.graph.permission)"), Value: []any{}}
	var first *graphError
	failed := 0
	seen := map[string]bool{}
	for _, r := range recips {
		g, gerr := st.inviteeOf(r, personal)
		if gerr == nil {
			key := "e:" + fold(g.email)
			if g.user != nil {
				key = "u:" + g.user.id
			}
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		if gerr == nil && g.user == nil && k.c.app && !st.knownGuest(g.email) {
			// "New guests can't be invited using app-only access. Existing
			// guests can be invited using app-only requests."
			gerr = errDenied("New guests can't be invited using app-only access.")
			gerr.inner = "newGuestAppOnly"
		}
		if gerr != nil {
			failed++
			if first == nil {
				first = gerr
			}
			f := inviteFailure{Roles: []string{role}, Error: inviteError{Code: gerr.code, Message: gerr.msg}}
			if gerr.inner != "" {
				f.Error.InnerError = &inviteInnerErr{Code: gerr.inner}
			}
			if r.email != "" {
				f.Invitation = &sharingInvitation{Email: r.email, SignInRequired: signIn}
			}
			out.Value = append(out.Value, f)
			continue
		}
		switch {
		case g.user != nil && g.user == it.drive.owner:
			for _, s := range st.structural(it) {
				out.Value = append(out.Value, render(s, nil))
			}
		case g.user != nil:
			p := st.putUserGrant(it, g.user, role)
			if personal {
				// expirationDateTime "for OneDrive for Business and SharePoint
				// … is only applicable for sharingLink permissions"
				p.expires, p.password = p0.expires, p0.password
			}
			out.Value = append(out.Value, render(p, nil))
		default:
			p := st.putInvitation(it, g, role)
			p.expires, p.password, p.noSignIn = p0.expires, p0.password, !signIn
			out.Value = append(out.Value, render(p, nil))
		}
	}
	if failed == len(out.Value) {
		return reply{}, first
	}
	it.shared = true
	status := http.StatusOK
	if failed > 0 {
		status = http.StatusMultiStatus
	}
	return reply{status: status, body: out}, nil
}

// inviteeOf resolves an invite recipient. On a personal drive the known
// users are Microsoft accounts; elsewhere, users of the tenant. Unknown
// aliases and objectIds fail (they can only name directory objects).
func (st *state) inviteeOf(r recipient, personal bool) (grantee, *graphError) {
	if !personal {
		return st.resolveRecipient(r)
	}
	ref := r.email + r.objectID
	if u := st.user(ref); ref != "" && u != nil && u.personal {
		return grantee{user: u}, nil
	}
	if r.email != "" {
		return grantee{email: r.email}, nil
	}
	if r.alias != "" {
		return grantee{}, errInvalid("The recipient alias '%s' could not be resolved.", r.alias)
	}
	return grantee{}, errInvalid("The recipient objectId '%s' could not be resolved.", r.objectID)
}

// knownGuest: an address that already holds an invitation somewhere in the
// tenant is an existing guest.
func (st *state) knownGuest(email string) bool {
	for _, it := range st.items {
		for _, p := range it.perms {
			if p.kind == pkInvitation && len(p.grantees) > 0 && strings.EqualFold(p.grantees[0].email, email) {
				return true
			}
		}
	}
	return false
}
