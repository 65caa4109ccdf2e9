package core

import "time"

// What a caller gives core besides a body — the clock, the policy, what
// the item is, its headers — and what core gives back to send: shared by
// every action's row, so they live apart from any one action.

// Context is what core needs from its caller besides the request: the
// clock, the policy and, when known, what the item is.
type Context struct {
	Now       time.Time
	Policy    *Policy
	DriveType DriveType
	ItemKind  ItemKind
	// Header gives the request's header of a name ("" when absent), for
	// the headers an action forwards (If-Match, If-None-Match); nil: none.
	Header func(name string) string
}

// Request is an HTTP request to send to Graph: Path is relative to the
// configured Graph base URL, Body is canonical JSON. The caller adds its
// Authorization header; core never sees a token.
type Request struct {
	Method      string
	Path        string
	ContentType string
	Body        []byte
	// Adjusted lists what the policy changed (a clamped expiry): reported,
	// never silent.
	Adjusted []Adjustment
	// Requested and Applied are the sharing terms asked for and sent
	// after the policy; Findings the rules that fired (policycheck.go).
	Requested, Applied Terms
	Findings           []Finding
	// Headers are the caller's headers the action forwards, checked and
	// written canonically: {name, value}, in a fixed order.
	Headers [][2]string
}

// jsonMediaType is the content type of every body sharelink sends.
const jsonMediaType = "application/json"

// DriveType is what kind of drive holds the item, when the caller knows.
type DriveType uint8

const (
	DriveUnknown DriveType = iota
	DrivePersonal
	DriveBusiness
	DriveDocumentLibrary
)

var driveTypeNames = [...]string{"", "personal", "business", "documentLibrary"}

func (d DriveType) String() string { return enumName(driveTypeNames[:], int(d)) }

// ItemKind is whether the item is a file or a folder, when the caller knows.
type ItemKind uint8

const (
	ItemUnknown ItemKind = iota
	ItemFile
	ItemFolder
)

var itemKindNames = [...]string{"", "file", "folder"}

func (k ItemKind) String() string { return enumName(itemKindNames[:], int(k)) }

// ParseDriveType and ParseItemKind read the optional platform hints.
func ParseDriveType(s string) (DriveType, error) {
	if i := enumIndex(driveTypeNames[:], s); i > 0 {
		return DriveType(i), nil
	}
	return 0, invalid("driveType", "'driveType' must be personal, business or documentLibrary")
}

func ParseItemKind(s string) (ItemKind, error) {
	if i := enumIndex(itemKindNames[:], s); i > 0 {
		return ItemKind(i), nil
	}
	return 0, invalid("itemKind", "'itemKind' must be file or folder")
}

func enumName(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return "unknown"
}

func enumIndex(names []string, s string) int {
	for i := 1; i < len(names); i++ {
		if names[i] == s {
			return i
		}
	}
	return 0
}

// Tri is an optional boolean: a property absent is not a property false.
type Tri uint8

const (
	Unset Tri = iota
	False
	True
)
