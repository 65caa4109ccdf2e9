package graphsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Seed is the initial state of a Sim: one tenant, its users (and Microsoft
// account users), SharePoint sites, Microsoft 365 groups, drives with their
// item trees, and permissions that already exist. See the package doc for the
// JSON form. Missing ids are derived deterministically from the seed.
type Seed struct {
	Tenant SeedTenant  `json:"tenant"`
	Users  []SeedUser  `json:"users,omitempty"`
	Sites  []SeedSite  `json:"sites,omitempty"`
	Groups []SeedGroup `json:"groups,omitempty"`
	Drives []SeedDrive `json:"drives,omitempty"`
}

// SeedTenant is the work-or-school tenant, with the sharing settings of
// its administrator that Graph applies without saying so.
type SeedTenant struct {
	ID   string `json:"id"`   // directory id: the tid claim of its tokens
	Name string `json:"name"` // "contoso" gives contoso.sharepoint.com and contoso-my.sharepoint.com
	// MaxLinkExpiryDays, when positive, is the longest life of an anonymous
	// link on business drives and libraries: createLink and PATCH clamp a
	// later (or absent) expiry to midnight UTC that many days from today,
	// and answer as if it had been asked for.
	MaxLinkExpiryDays int `json:"maxLinkExpiryDays,omitempty"`
	// DefaultLinkScope is the scope createLink uses on business drives and
	// libraries when the body has none: organization (the default) or
	// anonymous.
	DefaultLinkScope string `json:"defaultLinkScope,omitempty"`
	// LinkReuse "typeAndScope" makes createLink return (200) the calling
	// app's existing link of the same type and scope whatever expiry or
	// password is asked for, as 000 words it ("If a sharing link of the
	// specified type already exists for the app, the existing sharing link
	// will be returned"); "" keeps the default, which reuses only a link
	// with the same expiry and no password.
	LinkReuse string `json:"linkReuse,omitempty"`
}

// LinkReuseTypeAndScope is the SeedTenant.LinkReuse value that returns
// existing links by type and scope alone.
const LinkReuseTypeAndScope = "typeAndScope"

// SeedUser is a user of the tenant, or a Microsoft account when Personal.
type SeedUser struct {
	ID          string `json:"id"`  // object id: the oid claim
	UPN         string `json:"upn"` // user principal name, also the mail address
	DisplayName string `json:"displayName,omitempty"`
	Personal    bool   `json:"personal,omitempty"` // a Microsoft account (tid = MSATenantID)
}

// SeedSite is a SharePoint site; its documentLibrary drive names it in Site.
type SeedSite struct {
	ID          string       `json:"id"`   // "host,siteCollectionId,webId"
	Name        string       `json:"name"` // URL name: https://{tenant}.sharepoint.com/sites/{name}
	DisplayName string       `json:"displayName,omitempty"`
	Members     []SeedMember `json:"members,omitempty"`
}

// SeedMember gives a user a role on a whole site.
type SeedMember struct {
	User string `json:"user"` // UPN or object id
	Role string `json:"role"` // owner | write | read
}

// SeedGroup is a Microsoft 365 group; its drive is the library of its site.
type SeedGroup struct {
	ID          string        `json:"id"`
	DisplayName string        `json:"displayName,omitempty"`
	Site        string        `json:"site"`              // id of the group's site
	Members     []string      `json:"members,omitempty"` // UPNs or object ids; members can write
	Channels    []SeedChannel `json:"channels,omitempty"`
}

// SeedChannel is a team channel whose filesFolder is a folder of the group drive.
type SeedChannel struct {
	ID          string `json:"id"` // e.g. "19:...@thread.tacv2"
	DisplayName string `json:"displayName,omitempty"`
	Folder      string `json:"folder"` // path in the group drive, "/" for the root
}

// SeedDrive is a drive and its item tree.
type SeedDrive struct {
	ID        string `json:"id"`
	DriveType string `json:"driveType"`       // personal | business | documentLibrary
	Owner     string `json:"owner,omitempty"` // personal, business: the owning user (UPN or id)
	Site      string `json:"site,omitempty"`  // documentLibrary: the site id
	// Special maps special folder names (documents, photos, cameraroll,
	// approot, music, recordings) to folder paths of this drive.
	Special map[string]string `json:"special,omitempty"`
	// ListID is a documentLibrary's list id (sites/{s}/lists/{ListID});
	// derived from the drive id when empty.
	ListID string   `json:"listId,omitempty"`
	Root   SeedItem `json:"root"` // its name is ignored; it is a folder
}

// SeedItem is a file, or a folder when Folder is set or Children is non-empty.
type SeedItem struct {
	ID          string           `json:"id,omitempty"`
	Name        string           `json:"name,omitempty"`
	Folder      bool             `json:"folder,omitempty"`
	Size        int64            `json:"size,omitempty"`
	Children    []SeedItem       `json:"children,omitempty"`
	Permissions []SeedPermission `json:"permissions,omitempty"`
}

// SeedPermission is a permission set directly on an item: a sharing link, or
// a user grant (GrantedTo).
type SeedPermission struct {
	ID        string    `json:"id,omitempty"`
	Roles     []string  `json:"roles,omitempty"`     // read | write; a link's default follows its type
	GrantedTo string    `json:"grantedTo,omitempty"` // a tenant user (UPN or id)
	Link      *SeedLink `json:"link,omitempty"`
}

// SeedLink is an existing sharing link.
type SeedLink struct {
	Type               string   `json:"type"`
	Scope              string   `json:"scope"`
	Application        *SeedApp `json:"application,omitempty"`
	Password           string   `json:"password,omitempty"`
	ExpirationDateTime string   `json:"expirationDateTime,omitempty"` // RFC 3339
	Recipients         []string `json:"recipients,omitempty"`         // users scope: emails or UPNs
}

// SeedApp is the application that created a link.
type SeedApp struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName,omitempty"`
}

