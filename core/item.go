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

// ShapeCollection is ShapePermission for the answers Graph documents as
// collections (grant, list permissions): a single permission — beta may
// answer a grant with one, wrapped — comes back as {"value":[...]} too, so
// callers meet one shape.
func ShapeCollection(status int, body []byte) (Shaped, error) {
	s, err := shapeCollection(status, body)
	if err != nil {
		return s, err
	}
	return s, nil
}

func shapeCollection(status int, body []byte) (Shaped, *Error) {
	s, err := shapePermission(status, body)
	if err != nil {
		return Shaped{Link: -1}, err
	}
	if s.Collection {
		return s, nil
	}
	b := make([]byte, 0, len(s.Body)+len(`{"value":[]}`))
	b = append(b, `{"value":[`...)
	b = append(b, s.Body...)
	s.ends = []int{len(b)}
	s.Body = append(b, "]}"...)
	s.Collection, s.Created = true, false
	return s, nil
}
