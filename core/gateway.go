package core

import "time"

// The row builds of invite, permission update and revokeGrants: body
// rules, then the organisation's policy through the functions createLink
// and grant use, then the canonical body.

// buildInvite is invite's row build. Policy: the recipient rules
// (allowedRecipientDomains, maxRecipients) as for createLink and grant,
// and the expiry held to maxExpiryDays (reject, or clamp and report).
func buildInvite(v Version, body []byte, ctx Context) (Request, *Error) {
	in, err := parseInvite(v, body, &ctx)
	if err != nil {
		return Request{}, err
	}
	var adj []Adjustment
	var found []Finding
	requested := inviteTerms(&in)
	if ctx.Policy != nil {
		if adj, found, err = ctx.Policy.holdExpiry(&in.Expiration, false, ctx.Now); err != nil {
			return Request{Requested: requested, Findings: found}, err
		}
		f, err := ctx.Policy.checkAccess(in.Recipients, in.Read, in.Write)
		if found = append(found, f...); err != nil {
			return Request{Requested: requested, Findings: found}, err
		}
	}
	return Request{
		ContentType: jsonMediaType,
		Body:        in.AppendBody(make([]byte, 0, 64+len(body))),
		Adjusted:    adj,
		Requested:   requested, Applied: inviteTerms(&in), Findings: found,
	}, nil
}

// buildPermissionUpdate is PATCH {item}/permissions/{id}'s row build.
// Policy: a new expiry is held to maxExpiryDays as createLink's is; so is
// "expirationDateTime": null, which makes the link never expire — past
// any maximum: refused, or clamped to the maximum and reported.
func buildPermissionUpdate(_ Version, body []byte, ctx Context) (Request, *Error) {
	u, err := parsePermissionUpdate(body, &ctx)
	if err != nil {
		return Request{}, err
	}
	var adj []Adjustment
	var found []Finding
	requested := updateTerms(&u)
	if ctx.Policy != nil && u.HasRoles {
		if found, err = ctx.Policy.checkAccess(nil, u.Read, u.Write); err != nil {
			return Request{Requested: requested, Findings: found}, err
		}
	}
	if ctx.Policy != nil && (!u.Expiration.IsZero() || u.ClearExpiration) {
		var f []Finding
		adj, f, err = ctx.Policy.holdExpiry(&u.Expiration, u.ClearExpiration, ctx.Now)
		if found = append(found, f...); err != nil {
			return Request{Requested: requested, Findings: found}, err
		}
		if !u.Expiration.IsZero() {
			u.ClearExpiration = false
		}
	}
	return Request{
		ContentType: jsonMediaType,
		Body:        u.AppendBody(make([]byte, 0, 48)),
		Adjusted:    adj,
		Requested:   requested, Applied: updateTerms(&u), Findings: found,
	}, nil
}

// buildRevokeGrants is revokeGrants' row build. No policy rule applies:
// taking access away is never wider sharing, so a grantee outside the
// allowed domains may be revoked too.
func buildRevokeGrants(_ Version, body []byte, _ Context) (Request, *Error) {
	r, err := parseRevokeGrants(body)
	if err != nil {
		return Request{}, err
	}
	return Request{
		ContentType: jsonMediaType,
		Body:        r.AppendBody(make([]byte, 0, 32+len(body))),
		Requested:   revokeTerms(&r), Applied: revokeTerms(&r),
	}, nil
}

// holdExpiry applies the policy's maxExpiryDays to an expiry (t, zero for
// none) through checkCreateLink's own expiry rule, so that every action
// clamps and refuses alike. never: the request removes the expiry, which
// no maximum allows: refused, or with expiryAction clamp set to the
// maximum and reported (From empty).
func (p *Policy) holdExpiry(t *time.Time, never bool, now time.Time) ([]Adjustment, []Finding, *Error) {
	if p.MaxExpiry == 0 {
		return nil, nil, nil
	}
	if never {
		if !p.ClampExpiry {
			k := checker{p: p}
			if k.refuse(RuleMaxExpiryDays, "an expiry removed, with a maximum of "+days(p.MaxExpiry)+" days") {
				return nil, k.findings, k.err
			}
			return nil, k.findings, nil
		}
		// anonymous + requireExpiry + clamp is how checkCreateLink sets
		// an expiry where none is given.
		q := Policy{MaxExpiry: p.MaxExpiry, ClampExpiry: true, AnonymousRequireExpiry: true, Modes: p.Modes}
		c := CreateLink{Scope: ScopeAnonymous}
		adj, f, err := q.checkCreateLink(&c, now)
		*t = c.Expiration
		return adj, f, err
	}
	if t.IsZero() {
		return nil, nil, nil
	}
	q := Policy{MaxExpiry: p.MaxExpiry, ClampExpiry: p.ClampExpiry, Modes: p.Modes}
	c := CreateLink{Expiration: *t}
	adj, f, err := q.checkCreateLink(&c, now)
	*t = c.Expiration
	return adj, f, err
}
