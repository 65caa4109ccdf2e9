package core

import (
	"bytes"
	"strconv"

	"github.com/sharelink/sharelink/internal/jsontext"
)

// PermissionKind classifies a shaped permission. See ShapePermission for
// the rule.
type PermissionKind uint8

// KindOther is the zero value so that an unclassified permission never
// passes for a link.
const (
	KindOther PermissionKind = iota
	KindLink
	KindUserGrant
	KindInvitation
	KindOwner
)

var permissionKindNames = [...]string{"other", "link", "userGrant", "invitation", "owner"}

func (k PermissionKind) String() string {
	if int(k) < len(permissionKindNames) {
		return permissionKindNames[k]
	}
	return "other"
}

// Shaped is a Graph permission response in canonical form.
type Shaped struct {
	Body       []byte           // one permission object, or {"value":[...]} for a collection
	Collection bool             // the body was {"value":[...]}
	Created    bool             // a single permission answered with 201 (createLink made a new link)
	Kinds      []PermissionKind // one per permission, in order
	Link       int              // index of the first permission whose link has a scope (grant's updated link); -1 if none
	ends       []int            // collections: offset in Body just past each entry
}

// Entry returns the canonical bytes of permission i: a sub-slice of Body.
func (s *Shaped) Entry(i int) []byte {
	if !s.Collection {
		if i == 0 {
			return s.Body
		}
		return nil
	}
	if i < 0 || i >= len(s.ends) {
		return nil
	}
	start := len(`{"value":[`)
	if i > 0 {
		start = s.ends[i-1] + 1 // past the comma
	}
	return s.Body[start:s.ends[i]]
}

// permissionDepth bounds an upstream permission body: identity sets nest
// three or four levels; 64 leaves room for properties Graph may add.
const permissionDepth = 64

// ShapePermission turns a Graph permission response into the documented
// v1.0 permission schema, canonically: the same input gives the same bytes
// on every target, and shaping the output again gives it back unchanged.
//
// status must be 200 or 201: any other status does not carry a permission
// (shape Graph's errors with ParseUpstreamError), so it is a 502
// badGateway with target "status". Created is true for a single
// permission with 201: createLink answers 201 when it made a link and 200
// when it returned an existing one.
//
// body is one of Graph's three shapes: a permission {...}; the beta
// wrapper {"value":{...}} (seed 002), shaped as a single permission; a
// collection {"value":[...]} (list permissions, grant). A body with a
// "value" member is a wrapper and may hold nothing else but annotations;
// "value" is therefore never a permission's own property.
//
// Each permission is written with these members, in this order, then its
// unknown members in input order: id, roles, link, hasPassword,
// expirationDateTime, grantedToV2, grantedToIdentitiesV2, grantedTo,
// grantedToIdentities, invitation, inheritedFrom, shareId. The link
// facet's members are ordered type, scope, webUrl, webHtml,
// preventsDownload, application, then unknown ones. Other values are
// re-encoded as jsontext.Index.AppendCanonical does. Also:
//   - OData annotations (any key containing "@odata") are dropped at every
//     level;
//   - a known property that is null is absent (null is how serialisers
//     write unset properties); unknown ones are kept as they are;
//   - grantedToV2 is filled from grantedTo when only grantedTo is present,
//     and the reverse; grantedToIdentitiesV2 and grantedToIdentities alike;
//   - roles: "sp.owner" becomes "owner", "sp.member" "member", repeats are
//     dropped, the order is otherwise kept;
//   - expirationDateTime 0001-01-01T00:00:00Z (Graph's "never", with or
//     without zero fractional digits, Z or ±00:00) is removed.
//
// Classification, first match wins: an invitation facet → KindInvitation
// (grant's invitations to external users carry a link too); a role "owner"
// → KindOwner; a link facet → KindLink; grantedToV2 or grantedTo with at
// least one member → KindUserGrant; else KindOther.
//
// Strings keep their text. An escape that is not a UTF-16 character (a
// lone surrogate, \uD800–\uDFFF outside a high-low pair) is read as
// U+FFFD, as gjson and encoding/json read it: request bodies refuse such
// escapes (what the caller wrote must reach Graph as written), Graph's
// answers keep them, replaced. Refusing them here would turn a link Graph
// has already made into a 502 for one broken character of a display
// name, and U+FFFD is what every JSON client of Graph reads there anyway.
//
// Graph's bodies are checked as strictly as requests: malformed JSON,
// invalid UTF-8, nesting past 64 levels, a non-object permission, a known
// property of the wrong type, or a key repeated in any object (Graph's
// clients read the last one, gjson the first: the body is ambiguous) give
// a 502 badGateway whose target is the body path at fault ("body",
// "roles[1]", "value[3].link.scope").
func ShapePermission(status int, body []byte) (Shaped, error) {
	s, err := shapePermission(status, body)
	if err != nil {
		return Shaped{Link: -1}, err
	}
	return s, nil
}

