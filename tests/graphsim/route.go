package graphsim

import (
	"net/url"
	"strings"
)

// Route names: the second half of a counter key ("POST createLink").
const (
	nameCreateLink       = "createLink"
	nameGrant            = "grant"
	namePermissions      = "permissions"
	namePermission       = "permission"
	nameSharesDriveItem  = "sharesDriveItem"
	nameSharesPermission = "sharesPermission"
	nameItem             = "item"
	nameChildren         = "children"
	nameDrive            = "drive"
	nameInvite           = "invite"
	nameRevokeGrants     = "revokeGrants"
	nameBatch            = "batch"
	nameUnknown          = "unknown"
)

// stepKind is one hop of an address; resolve.go interprets the hops in order
// against the state. Parsing is purely syntactic so that a request can be
// counted and faulted before any state is touched.
type stepKind int

const (
	stMe           stepKind = iota // me: needs a delegated caller
	stMyDrive                      // me/drive, legacy drive
	stDrive                        // drives/{id}
	stUserDrive                    // users/{id}/drive
	stGroup                        // groups/{id}, teams/{id}
	stJoinedGroup                  // me/joinedGroups/{id}
	stGroupDrive                   // {group}/drive
	stChannel                      // {group}/team/channels/{id}/filesFolder
	stSite                         // sites/{id}
	stSiteDrive                    // {site}/drive
	stSiteShared                   // {site}/items/{id}/microsoft.graph.sharedDriveItem
	stShare                        // shares/{id}
	stShareItem                    // {share}/driveItem, {share}/root
	stShareChild                   // {share}/items/{id}
	stWorkbook                     // workbooks/{id}
	stRoot                         // {drive}/root
	stItem                         // {drive}/items|bundles|following/{id}
	stSpecial                      // {drive}/special/{name}
	stActivity                     // {drive}/activities/{id}/driveItem
	stPath                         // :/a/b: relative to the current item
	stChild                        // children/{id}
	stSame                         // listItem/driveItem: the item itself
	stStatActivity                 // analytics/itemActivityStats/{x}/activities/{id}/driveItem
	stList                         // {site}/lists/{id}: the site's document library
	stListItem                     // {list}/items/{id}: a list item of the library (its driveItem)
)

type step struct {
	kind stepKind
	arg  string
	path []string
}

// route is a parsed request path.
type route struct {
	version string // "v1.0" or "beta"
	name    string
	steps   []step
	permID  string
	unknown string // the segment that did not parse, for the 404 message
}

// methods lists the HTTP methods a route name answers.
func (rt *route) methods() []string {
	switch rt.name {
	case nameCreateLink, nameGrant, nameInvite, nameRevokeGrants, nameBatch:
		return []string{"POST"}
	case namePermission:
		return []string{"GET", "PATCH", "DELETE"}
	case nameUnknown:
		return nil
	default:
		return []string{"GET"}
	}
}

func (rt *route) allows(method string) bool {
	for _, m := range rt.methods() {
		if m == method {
			return true
		}
	}
	return false
}

// key is the counter and fault key of a request on this route.
func (rt *route) key(method string) string { return method + " " + rt.name }

// parseRoute parses an escaped request path. Segments are split on the raw
// "/" and percent-decoded once, so "%2F" inside an id stays part of the id.
func parseRoute(escaped string) *route {
	rt := &route{version: "v1.0", name: nameUnknown}
	raw := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	if n := len(raw); n > 1 && raw[n-1] == "" {
		raw = raw[:n-1] // one trailing slash is tolerated
	}
	segs := make([]string, len(raw))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil || s == "" {
			rt.unknown = s
			return rt
		}
		segs[i] = d
	}
	p := &parser{segs: segs, rt: rt}
	if p.kw("v1.0") {
		rt.version = "v1.0"
	} else if p.kw("beta") {
		rt.version = "beta"
	}
	if p.kw("$batch") {
		// JSON batching (json-batching.md): POST /{version}/$batch
		if p.end() {
			rt.name = nameBatch
			return rt
		}
		rt.unknown = p.segs[p.i]
	} else if !p.top() {
		rt.name = nameUnknown
		rt.steps = nil
		rt.permID = ""
		if rt.unknown == "" {
			if p.i < len(p.segs) {
				rt.unknown = p.segs[p.i]
			} else if len(p.segs) > 0 {
				rt.unknown = p.segs[len(p.segs)-1]
			}
		}
	}
	return rt
}

