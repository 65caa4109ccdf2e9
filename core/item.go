package core

import "github.com/sharelink/sharelink/internal/jsontext"

// driveItemDepth bounds an upstream driveItem: its facets nest a few
// levels; 64 leaves room for what Graph may add.
const driveItemDepth = 64

// CheckItem vets a driveItem answer (GET of an item, /shares/{id}/driveItem)
// before it is passed on as Graph sent it: sharelink shapes permissions,
// not items, but never forwards what is not one JSON object.
func CheckItem(body []byte) error {
	if p, _ := jsontext.Check(body, driveItemDepth); p != jsontext.OK {
		return badGateway("body", "the upstream driveItem is unusable: "+p.String())
	}
	return nil
}