func shapePermission(status int, body []byte) (Shaped, *Error) {
	// The index is a field, not a pointer: Body, built in sh, leaves the
	// call, and a pointer kept beside it would take the index along to
	// the heap.
	sh := permShaper{index: -1}
	return sh.shape(status, body)
}

// shape is shapePermission on a fresh sh (index -1), whose work the
// complexity tests may set.
func (sh *permShaper) shape(status int, body []byte) (Shaped, *Error) {
	out := Shaped{Link: -1}
	if status != 200 && status != 201 {
		return out, badGateway("status", "the upstream answered HTTP "+strconv.Itoa(status)+", which carries no permission")
	}
	if p, key := jsontext.CheckIndexed(body, permissionDepth, &sh.ix); p != jsontext.OK {
		if p != jsontext.TooDeep || key == "" {
			key = "body"
		}
		return out, badGateway(key, "the upstream permission body is unusable: "+p.String())
	}
	// Check accepted body: from here on it is walked and written by the
	// index, without a copy to a string or a gjson.Result per member.
	// Room for the identity copies that filling adds; growth past it is
	// amortised.
	sh.dst = make([]byte, 0, len(body)+len(body)/2+64)
	obj := sh.ix.Root()
	var f permFields
	if !sh.collect(obj, &f) {
		return out, sh.err
	}
	if v := f.v[pValue]; v.Raw != nil {
		if k, found := sh.besideValue(obj); found {
			other := segmentForMessage(string(k))
			target := other
			if target == "" {
				target = "body"
			}
			return out, badGateway(target, "the upstream wrapper has '"+other+"' beside 'value'")
		}
		if v.Raw[0] == '[' {
			return sh.collection(out, v)
		}
		if v.Raw[0] != '{' {
			return out, badGateway("value", "the upstream 'value' must be a permission or an array of permissions, not "+jsontext.RawTypeName(v.Raw))
		}
		sh.wrapped = true
		f = permFields{}
		if !sh.collect(v, &f) || !sh.noValue(&f) {
			return out, sh.err
		}
		obj = v
	}
	k := sh.write(obj, &f)
	if sh.err != nil {
		return out, sh.err
	}
	out.Body = sh.dst
	out.Kinds = []PermissionKind{k}
	out.Created = status == 201
	if sh.hasScope {
		out.Link = 0
	}
	return out, nil
}

func (sh *permShaper) collection(out Shaped, arr jsontext.Value) (Shaped, *Error) {
	out.Collection = true
	out.Kinds = make([]PermissionKind, 0, 16)
	out.ends = make([]int, 0, 16)
	sh.dst = append(sh.dst, `{"value":[`...)
	sh.index = 0
	for it := sh.ix.Elements(arr); it.Next(&sh.ix); {
		e := it.Val
		if e.Raw[0] != '{' {
			sh.err = badGateway(sh.path(""), "the upstream permission "+sh.path("")+" is "+jsontext.RawTypeName(e.Raw)+", not an object")
			break
		}
		var f permFields
		if !sh.collect(e, &f) || !sh.noValue(&f) {
			break
		}
		if sh.index > 0 {
			sh.dst = append(sh.dst, ',')
		}
		sh.hasScope = false
		k := sh.write(e, &f)
		if sh.err != nil {
			break
		}
		if sh.hasScope && out.Link < 0 {
			out.Link = sh.index
		}
		out.Kinds = append(out.Kinds, k)
		out.ends = append(out.ends, len(sh.dst))
		sh.index++
	}
	if sh.err != nil {
		return Shaped{Link: -1}, sh.err
	}
	out.Body = append(sh.dst, "]}"...)
	return out, nil
}