// ParseSeed reads a JSON seed: unknown fields, trailing data and
// inconsistencies (unknown references, duplicate ids or names) are errors.
func ParseSeed(b []byte) (Seed, error) {
	var sd Seed
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sd); err != nil {
		return Seed{}, fmt.Errorf("graphsim seed: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Seed{}, errors.New("graphsim seed: trailing data after the JSON object")
	}
	if err := sd.Validate(); err != nil {
		return Seed{}, err
	}
	return sd, nil
}

// Validate reports the first inconsistency of a seed. New does not require a
// valid seed (it skips what it cannot use), ParseSeed does.
func (sd Seed) Validate() error {
	bad := func(format string, a ...any) error { return fmt.Errorf("graphsim seed: "+format, a...) }
	if sd.Tenant.ID == "" || sd.Tenant.Name == "" {
		return bad("tenant id and name are required")
	}
	if strings.ContainsAny(sd.Tenant.Name, "./:@ ") {
		return bad("tenant name %q must be a bare host label", sd.Tenant.Name)
	}
	if sd.Tenant.MaxLinkExpiryDays < 0 {
		return bad("tenant maxLinkExpiryDays must not be negative")
	}
	if s := sd.Tenant.DefaultLinkScope; s != "" && s != scopeAnonymous && s != scopeOrganization {
		return bad("tenant defaultLinkScope %q is not anonymous or organization", s)
	}
	if r := sd.Tenant.LinkReuse; r != "" && r != LinkReuseTypeAndScope {
		return bad("tenant linkReuse %q is not %q", r, LinkReuseTypeAndScope)
	}
	users := map[string]bool{}
	for _, u := range sd.Users {
		if u.ID == "" || u.UPN == "" {
			return bad("user %q: id and upn are required", u.UPN)
		}
		if !strings.Contains(u.UPN, "@") {
			return bad("user %q: upn must be an address", u.UPN)
		}
		for _, k := range []string{fold(u.ID), fold(u.UPN)} {
			if users[k] {
				return bad("duplicate user %q", k)
			}
			users[k] = true
		}
	}
	known := func(ref string) bool { return users[fold(ref)] }
	sites := map[string]bool{}
	for _, s := range sd.Sites {
		if s.ID == "" || s.Name == "" {
			return bad("site %q: id and name are required", s.Name)
		}
		if sites[fold(s.ID)] {
			return bad("duplicate site %q", s.ID)
		}
		sites[fold(s.ID)] = true
		for _, m := range s.Members {
			if !known(m.User) {
				return bad("site %q: unknown member %q", s.Name, m.User)
			}
			if levelOfRole(m.Role) == lvlNone {
				return bad("site %q: member role %q is not owner, write or read", s.Name, m.Role)
			}
		}
	}
	drives := map[string]SeedDrive{}
	siteDrive := map[string]SeedDrive{}
	items := map[string]bool{}
	for _, d := range sd.Drives {
		if d.ID == "" {
			return bad("drive: id is required")
		}
		if _, dup := drives[fold(d.ID)]; dup {
			return bad("duplicate drive %q", d.ID)
		}
		drives[fold(d.ID)] = d
		switch d.DriveType {
		case drivePersonal, driveBusiness:
			if !known(d.Owner) {
				return bad("drive %q: unknown owner %q", d.ID, d.Owner)
			}
		case driveLibrary:
			if !sites[fold(d.Site)] {
				return bad("drive %q: unknown site %q", d.ID, d.Site)
			}
			siteDrive[fold(d.Site)] = d
		default:
			return bad("drive %q: driveType %q is not personal, business or documentLibrary", d.ID, d.DriveType)
		}
		if d.ListID != "" && d.DriveType != driveLibrary {
			return bad("drive %q: only a documentLibrary has a listId", d.ID)
		}
		if err := validateItem(d.Root, "", true, d, items, known); err != nil {
			return err
		}
		for name, p := range d.Special {
			if !seedPathExists(d.Root, p, true) {
				return bad("drive %q: special folder %q: no folder %q", d.ID, name, p)
			}
		}
	}
	groups := map[string]bool{}
	for _, g := range sd.Groups {
		if g.ID == "" {
			return bad("group: id is required")
		}
		if groups[fold(g.ID)] {
			return bad("duplicate group %q", g.ID)
		}
		groups[fold(g.ID)] = true
		d, ok := siteDrive[fold(g.Site)]
		if !ok {
			return bad("group %q: site %q has no documentLibrary drive", g.ID, g.Site)
		}
		for _, m := range g.Members {
			if !known(m) {
				return bad("group %q: unknown member %q", g.ID, m)
			}
		}
		for _, c := range g.Channels {
			if c.ID == "" || !seedPathExists(d.Root, c.Folder, true) {
				return bad("group %q: channel %q: no folder %q", g.ID, c.ID, c.Folder)
			}
		}
	}
	return nil
}

