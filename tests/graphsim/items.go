package graphsim

import (
	"net/http"
	"time"
)

// JSON shapes of driveItem and drive, reduced to what sharing clients read.
type driveItemJSON struct {
	Context              string         `json:"@odata.context,omitempty"`
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	WebURL               string         `json:"webUrl"`
	Size                 int64          `json:"size"`
	CreatedDateTime      string         `json:"createdDateTime"`
	LastModifiedDateTime string         `json:"lastModifiedDateTime"`
	CreatedBy            *identitySet   `json:"createdBy,omitempty"`
	ParentReference      *itemReference `json:"parentReference,omitempty"`
	File                 *fileFacet     `json:"file,omitempty"`
	Folder               *folderFacet   `json:"folder,omitempty"`
	Root                 *struct{}      `json:"root,omitempty"`
}

type fileFacet struct {
	MimeType string `json:"mimeType"`
}

type folderFacet struct {
	ChildCount int `json:"childCount"`
}

type itemList struct {
	Context string          `json:"@odata.context,omitempty"`
	Value   []driveItemJSON `json:"value"`
}

type driveJSON struct {
	Context   string       `json:"@odata.context,omitempty"`
	ID        string       `json:"id"`
	DriveType string       `json:"driveType"`
	Name      string       `json:"name"`
	WebURL    string       `json:"webUrl"`
	Owner     *driveOwner  `json:"owner,omitempty"`
	CreatedBy *identitySet `json:"createdBy,omitempty"`
}

type driveOwner struct {
	User  *identity `json:"user,omitempty"`
	Group *identity `json:"group,omitempty"`
}

func (st *state) renderItem(it *item) driveItemJSON {
	stamp := seedTime.Format(time.RFC3339)
	j := driveItemJSON{ID: it.id, Name: it.name, WebURL: it.webURL, Size: treeSize(it),
		CreatedDateTime: stamp, LastModifiedDateTime: stamp}
	if it.drive.owner != nil {
		j.CreatedBy = &identitySet{User: userIdentity(it.drive.owner)}
	}
	if it.parent == nil {
		j.Root = &struct{}{}
		j.ParentReference = &itemReference{DriveID: it.drive.id, DriveType: it.drive.driveType}
	} else {
		j.ParentReference = &itemReference{DriveID: it.drive.id, DriveType: it.drive.driveType, ID: it.parent.id, Path: it.parent.graphPath()}
	}
	if it.folder {
		j.Folder = &folderFacet{ChildCount: len(it.children)}
	} else {
		j.File = &fileFacet{MimeType: mimeType(it.name)}
	}
	return j
}

func treeSize(it *item) int64 {
	if !it.folder {
		return it.size
	}
	var n int64
	for _, c := range it.children {
		n += treeSize(c)
	}
	return n
}

func (st *state) renderDrive(d *drive) driveJSON {
	j := driveJSON{ID: d.id, DriveType: d.driveType, Name: "OneDrive", WebURL: d.webURL}
	switch {
	case d.owner != nil:
		j.Owner = &driveOwner{User: userIdentity(d.owner)}
	case d.site != nil:
		j.Name = "Documents"
		for _, g := range st.groups {
			if g.site == d.site {
				j.Owner = &driveOwner{Group: &identity{ID: g.id, DisplayName: g.name}}
				break
			}
		}
		if j.Owner == nil {
			j.Owner = &driveOwner{User: &identity{DisplayName: "System Account"}}
		}
	}
	return j
}

// getItem: GET of any item address, including /shares/{id}/driveItem.
func (st *state) getItem(k *call) (reply, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	if err := needLevel(st.itemLevel(k.c, t), lvlRead); err != nil {
		return reply{}, err
	}
	j := st.renderItem(t.item)
	j.Context = contextURL(k.rt.version, "driveItem")
	return reply{status: http.StatusOK, body: j}, nil
}

// children: GET …/children; children the caller cannot see are left out.
func (st *state) children(k *call) (reply, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	if err := needLevel(st.itemLevel(k.c, t), lvlRead); err != nil {
		return reply{}, err
	}
	out := itemList{Context: contextURL(k.rt.version, "Collection(driveItem)"), Value: []driveItemJSON{}}
	for _, c := range st.visibleChildren(k.c, t.item, t.shareLevel) {
		out.Value = append(out.Value, st.renderItem(c))
	}
	return reply{status: http.StatusOK, body: out}, nil
}

// getDrive: GET /me/drive, /drives/{id}, /users/{id}/drive, ….
func (st *state) getDrive(k *call) (reply, *graphError) {
	t, err := st.resolve(k)
	if err != nil {
		return reply{}, err
	}
	if !st.driveVisible(k.c, t.drive) {
		return reply{}, errNotFound()
	}
	j := st.renderDrive(t.drive)
	j.Context = contextURL(k.rt.version, "drives/$entity")
	return reply{status: http.StatusOK, body: j}, nil
}