// Slots of the permission members shaping reads, in output order; pValue
// is the wrapper's member.
const (
	pID = iota
	pRoles
	pLink
	pHasPassword
	pExpiration
	pGrantedToV2
	pGrantedToIdentitiesV2
	pGrantedTo
	pGrantedToIdentities
	pInvitation
	pInheritedFrom
	pShareID
	pValue
	pCount
)

var permissionKeys = [pCount]string{"id", "roles", "link", "hasPassword", "expirationDateTime",
	"grantedToV2", "grantedToIdentitiesV2", "grantedTo", "grantedToIdentities",
	"invitation", "inheritedFrom", "shareId", "value"}

// The JSON type each slot must have.
const (
	tAny = iota
	tString
	tBool
	tObject
	tArray
)

var permissionTypes = [pCount]uint8{tString, tArray, tObject, tBool, tString,
	tObject, tArray, tObject, tArray,
	tObject, tObject, tString, tAny}

// slot is the index of k in names, or -1.
func slot(names []string, k []byte) int {
	for i, name := range names {
		if name == string(k) {
			return i
		}
	}
	return -1
}

func permissionSlot(k []byte) int { return slot(permissionKeys[:], k) }

func linkSlot(k []byte) int { return slot(linkKeys[:], k) }

// permFields holds one object's known members; absent and null ones
// have a nil Raw, except a null "value", kept to be refused.
type permFields struct {
	v       [pCount]jsontext.Value
	unknown bool // members besides the known ones and annotations
}

// permShaper carries one call's output and scratch space.
type permShaper struct {
	dst      []byte
	ix       jsontext.Index // body's tokens; its Work, when set, counts key comparisons (the complexity tests)
	err      *Error
	wrapped  bool // the single permission came as {"value":{...}}
	index    int  // collection entry being shaped; -1 for a single
	hasScope bool // the permission being written has a link with a scope
}

func badGateway(target, msg string) *Error {
	return &Error{Status: 502, Code: CodeBadGateway, Message: msg, Target: target}
}

// key appends the known property name: jsontext.AppendKey's bytes, as
// the names need no escaping.
func (sh *permShaper) key(name string) {
	if n := len(sh.dst); n > 0 && sh.dst[n-1] != '{' && sh.dst[n-1] != '[' {
		sh.dst = append(sh.dst, ',')
	}
	sh.dst = append(sh.dst, '"')
	sh.dst = append(sh.dst, name...)
	sh.dst = append(sh.dst, '"', ':')
}

// path names rel inside the current permission for an error target.
func (sh *permShaper) path(rel string) string {
	var p string
	switch {
	case sh.index >= 0:
		p = "value[" + strconv.Itoa(sh.index) + "]"
	case sh.wrapped:
		p = "value"
	default:
		if rel == "" {
			return "body"
		}
		return rel
	}
	if rel == "" {
		return p
	}
	return p + "." + rel
}

func (sh *permShaper) duplicate(rel, k string) bool {
	k = segmentForMessage(k)
	sh.err = badGateway(sh.path(rel), "the upstream body repeats the key '"+k+"'; it is ambiguous")
	return false
}

func (sh *permShaper) wrongType(rel string, v []byte, want string) bool {
	sh.err = badGateway(sh.path(rel), "the upstream '"+sh.path(rel)+"' must be "+want+", not "+jsontext.RawTypeName(v))
	return false
}

// collect reads the permission obj's members into f.
func (sh *permShaper) collect(obj jsontext.Value, f *permFields) (ok bool) {
	f.unknown, ok = sh.fields(obj, "", permissionKeys[:], permissionTypes[:], f.v[:])
	return ok
}