type parser struct {
	segs []string
	i    int
	rt   *route
}

func (p *parser) end() bool { return p.i >= len(p.segs) }

// kw consumes the next segment when it is the keyword (case-insensitive, as
// Graph's URL segments are).
func (p *parser) kw(word string) bool {
	if p.end() || !strings.EqualFold(p.segs[p.i], word) {
		return false
	}
	p.i++
	return true
}

// action consumes an action name, plain or namespace-qualified
// ("microsoft.graph.createLink"): OData accepts both for bound actions.
func (p *parser) action(name string) bool {
	return p.kw(name) || p.kw("microsoft.graph."+name)
}

// id consumes any non-empty segment.
func (p *parser) id() (string, bool) {
	if p.end() || p.segs[p.i] == "" {
		return "", false
	}
	s := p.segs[p.i]
	p.i++
	return s, true
}

func (p *parser) add(k stepKind, arg string) {
	p.rt.steps = append(p.rt.steps, step{kind: k, arg: arg})
}

// addID reads an id segment into a step of kind k; false when the path
// has none.
func (p *parser) addID(k stepKind) bool {
	id, ok := p.id()
	if ok {
		p.add(k, id)
	}
	return ok
}

func (p *parser) finish(name string) bool {
	p.rt.name = name
	return p.end()
}

func (p *parser) top() bool {
	switch {
	case p.kw("me"):
		p.add(stMe, "")
		if p.kw("drive") {
			p.add(stMyDrive, "")
			return p.driveRest()
		}
		if p.kw("joinedGroups") {
			if !p.addID(stJoinedGroup) {
				return false
			}
			return p.groupRest()
		}
		return false
	case p.kw("drive"):
		p.add(stMyDrive, "")
		return p.driveRest()
	case p.kw("drives"):
		if !p.addID(stDrive) {
			return false
		}
		return p.driveRest()
	case p.kw("users"):
		id, ok := p.id()
		if !ok || !p.kw("drive") {
			return false
		}
		p.add(stUserDrive, id)
		return p.driveRest()
	case p.kw("groups"):
		if !p.addID(stGroup) {
			return false
		}
		return p.groupRest()
	case p.kw("teams"):
		if !p.addID(stGroup) {
			return false
		}
		return p.channel()
	case p.kw("sites"):
		if !p.addID(stSite) {
			return false
		}
		return p.siteRest()
	case p.kw("shares"):
		if !p.addID(stShare) {
			return false
		}
		if p.kw("permission") {
			if p.end() {
				return p.finish(nameSharesPermission)
			}
			if p.action("grant") {
				return p.finish(nameGrant)
			}
			return false
		}
		return p.sharedRest()
	case p.kw("workbooks"):
		if !p.addID(stWorkbook) {
			return false
		}
		return p.itemRest()
	}
	return false
}

func (p *parser) groupRest() bool {
	switch {
	case p.kw("drive"):
		p.add(stGroupDrive, "")
		return p.driveRest()
	case p.kw("team"):
		return p.channel()
	case p.kw("sites"):
		if !p.addID(stSite) {
			return false
		}
		return p.siteRest()
	}
	return false
}

// channel parses channels/{id}/filesFolder after team (or teams/{id}).
func (p *parser) channel() bool {
	if !p.kw("channels") {
		return false
	}
	id, ok := p.id()
	if !ok || !p.kw("filesFolder") {
		return false
	}
	p.add(stChannel, id)
	return p.itemRest()
}

func (p *parser) siteRest() bool {
	switch {
	case p.kw("drive"):
		p.add(stSiteDrive, "")
		return p.driveRest()
	case p.kw("items"):
		id, ok := p.id()
		if !ok || !p.kw("microsoft.graph.sharedDriveItem") {
			return false
		}
		p.add(stSiteShared, id)
		return p.sharedRest()
	case p.kw("lists"):
		// sites/{s}/lists/{l}/items/{i}/driveItem (every item route) and the
		// beta listItem createLink, sites/{s}/lists/{l}/items/{i}/createLink
		// (listitem-createlink.md), which answers as driveItem createLink.
		if !p.addID(stList) || !p.kw("items") || !p.addID(stListItem) {
			return false
		}
		if p.kw("driveItem") {
			return p.itemRest()
		}
		if p.action("createLink") {
			return p.finish(nameCreateLink)
		}
		return false
	}
	return false
}

