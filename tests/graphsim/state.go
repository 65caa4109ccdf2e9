package graphsim

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	drivePersonal = "personal"
	driveBusiness = "business"
	driveLibrary  = "documentLibrary"

	roleRead  = "read"
	roleWrite = "write"
	roleOwner = "owner"
)

// seedTime stamps every seeded item: fixed, so responses are reproducible.
var seedTime = time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC)

// level is what a caller may do with an item.
type level int

const (
	lvlNone  level = iota // invisible: 404
	lvlRead               // can read, not share: 403 on sharing actions
	lvlWrite              // can read, edit and share
	lvlOwner              // owns the drive
)

func levelOfRole(r string) level {
	switch r {
	case roleOwner:
		return lvlOwner
	case roleWrite:
		return lvlWrite
	case roleRead:
		return lvlRead
	}
	return lvlNone
}

func levelOfRoles(rs []string) level {
	l := lvlNone
	for _, r := range rs {
		l = max(l, levelOfRole(r))
	}
	return l
}

type user struct {
	id, upn, name string
	personal      bool
	drive         *drive
}

type site struct {
	id, name, displayName string
	members               map[*user]level
	drive                 *drive
}

type group struct {
	id, name string
	site     *site
	members  map[*user]bool
	channels map[string]*item // fold(channel id) → folder
}

type drive struct {
	id, driveType string
	owner         *user
	site          *site
	root          *item
	special       map[string]*item // fold(name)
	webURL        string
	listID        string           // documentLibrary: the id of its list
	listItems     map[string]*item // documentLibrary: list item id ("1", "2", …) → item
}

func (d *drive) business() bool { return d.driveType != drivePersonal }

type item struct {
	id, name  string
	folder    bool
	size      int64
	parent    *item
	children  []*item
	drive     *drive
	perms     []*perm // set directly on this item, in creation order
	shared    bool    // has been shared: the next share is not the "first" one
	noInherit bool    // retainInheritedPermissions:false broke inheritance here
	webURL    string
}

