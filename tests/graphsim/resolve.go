package graphsim

import (
	"strings"
)

// target is what a route's steps resolve to.
type target struct {
	drive *drive
	item  *item // nil for a drive-only route
	group *group
	site  *site

	share      *shareRef // set when the address went through a sharing URL
	shareBase  *item     // the shared item, or the base of a sharedDriveItem
	shareLevel level     // what the link itself lets the caller do
}

// resolve walks a route's steps. Errors are 404 itemNotFound for anything
// missing (Graph does not reveal what exists), 400 for /me without a user,
// and what share lookups return (400 malformed, 403 unusable link).
func (st *state) resolve(k *call) (*target, *graphError) {
	t := &target{}
	c := k.c
	for _, s := range k.rt.steps {
		switch s.kind {
		case stMe:
			if c.app {
				return nil, errMeNeedsUser()
			}
		case stMyDrive:
			if c.app {
				return nil, errMeNeedsUser()
			}
			if c.user == nil || c.user.drive == nil {
				return nil, errNotFound()
			}
			t.drive = c.user.drive
		case stDrive:
			t.drive = st.driveIdx[fold(s.arg)]
		case stUserDrive:
			if u := st.user(s.arg); u != nil {
				t.drive = u.drive
			}
		case stGroup:
			t.group = st.groupIdx[fold(s.arg)]
		case stJoinedGroup:
			if g := st.groupIdx[fold(s.arg)]; g != nil && c.user != nil && g.members[c.user] {
				t.group = g
			}
			if t.group == nil {
				return nil, errNotFound()
			}
		case stGroupDrive:
			if t.group != nil {
				t.drive = t.group.site.drive
			}
		case stChannel:
			if t.group != nil {
				t.item = t.group.channels[fold(s.arg)]
			}
			if t.item == nil {
				return nil, errNotFound()
			}
			t.drive = t.item.drive
		case stSite:
			t.site = st.siteIdx[fold(s.arg)]
			if t.site == nil || (t.group != nil && t.group.site != t.site) {
				return nil, errNotFound()
			}
		case stSiteDrive:
			t.drive = t.site.drive
		case stSiteShared:
			if err := st.resolveSiteShared(k, t, s.arg); err != nil {
				return nil, err
			}
			continue
		case stShare:
			ref, err := st.lookupShare(s.arg)
			if err != nil {
				return nil, err
			}
			t.share, t.shareBase, t.drive = ref, ref.item, ref.item.drive
			if k.rt.name == nameGrant {
				t.item = ref.item // the grant handler decides who may grant
				continue
			}
			lvl, err := st.useShare(c, ref, k.now)
			if err != nil {
				return nil, err
			}
			t.shareLevel = lvl
			if k.rt.name == nameSharesPermission {
				t.item = ref.item
			}
			continue
		case stShareItem:
			t.item = t.shareBase
		case stShareChild:
			if it := st.items[fold(s.arg)]; it != nil && it.within(t.shareBase) {
				t.item = it
			} else {
				return nil, errNotFound()
			}
		case stWorkbook:
			// a workbook is addressed by its driveItem id
			t.item = st.items[fold(s.arg)]
			if t.item == nil {
				return nil, errNotFound()
			}
			t.drive = t.item.drive
		case stRoot:
			t.item = t.drive.root
		case stItem, stActivity:
			// bundles, following and activities are simplified to "any item of
			// the drive"
			if it := st.items[fold(s.arg)]; it != nil && it.drive == t.drive {
				t.item = it
			} else {
				return nil, errNotFound()
			}
		case stSpecial:
			t.item = t.drive.special[fold(s.arg)]
		case stPath:
			t.item = st.itemByPath(t.item, s.path)
		case stChild:
			if it := st.items[fold(s.arg)]; it != nil && it.parent == t.item {
				t.item = it
			} else {
				return nil, errNotFound()
			}
		case stSame:
		case stList:
			// a site's document library, by list id or by its title
			d := t.site.drive
			if d == nil || !(strings.EqualFold(s.arg, d.listID) || strings.EqualFold(s.arg, "Documents") || strings.EqualFold(s.arg, "Shared Documents")) {
				return nil, errNotFound()
			}
			t.drive = d
		case stListItem:
			// a list item id (the library's integer ids) or the driveItem id
			it := t.drive.listItems[s.arg]
			if it == nil {
				if x := st.items[fold(s.arg)]; x != nil && x.drive == t.drive && x.parent != nil {
					it = x
				}
			}
			if it == nil {
				return nil, errNotFound()
			}
			t.item = it
		case stStatActivity:
			if it := st.items[fold(s.arg)]; it != nil && it.drive == t.item.drive {
				t.item = it
			} else {
				return nil, errNotFound()
			}
		}
		if needsDrive(s.kind) && t.drive == nil {
			return nil, errNotFound()
		}
		if needsItem(s.kind) && t.item == nil {
			return nil, errNotFound()
		}
		if s.kind == stGroup && t.group == nil {
			return nil, errNotFound()
		}
	}
	if t.share != nil && (t.item == nil || !t.item.within(t.shareBase)) {
		// a link's rights stop at its item's subtree
		t.shareLevel = lvlNone
	}
	return t, nil
}