// fields reads obj's members named in names into vals, checking keys
// and, by types, the JSON types of the known members; a null known
// member stays out unless its type is tAny. prefix names obj in targets.
// unknown reports members besides the known ones and annotations.
func (sh *permShaper) fields(obj jsontext.Value, prefix string, names []string, types []uint8, vals []jsontext.Value) (unknown, ok bool) {
	// Graph's answers may hold any number of unknown members: Keys
	// compares the first keys with the earlier ones and puts them all in
	// a hash set past that, so that an answer of n keys costs n, not n².
	keys := sh.ix.Keys(obj, true)
	for it := sh.ix.Members(obj); it.Next(&sh.ix); {
		k, v := it.Text, it.Val
		if jsontext.IsAnnotation(k) {
			continue
		}
		if keys.Add(&sh.ix, k) {
			return false, sh.duplicate(prefix+segmentForMessage(string(k)), string(k))
		}
		switch i := slot(names, k); {
		case i < 0:
			unknown = true
		case v.Raw[0] == 'n' && types[i] != tAny:
		case !sh.typed(prefix, names[i], types[i], v.Raw):
			return false, false
		default:
			vals[i] = v
		}
	}
	return unknown, true
}

// besideValue returns the first key of the wrapper obj besides "value"
// and annotations.
func (sh *permShaper) besideValue(obj jsontext.Value) (key []byte, found bool) {
	for it := sh.ix.Members(obj); it.Next(&sh.ix); {
		if k := it.Text; !jsontext.IsAnnotation(k) && string(k) != "value" {
			return k, true
		}
	}
	return nil, false
}

// noValue refuses "value" inside a permission: written at the top, it
// would read back as a wrapper.
func (sh *permShaper) noValue(f *permFields) bool {
	if f.v[pValue].Raw != nil {
		sh.err = badGateway(sh.path("value"), "a permission has no 'value' property")
		return false
	}
	return true
}

// typed checks v, the member prefix+k of type t, by its first byte:
// Check accepted the body, so a value starting with '"' is a string,
// with '{' an object. The target is joined only for an error: this is
// the hot path.
func (sh *permShaper) typed(prefix, k string, t uint8, v []byte) bool {
	switch t {
	case tString:
		if v[0] != '"' {
			return sh.wrongType(prefix+k, v, "a string")
		}
	case tBool:
		if v[0] != 't' && v[0] != 'f' {
			return sh.wrongType(prefix+k, v, "a boolean")
		}
	case tObject:
		if v[0] != '{' {
			return sh.wrongType(prefix+k, v, "an object")
		}
	case tArray:
		if v[0] != '[' {
			return sh.wrongType(prefix+k, v, "an array")
		}
	}
	return true
}

// canonical appends v, the member k, by the index's AppendCanonical; a
// repeated key inside it fails the shaping, with prefix+k as the target
// (joined only then: this is the hot path).
func (sh *permShaper) canonical(prefix, k string, v jsontext.Value) bool {
	var dup string
	var found bool
	if sh.dst, dup, found = sh.ix.AppendCanonical(sh.dst, v); found {
		return sh.duplicate(prefix+segmentForMessage(k), dup)
	}
	return true
}