// path is the item's path from the drive root, "/" for the root.
func (it *item) path() string {
	if it.parent == nil {
		return "/"
	}
	var parts []string
	for c := it; c.parent != nil; c = c.parent {
		parts = append(parts, c.name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return "/" + strings.Join(parts, "/")
}

// graphPath is the itemReference.path form: /drives/{id}/root:/a/b.
func (it *item) graphPath() string {
	p := "/drives/" + it.drive.id + "/root:"
	if it.parent != nil {
		p += escapePath(it.path())
	}
	return p
}

// within reports whether it is base or one of its descendants.
func (it *item) within(base *item) bool {
	for c := it; c != nil; c = c.parent {
		if c == base {
			return true
		}
	}
	return false
}

func (it *item) child(name string) *item {
	for _, c := range it.children {
		if strings.EqualFold(c.name, name) {
			return c
		}
	}
	return nil
}

type permKind int

const (
	pkLink       permKind = iota // a sharing link
	pkUser                       // a user grant
	pkInvitation                 // an invitation to an unrecognised address
	pkOwner                      // the drive owner (derived, never stored)
	pkSiteGroup                  // a site group (derived, never stored)
)

// grantee is someone a link or invitation is for: a tenant user or a bare address.
type grantee struct {
	user  *user
	email string
}

func (g grantee) matches(c *caller) bool {
	if g.user != nil {
		return c.user == g.user
	}
	return g.email != "" && strings.EqualFold(g.email, c.upn)
}

type perm struct {
	id    string
	kind  permKind
	roles []string
	item  *item

	// links and invitations
	linkType, scope  string
	app              *identity
	token            string
	webURL, webHTML  string
	password         string
	expires          time.Time // zero: never
	grantees         []grantee // users-scope recipients, link grants, the invitee
	preventsDownload bool

	user      *user  // pkUser, pkOwner
	groupName string // pkSiteGroup

	version  int  // changes so far: the ETag's counter
	noSignIn bool // an invitation made with requireSignIn:false
}

// etag is the permission's entity tag, in SharePoint's "{GUID},n" form; it
// changes with every change of the permission (touch).
func (p *perm) etag() string {
	return `"{` + strings.ToUpper(guidFrom("etag", p.id)) + "}," + strconv.Itoa(p.version+1) + `"`
}

func (p *perm) touch() { p.version++ }

func (p *perm) shareID() string {
	if p.token == "" {
		return ""
	}
	return "s!" + p.token
}

func (p *perm) addGrantee(g grantee) {
	for _, e := range p.grantees {
		if (g.user != nil && e.user == g.user) || (g.user == nil && e.user == nil && strings.EqualFold(e.email, g.email)) {
			return
		}
	}
	p.grantees = append(p.grantees, g)
}

type state struct {
	tenantID, tenantName string
	maxExpiryDays        int    // SeedTenant.MaxLinkExpiryDays
	defaultScope         string // SeedTenant.DefaultLinkScope
	linkReuse            string // SeedTenant.LinkReuse
	users                []*user
	userIdx              map[string]*user // fold(id) and fold(upn)
	sites                []*site
	siteIdx              map[string]*site // fold(id) and fold(name)
	groups               []*group
	groupIdx             map[string]*group
	drives               []*drive
	driveIdx             map[string]*drive
	items                map[string]*item // fold(id)
	itemByURL            map[string]*item
	linkByURL            map[string]*perm
	linkByToken          map[string]*perm
	seq                  int // permissions created so far: the source of new ids
}

// build turns a seed into a state. It never fails: what it cannot use
// (unknown references, duplicates) is skipped; ParseSeed is the strict door.
func build(sd Seed) *state {
	st := &state{
		tenantID:    sd.Tenant.ID,
		tenantName:  sd.Tenant.Name,
		userIdx:     map[string]*user{},
		siteIdx:     map[string]*site{},
		groupIdx:    map[string]*group{},
		driveIdx:    map[string]*drive{},
		items:       map[string]*item{},
		itemByURL:   map[string]*item{},
		linkByURL:   map[string]*perm{},
		linkByToken: map[string]*perm{},
	}
	if st.tenantName == "" {
		st.tenantName = "contoso"
	}
	st.maxExpiryDays = max(sd.Tenant.MaxLinkExpiryDays, 0)
	if sc, ok := canonical(sd.Tenant.DefaultLinkScope, []string{scopeAnonymous, scopeOrganization}); ok {
		st.defaultScope = sc
	}
	if sd.Tenant.LinkReuse == LinkReuseTypeAndScope {
		st.linkReuse = LinkReuseTypeAndScope
	}
	for _, su := range sd.Users {
		if su.ID == "" || su.UPN == "" || st.userIdx[fold(su.ID)] != nil || st.userIdx[fold(su.UPN)] != nil {
			continue
		}
		u := &user{id: su.ID, upn: su.UPN, name: su.DisplayName, personal: su.Personal}
		if u.name == "" {
			u.name = su.UPN
		}
		st.users = append(st.users, u)
		st.userIdx[fold(u.id)] = u
		st.userIdx[fold(u.upn)] = u
	}
	for _, ss := range sd.Sites {
		if ss.ID == "" || ss.Name == "" || st.siteIdx[fold(ss.ID)] != nil {
			continue
		}
		s := &site{id: ss.ID, name: ss.Name, displayName: ss.DisplayName, members: map[*user]level{}}
		if s.displayName == "" {
			s.displayName = ss.Name
		}
		for _, m := range ss.Members {
			if u := st.userIdx[fold(m.User)]; u != nil && levelOfRole(m.Role) != lvlNone {
				s.members[u] = levelOfRole(m.Role)
			}
		}
		st.sites = append(st.sites, s)
		st.siteIdx[fold(s.id)] = s
		if st.siteIdx[fold(s.name)] == nil {
			st.siteIdx[fold(s.name)] = s
		}
	}
	type pending struct {
		it *item
		sp SeedPermission
		n  int
	}
	var perms []pending
	for _, sdr := range sd.Drives {
		if sdr.ID == "" || st.driveIdx[fold(sdr.ID)] != nil {
			continue
		}
		d := &drive{id: sdr.ID, driveType: sdr.DriveType, special: map[string]*item{}}
		switch sdr.DriveType {
		case drivePersonal, driveBusiness:
			d.owner = st.userIdx[fold(sdr.Owner)]
			if d.owner == nil {
				continue
			}
			if d.owner.drive == nil {
				d.owner.drive = d
			}
		case driveLibrary:
			d.site = st.siteIdx[fold(sdr.Site)]
			if d.site == nil {
				continue
			}
			if d.site.drive == nil {
				d.site.drive = d
			}
		default:
			continue
		}
		d.webURL = st.driveURL(d)
		st.drives = append(st.drives, d)
		st.driveIdx[fold(d.id)] = d
		counter := 100
		var walk func(si SeedItem, parent *item) *item
		walk = func(si SeedItem, parent *item) *item {
			it := &item{name: si.Name, folder: parent == nil || si.Folder || len(si.Children) > 0, size: si.Size, parent: parent, drive: d}
			if parent == nil {
				it.name = "root"
			}
			if parent != nil && (it.name == "" || parent.child(it.name) != nil || strings.ContainsAny(it.name, "/:")) {
				return nil
			}
			if parent != nil {
				parent.children = append(parent.children, it)
			}
			it.id = si.ID
			if it.id == "" || st.items[fold(it.id)] != nil {
				it.id = st.deriveItemID(d, it, &counter)
			}
			st.items[fold(it.id)] = it
			it.webURL = st.itemURL(it)
			st.itemByURL[it.webURL] = it
			for n, sp := range si.Permissions {
				perms = append(perms, pending{it, sp, n})
			}
			for _, c := range si.Children {
				walk(c, it)
			}
			if it.size == 0 && !it.folder {
				it.size = 1024 + int64(len(it.name))*97 // any stable, plausible size
			}
			return it
		}
		d.root = walk(sdr.Root, nil)
		if d.driveType == driveLibrary {
			d.listID = sdr.ListID
			if d.listID == "" {
				d.listID = guidFrom(st.tenantID, "list", d.id)
			}
			d.listItems = map[string]*item{}
			n := 0
			var number func(it *item)
			number = func(it *item) {
				for _, c := range it.children {
					n++
					d.listItems[strconv.Itoa(n)] = c
					number(c)
				}
			}
			number(d.root)
		}
		for name, p := range sdr.Special {
			if it := st.itemByPath(d.root, splitPath(p)); it != nil && it.folder {
				d.special[fold(name)] = it
			}
		}
	}
	for _, sg := range sd.Groups {
		s := st.siteIdx[fold(sg.Site)]
		if sg.ID == "" || s == nil || s.drive == nil || st.groupIdx[fold(sg.ID)] != nil {
			continue
		}
		g := &group{id: sg.ID, name: sg.DisplayName, site: s, members: map[*user]bool{}, channels: map[string]*item{}}
		if g.name == "" {
			g.name = sg.ID
		}
		for _, m := range sg.Members {
			if u := st.userIdx[fold(m)]; u != nil {
				g.members[u] = true
			}
		}
		for _, c := range sg.Channels {
			if it := st.itemByPath(s.drive.root, splitPath(c.Folder)); it != nil && it.folder && c.ID != "" {
				g.channels[fold(c.ID)] = it
			}
		}
		st.groups = append(st.groups, g)
		st.groupIdx[fold(g.id)] = g
	}
	for _, pp := range perms {
		st.seedPermission(pp.it, pp.sp, pp.n)
	}
	return st
}

func (st *state) seedPermission(it *item, sp SeedPermission, n int) {
	p := &perm{id: sp.ID, item: it, roles: append([]string(nil), sp.Roles...)}
	switch {
	case sp.GrantedTo != "":
		u := st.userIdx[fold(sp.GrantedTo)]
		if u == nil || levelOfRoles(p.roles) == lvlNone {
			return
		}
		p.kind, p.user = pkUser, u
		p.roles = []string{highestRole(p.roles)}
		if p.id == "" {
			p.id = userPermID(u.upn)
		}
	case sp.Link != nil:
		l := sp.Link
		spec := linkSpec{typ: l.Type, scope: l.Scope, folder: it.folder, driveType: it.drive.driveType}
		if spec.check() != "" {
			return
		}
		p.kind, p.linkType, p.scope, p.password = pkLink, l.Type, l.Scope, l.Password
		if len(p.roles) == 0 {
			p.roles = []string{linkRole(l.Type)}
		}
		if l.Application != nil {
			p.app = &identity{ID: l.Application.ID, DisplayName: l.Application.DisplayName}
		}
		if l.ExpirationDateTime != "" {
			if t, err := time.Parse(time.RFC3339Nano, l.ExpirationDateTime); err == nil {
				p.expires = t.UTC().Truncate(time.Second)
			}
		}
		for _, r := range l.Recipients {
			p.addGrantee(st.granteeByEmail(r))
		}
		if p.id == "" {
			p.id = guidFrom(st.tenantID, "seed", it.id, strconv.Itoa(n))
		}
		st.assignLink(p)
	default:
		return
	}
	for _, e := range it.perms {
		if e.id == p.id {
			return
		}
	}
	it.perms = append(it.perms, p)
	it.shared = true
}

// newPermID is the id of the next permission created after the seed: a
// GUID-shaped hash of a counter, so a Reset replays the same ids.
func (st *state) newPermID() string {
	st.seq++
	return guidFrom(st.tenantID, "perm", strconv.Itoa(st.seq))
}

// assignLink gives a link (or invitation) its token and URLs and indexes them
// for /shares.
func (st *state) assignLink(p *perm) {
	it := p.item
	sum := sha256.Sum256([]byte("graphsim token\x00" + p.id))
	b64 := base64.RawURLEncoding.EncodeToString(sum[:])
	if it.drive.business() {
		p.token = "E" + b64[:42]
	} else {
		p.token = "A" + b64[:26]
	}
	letter := kindLetter(it)
	switch {
	case it.drive.driveType == drivePersonal && p.linkType == "embed":
		p.webURL = "https://onedrive.live.com/embed?resid=" + it.id + "&authkey=!" + p.token
		p.webHTML = `<iframe src="` + strings.ReplaceAll(p.webURL, "&", "&amp;") + `" width="98" height="120" frameborder="0" scrolling="no"></iframe>`
	case it.drive.driveType == drivePersonal:
		p.webURL = "https://1drv.ms/" + letter + "/s!" + p.token
	case it.drive.site != nil:
		p.webURL = st.spHost() + "/:" + letter + ":/s/" + it.drive.site.name + "/" + p.token
	default:
		p.webURL = st.myHost() + "/:" + letter + ":/g/personal/" + personalSegment(it.drive.owner.upn) + "/" + p.token
	}
	if p.kind == pkInvitation && len(p.grantees) > 0 {
		p.webURL += "?email=" + url.QueryEscape(p.grantees[0].email)
	}
	p.preventsDownload = p.linkType == "blocksDownload"
	st.linkByURL[p.webURL] = p
	st.linkByToken[p.token] = p
}

func (st *state) unindex(p *perm) {
	if p.webURL != "" && st.linkByURL[p.webURL] == p {
		delete(st.linkByURL, p.webURL)
	}
	if p.token != "" && st.linkByToken[p.token] == p {
		delete(st.linkByToken, p.token)
	}
}

func (st *state) myHost() string { return "https://" + st.tenantName + "-my.sharepoint.com" }
func (st *state) spHost() string { return "https://" + st.tenantName + ".sharepoint.com" }

func (st *state) driveURL(d *drive) string {
	switch {
	case d.driveType == drivePersonal:
		return "https://onedrive.live.com/?cid=" + url.QueryEscape(fold(d.id))
	case d.site != nil:
		return st.spHost() + "/sites/" + d.site.name + "/Shared%20Documents"
	default:
		return st.myHost() + "/personal/" + personalSegment(d.owner.upn) + "/Documents"
	}
}

func (st *state) itemURL(it *item) string {
	if it.drive.driveType == drivePersonal {
		return "https://onedrive.live.com/redir?resid=" + it.id
	}
	if it.parent == nil {
		return it.drive.webURL
	}
	return it.drive.webURL + escapePath(it.path())
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// personalSegment is how OneDrive for Business names a user's site:
// alice@contoso.com → alice_contoso_com.
func personalSegment(upn string) string {
	b := []byte(fold(upn))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// deriveItemID makes a stable id in the style of the drive: "01" + 32 base32
// characters on SharePoint, "{CID}!{n}" on OneDrive personal.
func (st *state) deriveItemID(d *drive, it *item, counter *int) string {
	if d.driveType == drivePersonal {
		for {
			*counter++
			id := strings.ToUpper(d.id) + "!" + strconv.Itoa(*counter)
			if st.items[fold(id)] == nil {
				return id
			}
		}
	}
	for salt := 0; ; salt++ {
		sum := sha256.Sum256([]byte(d.id + "\x00" + it.path() + "\x00" + strconv.Itoa(salt)))
		id := "01" + base32.StdEncoding.EncodeToString(sum[:])[:32]
		if st.items[fold(id)] == nil {
			return id
		}
	}
}

// guidFrom formats a hash of its parts as a version-4-shaped GUID.
func guidFrom(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// userPermID is SharePoint's id for a user's permission: the base64 of the
// user's claims login name.
func userPermID(upn string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("i:0#.f|membership|" + fold(upn)))
}

func highestRole(rs []string) string {
	if levelOfRoles(rs) >= lvlWrite {
		return roleWrite
	}
	return roleRead
}

// kindLetter is the letter SharePoint and 1drv.ms put in a link for the kind
// of item: w(ord), x (excel), p(owerpoint), b (pdf), f(older), i(mage), t(ext),
// v(ideo), u (anything else).
func kindLetter(it *item) string {
	if it.folder {
		return "f"
	}
	ext := ""
	if i := strings.LastIndexByte(it.name, '.'); i >= 0 {
		ext = fold(it.name[i+1:])
	}
	switch ext {
	case "doc", "docx", "docm", "dotx", "odt", "rtf":
		return "w"
	case "xls", "xlsx", "xlsm", "xlsb", "csv", "ods":
		return "x"
	case "ppt", "pptx", "pptm", "odp":
		return "p"
	case "pdf":
		return "b"
	case "png", "jpg", "jpeg", "gif", "bmp", "heic", "tif", "tiff", "webp":
		return "i"
	case "txt", "md", "log":
		return "t"
	case "mp4", "mov", "avi", "wmv", "mkv":
		return "v"
	}
	return "u"
}

func mimeType(name string) string {
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ext = fold(name[i+1:])
	}
	switch ext {
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "pptx":
		return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	case "pdf":
		return "application/pdf"
	case "png":
		return "image/png"
	case "jpg", "jpeg":
		return "image/jpeg"
	case "txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

// --- lookups ---

func (st *state) itemByPath(base *item, comps []string) *item {
	cur := base
	for _, c := range comps {
		if cur == nil {
			return nil
		}
		cur = cur.child(c)
	}
	return cur
}

func (st *state) user(ref string) *user { return st.userIdx[fold(ref)] }

// tenantUser finds a user of the work tenant (not a Microsoft account).
func (st *state) tenantUser(ref string) *user {
	if u := st.userIdx[fold(ref)]; u != nil && !u.personal {
		return u
	}
	return nil
}

// tenantUserByAlias finds a tenant user by the local part of their UPN.
func (st *state) tenantUserByAlias(alias string) *user {
	for _, u := range st.users {
		if !u.personal {
			if at := strings.IndexByte(u.upn, '@'); at > 0 && strings.EqualFold(u.upn[:at], alias) {
				return u
			}
		}
	}
	return nil
}

func (st *state) granteeByEmail(email string) grantee {
	if u := st.tenantUser(email); u != nil {
		return grantee{user: u}
	}
	return grantee{email: email}
}

// driveFor finds a drive by drive id, user (UPN or id), site (id or name) or group id.
func (st *state) driveFor(ref string) *drive {
	if d := st.driveIdx[fold(ref)]; d != nil {
		return d
	}
	if u := st.userIdx[fold(ref)]; u != nil {
		return u.drive
	}
	if s := st.siteIdx[fold(ref)]; s != nil {
		return s.drive
	}
	if g := st.groupIdx[fold(ref)]; g != nil {
		return g.site.drive
	}
	return nil
}

// --- permissions and access ---

// effPerm is a permission as seen on an item: from is the ancestor it is
// inherited from, nil when set on the item itself or derived from ownership.
type effPerm struct {
	p    *perm
	from *item
}

// structural are the permissions that come from owning the drive: the owner,
// or the site groups of a library. They show on every item and cannot be
// deleted.
func (st *state) structural(it *item) []*perm {
	d := it.drive
	if d.owner != nil {
		return []*perm{{id: userPermID(d.owner.upn), kind: pkOwner, roles: []string{roleOwner}, user: d.owner, item: it}}
	}
	if d.site == nil {
		return nil
	}
	var out []*perm
	for _, g := range []struct {
		suffix string
		lvl    level
		role   string
	}{{"Owners", lvlOwner, roleOwner}, {"Members", lvlWrite, roleWrite}, {"Visitors", lvlRead, roleRead}} {
		has := false
		for _, l := range d.site.members {
			has = has || l == g.lvl
		}
		if has {
			name := d.site.displayName + " " + g.suffix
			out = append(out, &perm{id: base64.RawURLEncoding.EncodeToString([]byte("c:0-.f|sitegroup|" + fold(d.site.id) + "|" + g.suffix)),
				kind: pkSiteGroup, roles: []string{g.role}, groupName: name, item: it})
		}
	}
	return out
}

// effective lists an item's permissions: ownership first, then inherited ones
// from the farthest ancestor down, then its own. A permission id shown twice
// (a user granted on a folder and again on a file) is shown once, the
// nearest winning.
func (st *state) effective(it *item) []effPerm {
	var chain []*item
	if !it.noInherit {
		for a := it.parent; a != nil; a = a.parent {
			chain = append(chain, a)
			if a.noInherit {
				break
			}
		}
	}
	var out []effPerm
	seen := map[string]int{}
	add := func(p *perm, from *item) {
		if i, ok := seen[p.id]; ok {
			out[i] = effPerm{p, from}
			return
		}
		seen[p.id] = len(out)
		out = append(out, effPerm{p, from})
	}
	for _, p := range st.structural(it) {
		add(p, nil)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, p := range chain[i].perms {
			add(p, chain[i])
		}
	}
	for _, p := range it.perms {
		add(p, nil)
	}
	return out
}

// level is what the caller may do with an item through its own rights
// (ownership, site or group membership, user grants); links are not counted
// here, see shareLevel.
func (st *state) level(c *caller, it *item) level {
	d := it.drive
	if c.app {
		if d.driveType == drivePersonal {
			return lvlNone
		}
		return lvlWrite
	}
	l := lvlNone
	if c.user != nil {
		if d.owner == c.user {
			return lvlOwner
		}
		if d.site != nil {
			l = max(l, d.site.members[c.user])
			for _, g := range st.groups {
				if g.site == d.site && g.members[c.user] {
					l = max(l, lvlWrite)
				}
			}
		}
	}
	for _, e := range st.effective(it) {
		if e.p.kind == pkUser && c.user != nil && e.p.user == c.user {
			l = max(l, levelOfRoles(e.p.roles))
		}
	}
	return l
}

// driveVisible: a drive's metadata is visible to whoever can use it, and a
// business drive to every member of its tenant.
func (st *state) driveVisible(c *caller, d *drive) bool {
	if c.app {
		return d.driveType != drivePersonal
	}
	if c.user != nil {
		if d.owner == c.user {
			return true
		}
		if d.site != nil && d.site.members[c.user] != lvlNone {
			return true
		}
	}
	return d.business() && !c.personal
}

// visibleChildren lists the children the caller may see.
func (st *state) visibleChildren(c *caller, it *item, extra level) []*item {
	var out []*item
	for _, ch := range it.children {
		if max(st.level(c, ch), extra) >= lvlRead {
			out = append(out, ch)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].folder != out[j].folder {
			return out[i].folder
		}
		return fold(out[i].name) < fold(out[j].name)
	})
	return out
}