// sharedRest parses the sharedDriveItem navigations: driveItem, root, items/{id}.
func (p *parser) sharedRest() bool {
	switch {
	case p.kw("driveItem"), p.kw("root"):
		p.add(stShareItem, "")
		return p.itemRest()
	case p.kw("items"):
		if !p.addID(stShareChild) {
			return false
		}
		return p.itemRest()
	}
	return false
}

func (p *parser) driveRest() bool {
	if p.end() {
		return p.finish(nameDrive)
	}
	s := p.segs[p.i]
	switch {
	case strings.EqualFold(s, "root"):
		p.i++
		p.add(stRoot, "")
	case len(s) >= 5 && strings.EqualFold(s[:5], "root:"):
		p.i++
		p.add(stRoot, "")
		comps, ok := p.colonPath(s[5:])
		if !ok {
			return false
		}
		p.rt.steps = append(p.rt.steps, step{kind: stPath, path: comps})
	case p.kw("items"), p.kw("bundles"), p.kw("following"):
		id, ok := p.id()
		if !ok {
			return false
		}
		if c := strings.IndexByte(id, ':'); c >= 0 {
			// items/{id}:/relative/path: addressing
			comps, ok := p.colonPath(id[c+1:])
			if !ok || c == 0 {
				return false
			}
			p.add(stItem, id[:c])
			p.rt.steps = append(p.rt.steps, step{kind: stPath, path: comps})
		} else {
			p.add(stItem, id)
		}
	case p.kw("special"):
		if !p.addID(stSpecial) {
			return false
		}
	case p.kw("activities"):
		id, ok := p.id()
		if !ok || !p.kw("driveItem") {
			return false
		}
		p.add(stActivity, id)
	default:
		return false
	}
	return p.itemRest()
}

// colonPath reads the path of a "base:/a/b:" address. first is what follows
// the base's colon in its own segment; the path ends at the next colon or at
// the end of the URL (Graph accepts "root:/a/b" without the closing colon).
func (p *parser) colonPath(first string) ([]string, bool) {
	var comps []string
	add := func(s string) bool {
		for _, c := range strings.Split(s, "/") {
			switch c {
			case "":
			case ".", "..":
				return false
			default:
				comps = append(comps, c)
			}
		}
		return true
	}
	cur := first
	for {
		if c := strings.IndexByte(cur, ':'); c >= 0 {
			return comps, add(cur[:c]) && cur[c+1:] == ""
		}
		if !add(cur) {
			return nil, false
		}
		if p.end() {
			return comps, true
		}
		cur = p.segs[p.i]
		p.i++
	}
}

func (p *parser) itemRest() bool {
	for {
		if p.end() {
			return p.finish(p.itemName())
		}
		switch {
		case p.action("createLink"):
			return p.finish(nameCreateLink)
		case p.action("invite"):
			// driveitem-invite.md, v1.0 and beta
			return p.finish(nameInvite)
		case p.kw("permissions"):
			if p.end() {
				return p.finish(namePermissions)
			}
			id, ok := p.id()
			if !ok {
				return false
			}
			p.rt.permID = id
			if p.end() {
				return p.finish(namePermission)
			}
			// permission-revokegrants.md: beta first, v1.0 since its
			// v1.0 page (learn.microsoft.com/graph/api/permission-revokegrants)
			if p.action("revokeGrants") {
				return p.finish(nameRevokeGrants)
			}
			return false
		case p.kw("children"):
			if p.end() {
				return p.finish(nameChildren)
			}
			if !p.addID(stChild) {
				return false
			}
		case p.kw("listItem"):
			if !p.kw("driveItem") {
				return false
			}
			p.add(stSame, "")
		case p.kw("analytics"):
			if !p.kw("itemActivityStats") {
				return false
			}
			if _, ok := p.id(); !ok || !p.kw("activities") {
				return false
			}
			id, ok := p.id()
			if !ok || !p.kw("driveItem") {
				return false
			}
			p.add(stStatActivity, id)
		default:
			return false
		}
	}
}

// itemName names a plain item read: reads straight through /shares get their
// own key because clients use them to resolve sharing URLs.
func (p *parser) itemName() string {
	st := p.rt.steps
	if len(st) == 2 && st[0].kind == stShare && (st[1].kind == stShareItem || st[1].kind == stShareChild) {
		return nameSharesDriveItem
	}
	return nameItem
}