func needsDrive(k stepKind) bool {
	switch k {
	case stMyDrive, stDrive, stUserDrive, stGroupDrive, stSiteDrive, stList:
		return true
	}
	return false
}

func needsItem(k stepKind) bool {
	switch k {
	case stChannel, stShareItem, stShareChild, stWorkbook, stRoot, stItem, stActivity, stSpecial, stPath, stChild, stStatActivity, stListItem:
		return true
	}
	return false
}

// resolveSiteShared handles sites/{s}/items/{b}/microsoft.graph.sharedDriveItem:
// {b} is a sharing id (u!, s!), an item of the site's library, or the
// library's drive id.
func (st *state) resolveSiteShared(k *call, t *target, b string) *graphError {
	d := t.site.drive
	if d == nil {
		return errNotFound()
	}
	if strings.HasPrefix(b, "u!") || strings.HasPrefix(b, "s!") {
		ref, err := st.lookupShare(b)
		if err != nil {
			return err
		}
		if ref.item.drive != d {
			return errNotFound()
		}
		lvl, err := st.useShare(k.c, ref, k.now)
		if err != nil {
			return err
		}
		t.share, t.shareBase, t.shareLevel, t.drive = ref, ref.item, lvl, d
		return nil
	}
	if it := st.items[fold(b)]; it != nil && it.drive == d {
		t.shareBase, t.drive = it, d
		return nil
	}
	if strings.EqualFold(b, d.id) {
		t.shareBase, t.drive = d.root, d
		return nil
	}
	return errNotFound()
}

// itemLevel is the caller's level on the resolved item: its own rights, or
// what the link it came through allows, whichever is more.
func (st *state) itemLevel(c *caller, t *target) level {
	return max(st.level(c, t.item), t.shareLevel)
}

// needLevel turns a too-low level into Graph's answer: invisible items are
// not found, visible but not shareable ones are denied.
func needLevel(have, want level) *graphError {
	switch {
	case have >= want:
		return nil
	case have == lvlNone:
		return errNotFound()
	default:
		return errDenied("Access denied: the caller can see this item but may not change its sharing.")
	}
}

// resolveToShare resolves the item an action shares (createLink, invite)
// and the caller's own level on it, which must be write: a link lets its
// holder use the item, not reshare it (403 when the caller can see the
// item, 404 when it cannot).
func (st *state) resolveToShare(k *call) (*target, level, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return nil, 0, err
	}
	own := st.level(k.c, t.item)
	if own < lvlWrite {
		if max(own, t.shareLevel) >= lvlRead {
			return nil, 0, errDenied("Access denied: the caller may not share this item.")
		}
		return nil, 0, errNotFound()
	}
	return t, own, nil
}