func validateItem(it SeedItem, path string, isRoot bool, d SeedDrive, ids map[string]bool, known func(string) bool) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("graphsim seed: drive %q, item %q: "+format, append([]any{d.ID, path}, a...)...)
	}
	if !isRoot {
		if it.Name == "" || strings.ContainsAny(it.Name, `/\:*?"<>|`) || it.Name == "." || it.Name == ".." {
			return bad("invalid name %q", it.Name)
		}
	}
	if it.ID != "" {
		if ids[fold(it.ID)] {
			return bad("duplicate item id %q", it.ID)
		}
		ids[fold(it.ID)] = true
	}
	if it.Size < 0 {
		return bad("negative size")
	}
	names := map[string]bool{}
	for _, c := range it.Children {
		if names[fold(c.Name)] {
			return bad("duplicate child name %q", c.Name)
		}
		names[fold(c.Name)] = true
		if err := validateItem(c, path+"/"+c.Name, false, d, ids, known); err != nil {
			return err
		}
	}
	folder := isRoot || it.Folder || len(it.Children) > 0
	for _, p := range it.Permissions {
		if err := validatePermission(p, folder, d, known); err != nil {
			return bad("%v", err)
		}
	}
	return nil
}

func validatePermission(p SeedPermission, folder bool, d SeedDrive, known func(string) bool) error {
	for _, r := range p.Roles {
		if r != roleRead && r != roleWrite {
			return fmt.Errorf("permission role %q is not read or write", r)
		}
	}
	switch {
	case (p.Link == nil) == (p.GrantedTo == ""):
		return errors.New("a permission needs exactly one of link and grantedTo")
	case p.GrantedTo != "":
		if !known(p.GrantedTo) {
			return fmt.Errorf("grantedTo: unknown user %q", p.GrantedTo)
		}
		if len(p.Roles) == 0 {
			return errors.New("a grant needs roles")
		}
		return nil
	}
	l := p.Link
	spec := linkSpec{typ: l.Type, scope: l.Scope, folder: folder, driveType: d.DriveType}
	if msg := spec.check(); msg != "" {
		return errors.New(msg)
	}
	if l.ExpirationDateTime != "" {
		if _, err := time.Parse(time.RFC3339Nano, l.ExpirationDateTime); err != nil {
			return fmt.Errorf("link expirationDateTime: %v", err)
		}
	}
	if (l.Scope == scopeUsers) != (len(l.Recipients) > 0) {
		return errors.New("link recipients go with users scope, and users scope needs recipients")
	}
	return nil
}

// seedPathExists reports whether a path ("/a/b", "/" the root) names an item
// (a folder when folder is set) in a seed tree.
func seedPathExists(root SeedItem, path string, folder bool) bool {
	cur := root
	isFolder := true
	for _, name := range splitPath(path) {
		found := false
		for _, c := range cur.Children {
			if strings.EqualFold(c.Name, name) {
				cur, found = c, true
				break
			}
		}
		if !found {
			return false
		}
		isFolder = cur.Folder || len(cur.Children) > 0
	}
	return !folder || isFolder
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func fold(s string) string { return strings.ToLower(s) }

// clone deep-copies a seed so that a caller's later edits cannot leak into
// Reset.
func (sd Seed) clone() Seed {
	b, err := json.Marshal(sd)
	if err != nil {
		return Seed{}
	}
	var out Seed
	if json.Unmarshal(b, &out) != nil {
		return Seed{}
	}
	return out
}