// write appends the permission obj, whose members collect read into f,
// and classifies it. On failure sh.err is set.
func (sh *permShaper) write(obj jsontext.Value, f *permFields) PermissionKind {
	sh.dst = append(sh.dst, '{')
	if v := f.v[pID].Raw; v != nil {
		sh.key("id")
		sh.dst = jsontext.AppendRawString(sh.dst, v)
	}
	owner := false
	if v := f.v[pRoles]; v.Raw != nil {
		if owner = sh.roles(v); sh.err != nil {
			return KindOther
		}
	}
	if v := f.v[pLink]; v.Raw != nil {
		if !sh.link(v) {
			return KindOther
		}
	}
	if v := f.v[pHasPassword].Raw; v != nil {
		sh.key("hasPassword")
		sh.dst = jsontext.AppendBool(sh.dst, v[0] == 't')
	}
	if v := f.v[pExpiration].Raw; v != nil && !isNeverExpiry(jsontext.Unquote(v)) {
		sh.key("expirationDateTime")
		sh.dst = jsontext.AppendRawString(sh.dst, v)
	}
	if !sh.identities(f) {
		return KindOther
	}
	for _, i := range [...]int{pInvitation, pInheritedFrom} {
		if v := f.v[i]; v.Raw != nil {
			sh.key(permissionKeys[i])
			if !sh.canonical("", permissionKeys[i], v) {
				return KindOther
			}
		}
	}
	if v := f.v[pShareID].Raw; v != nil {
		sh.key("shareId")
		sh.dst = jsontext.AppendRawString(sh.dst, v)
	}
	if f.unknown && !sh.unknown(obj, "", permissionKeys[:]) {
		return KindOther
	}
	sh.dst = append(sh.dst, '}')

	switch {
	case f.v[pInvitation].Raw != nil:
		return KindInvitation
	case owner:
		return KindOwner
	case f.v[pLink].Raw != nil:
		return KindLink
	case hasMember(&sh.ix, f.v[pGrantedToV2]) || hasMember(&sh.ix, f.v[pGrantedTo]):
		return KindUserGrant
	}
	return KindOther
}

// identities writes grantedToV2, grantedToIdentitiesV2, grantedTo and
// grantedToIdentities. When only one of a V2/legacy pair is present both
// get its canonical bytes, written once and then copied.
func (sh *permShaper) identities(f *permFields) bool {
	var spans [2][2]int
	for j, pair := range [2][2]int{{pGrantedToV2, pGrantedTo}, {pGrantedToIdentitiesV2, pGrantedToIdentities}} {
		v := f.v[pair[0]]
		if v.Raw == nil {
			v = f.v[pair[1]]
		}
		if v.Raw != nil {
			sh.key(permissionKeys[pair[0]])
			spans[j][0] = len(sh.dst)
			if !sh.canonical("", permissionKeys[pair[0]], v) {
				return false
			}
			spans[j][1] = len(sh.dst)
		}
	}
	for j, pair := range [2][2]int{{pGrantedToV2, pGrantedTo}, {pGrantedToIdentitiesV2, pGrantedToIdentities}} {
		if spans[j][1] == 0 {
			continue
		}
		sh.key(permissionKeys[pair[1]])
		if a, b := f.v[pair[0]], f.v[pair[1]]; a.Raw != nil && b.Raw != nil && !bytes.Equal(a.Raw, b.Raw) {
			if !sh.canonical("", permissionKeys[pair[1]], b) {
				return false
			}
			continue
		}
		// Appending a slice of dst to itself is safe: on growth the old
		// array is still intact, else the copy lands past len.
		sh.dst = append(sh.dst, sh.dst[spans[j][0]:spans[j][1]]...)
	}
	return true
}

// roles writes roles with SharePoint's names mapped and repeats dropped,
// and reports whether "owner" is among them.
func (sh *permShaper) roles(v jsontext.Value) (owner bool) {
	sh.key("roles")
	sh.dst = append(sh.dst, '[')
	// The first roles are compared with the earlier ones; past them, the
	// roles go once into a hash set (jsontext.Repeats), as keys do.
	var seen [16][]byte
	var rep []bool
	i, written := 0, 0
	for it := sh.ix.Elements(v); it.Next(&sh.ix); {
		e := it.Val.Raw
		if e[0] != '"' {
			sh.wrongType("roles["+strconv.Itoa(i)+"]", e, "a string")
			break
		}
		r, mapped := roleText(e)
		repeat := false
		if i < len(seen) {
			for _, x := range seen[:i] {
				if sh.ix.Work != nil {
					*sh.ix.Work++
				}
				if bytes.Equal(x, r) {
					repeat = true
					break
				}
			}
			seen[i] = r
		} else {
			if rep == nil {
				rep = jsontext.Repeats(sh.roleTexts(v), sh.ix.Work)
			}
			repeat = i < len(rep) && rep[i]
		}
		i++
		if repeat {
			continue
		}
		written++
		if written > 1 {
			sh.dst = append(sh.dst, ',')
		}
		if mapped {
			sh.dst = jsontext.AppendString(sh.dst, string(r))
		} else {
			sh.dst = jsontext.AppendRawString(sh.dst, e)
		}
		owner = owner || string(r) == "owner"
	}
	sh.dst = append(sh.dst, ']')
	return owner
}

// roleText is the text of the role e (a raw string), SharePoint's names
// mapped: "sp.owner" is "owner", "sp.member" "member" (mapped true).
func roleText(e []byte) (r []byte, mapped bool) {
	r = jsontext.Unquote(e)
	switch string(r) {
	case "sp.owner", "sp.member":
		return r[len("sp."):], true // the text "owner" or "member", without an allocation
	}
	return r, false
}

// roleTexts is roleText of each element of the array v, up to the first
// that is not a string (roles stops there).
func (sh *permShaper) roleTexts(v jsontext.Value) [][]byte {
	var texts [][]byte
	for it := sh.ix.Elements(v); it.Next(&sh.ix); {
		if it.Val.Raw[0] != '"' {
			break
		}
		r, _ := roleText(it.Val.Raw)
		texts = append(texts, r)
	}
	return texts
}

// Slots of the link facet, in output order.
const (
	lType = iota
	lScope
	lWebURL
	lWebHTML
	lPreventsDownload
	lApplication
	lCount
)

var (
	linkKeys  = [lCount]string{"type", "scope", "webUrl", "webHtml", "preventsDownload", "application"}
	linkTypes = [lCount]uint8{tString, tString, tString, tString, tBool, tObject}
)

// link writes the link facet and notes whether it has a scope.
func (sh *permShaper) link(obj jsontext.Value) bool {
	var f [lCount]jsontext.Value
	unknown, ok := sh.fields(obj, "link.", linkKeys[:], linkTypes[:], f[:])
	if !ok {
		return false
	}
	sh.hasScope = f[lScope].Raw != nil
	sh.key("link")
	sh.dst = append(sh.dst, '{')
	for i, v := range f {
		if v.Raw != nil {
			sh.key(linkKeys[i])
			if !sh.canonical("link.", linkKeys[i], v) {
				return false
			}
		}
	}
	if unknown && !sh.unknown(obj, "link.", linkKeys[:]) {
		return false
	}
	sh.dst = append(sh.dst, '}')
	return true
}

// unknown writes obj's members besides names, in input order,
// annotations dropped.
func (sh *permShaper) unknown(obj jsontext.Value, prefix string, names []string) bool {
	for it := sh.ix.Members(obj); it.Next(&sh.ix); {
		if k := it.Text; !jsontext.IsAnnotation(k) && slot(names, k) < 0 {
			sh.dst = jsontext.AppendRawKey(sh.dst, it.Key)
			if !sh.canonical(prefix, string(k), it.Val) {
				return false
			}
		}
	}
	return true
}

// hasMember reports whether v is an object with a member other than an
// annotation: an identity set that names someone.
func hasMember(ix *jsontext.Index, v jsontext.Value) bool {
	if len(v.Raw) == 0 || v.Raw[0] != '{' {
		return false
	}
	for it := ix.Members(v); it.Next(ix); {
		if !jsontext.IsAnnotation(it.Text) {
			return true
		}
	}
	return false
}

// isNeverExpiry reports whether s is 0001-01-01T00:00:00 UTC, which Graph
// writes for a link that does not expire: optional zero fraction, then Z,
// z, +00:00 or -00:00. It reads raw text as well, without a copy.
func isNeverExpiry[T ~string | ~[]byte](s T) bool {
	const never = "0001-01-01T00:00:00"
	if len(s) < len(never) || string(s[:len(never)]) != never {
		return false
	}
	r := s[len(never):]
	if len(r) > 1 && r[0] == '.' {
		n := 1
		for n < len(r) && r[n] == '0' {
			n++
		}
		if n == 1 {
			return false
		}
		r = r[n:]
	}
	switch string(r) {
	case "Z", "z", "+00:00", "-00:00":
		return true
	}
	return false
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
