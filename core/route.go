package core

import (
	"strings"
	"unicode/utf8"
)

// Version is the Graph API version a route names. It decides only the body
// rules: Graph accepts every path form under both.
type Version uint8

const (
	V1   Version = iota // v1.0, also when the path names none
	Beta                // beta
)

func (v Version) String() string {
	if v == Beta {
		return "beta"
	}
	return "v1.0"
}

// Route is a parsed Graph path. Item is the canonical, escaped address of
// the drive item (e.g. "me/drive/items/01AB" or "shares/u!aHR0…/driveItem";
// for a list item's own createLink, sites/{s}/lists/{l}/items/{i}/createLink,
// the list item's driveItem, "sites/{s}/lists/{l}/items/{i}/driveItem");
// Upstream is the whole escaped path to send, version first. Neither can
// name anything but what the caller named: every ID is validated and
// escaped on its own.
type Route struct {
	Version      Version
	Action       Action
	Item         string
	ShareID      string // the share id of a grant or a shares/… item, normalised
	PermissionID string
	Upstream     string
	// DriveRoot: the item is named as a drive's root (…/drive/root,
	// drives/{id}/root), not by an id or a path. Whether that drive is
	// personal the route does not say (me/drive is either): see
	// Context.DriveType.
	DriveRoot bool
}

// PermissionsPath is the escaped path of the item's permission collection,
// e.g. for listing after a createLink. Grant routes have none.
func (r *Route) PermissionsPath() string {
	if r.Item == "" {
		return ""
	}
	return "/" + r.Version.String() + "/" + r.Item + "/permissions"
}

const (
	maxPath     = 4096 // bytes of a whole path
	maxID       = 256  // bytes of one decoded ID
	maxSegments = 20   // the longest seed form has 15
)

// graphHosts are the hosts whose full URLs are accepted in place of a path.
// The host is dropped: the upstream host is fixed by configuration.
var graphHosts = [...]string{
	"graph.microsoft.com",
	"graph.microsoft.us",
	"dod-graph.microsoft.us",
	"microsoftgraph.chinacloudapi.cn",
}

// ParseRoute parses a Graph request line: method and path. The path may
// carry a /v1.0 or /beta prefix or be a full https://graph.microsoft.com/…
// URL; percent-escapes in it are decoded once, per segment. A query string
// is not part of a route.
func ParseRoute(method, path string) (Route, error) {
	return ParseRouteVersion(method, path, V1)
}

// ParseRouteVersion is ParseRoute with the version a path without a prefix
// gets (a deployment's configured default).
func ParseRouteVersion(method, path string, def Version) (Route, error) {
	var p routeParser
	p.r.Version = def
	if err := p.parse(method, path); err != nil {
		return Route{}, err
	}
	return p.r, nil
}

// segment is one piece of the path; path is set for a root:/…: item path.
type segment struct {
	raw  string
	path bool
}

type routeParser struct {
	r Route
	// bareListItem: the item is sites/{s}/lists/{l}/items/{i} without
	// /driveItem, which only createLink follows.
	bareListItem bool
	segs         [maxSegments]segment
	n            int
	i            int // next segment to read
	// buf is the upstream path being built: "/v1.0/", the escaped item
	// address from base on, then the action. Route.Item and PermissionID
	// are substrings of the one string made from it.
	buf  []byte
	base int
}

func (p *routeParser) parse(method, path string) *Error {
	if len(path) > maxPath {
		return invalid("path", "the path is longer than sharelink accepts")
	}
	rest, err := stripHost(path)
	if err != nil {
		return err
	}
	if err := p.split(rest); err != nil {
		return err
	}
	if p.n > 0 {
		switch s := p.segs[0].raw; {
		case equalFoldASCII(s, "v1.0"):
			p.r.Version, p.i = V1, 1
		case equalFoldASCII(s, "beta"):
			p.r.Version, p.i = Beta, 1
		}
	}
	p.buf = make([]byte, 0, len(rest)+24)
	p.buf = append(p.buf, '/')
	p.buf = append(p.buf, p.r.Version.String()...)
	p.buf = append(p.buf, '/')
	p.base = len(p.buf)
	if form := p.batchForm(); form != 0 {
		return p.batchAction(form, method)
	}
	if form := p.shareForm(); form != 0 {
		return p.shareAction(form, method)
	}
	if err := p.item(); err != nil {
		return err
	}
	return p.action(method)
}

// stripHost removes a Graph scheme and host, refusing any other host.
func stripHost(path string) (string, *Error) {
	rest, ok := cutPrefixFold(path, "https://")
	if !ok {
		if _, plain := cutPrefixFold(path, "http://"); plain {
			return "", invalid("path", "only https Graph URLs are accepted")
		}
		return path, nil
	}
	host, tail, _ := strings.Cut(rest, "/")
	for _, h := range graphHosts {
		if equalFoldASCII(host, h) {
			return "/" + tail, nil
		}
	}
	return "", invalid("path", "the URL's host is not a Microsoft Graph host")
}

// split cuts the path at '/'. A "root:" segment takes everything up to the
// next ':' (or the end) as one item path, slashes included.
func (p *routeParser) split(s string) *Error {
	if s == "" || s[0] != '/' {
		return invalid("path", "the path must start with '/'")
	}
	s = s[1:]
	for {
		if p.n == maxSegments {
			return invalid("path", "the path has more segments than any Graph sharing route")
		}
		if len(s) >= 5 && equalFoldASCII(s[:5], "root:") {
			p.segs[p.n] = segment{raw: "root"}
			p.n++
			s = s[5:]
			end := strings.IndexByte(s, ':')
			if end < 0 {
				end = len(s)
			}
			if p.n == maxSegments {
				return invalid("path", "the path has more segments than any Graph sharing route")
			}
			p.segs[p.n] = segment{raw: s[:end], path: true}
			p.n++
			if end == len(s) {
				return nil
			}
			s = s[end+1:]
			if s == "" {
				return nil
			}
			if s[0] != '/' {
				return invalid("path", "an item path 'root:/…:' must be followed by '/' or end")
			}
			s = s[1:]
			continue
		}
		seg, tail, more := strings.Cut(s, "/")
		if seg == "" {
			return invalid("path", "the path has an empty segment")
		}
		p.segs[p.n] = segment{raw: seg}
		p.n++
		if !more {
			return nil
		}
		s = tail
	}
}

func (p *routeParser) lit(i int, word string) bool {
	return i < p.n && !p.segs[i].path && equalFoldASCII(p.segs[i].raw, word)
}

func (p *routeParser) peek(word string) bool { return p.lit(p.i, word) }

// accept consumes a literal and writes it in its canonical spelling.
func (p *routeParser) accept(word string) bool {
	if !p.lit(p.i, word) {
		return false
	}
	p.i++
	p.word(word)
	return true
}

func (p *routeParser) word(w string) {
	if len(p.buf) > p.base {
		p.buf = append(p.buf, '/')
	}
	p.buf = append(p.buf, w...)
}

// id consumes one ID segment, validated and escaped.
func (p *routeParser) id(name string) *Error {
	if p.i >= p.n || p.segs[p.i].path {
		return invalid(name, "the path ends where "+name+" was expected")
	}
	v, err := decodeID(p.segs[p.i].raw, name)
	if err != nil {
		return err
	}
	p.i++
	if len(p.buf) > p.base {
		p.buf = append(p.buf, '/')
	}
	p.buf = appendEscaped(p.buf, v)
	return nil
}

func (p *routeParser) expect(word string) *Error {
	if p.accept(word) {
		return nil
	}
	if p.i >= p.n {
		return notFound("path", "the path ends where '"+word+"' was expected")
	}
	return notFound(segmentForMessage(p.segs[p.i].raw), "no Graph sharing route has this segment here; expected '"+word+"'")
}

// seq reads a fixed run of segments written as a pattern: words, and
// {name} for an ID segment of that name ("{activity-id}/driveItem").
func (p *routeParser) seq(pattern string) *Error {
	for rest, more := pattern, true; more; {
		var s string
		s, rest, more = strings.Cut(rest, "/")
		var err *Error
		if name, ok := strings.CutPrefix(s, "{"); ok {
			err = p.id(strings.TrimSuffix(name, "}"))
		} else {
			err = p.expect(s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *routeParser) unexpected(want string) *Error {
	if p.i >= p.n {
		return notFound("path", "the path ends where "+want+" was expected")
	}
	return notFound(segmentForMessage(p.segs[p.i].raw), "no Graph sharing route has this segment here; expected "+want)
}

// item reads an item address (every form of the seeds).
func (p *routeParser) item() *Error {
	switch {
	case p.accept("drives"):
		if err := p.seq("{drive-id}"); err != nil {
			return err
		}
		return p.driveItem()
	case p.accept("drive"):
		return p.driveItem()
	case p.accept("users"), p.accept("groups"), p.accept("sites"):
		name := p.segs[p.i-1].raw
		if err := p.id(toLowerASCII(name[:len(name)-1]) + "-id"); err != nil {
			return err
		}
		if equalFoldASCII(name, "sites") && p.accept("lists") {
			return p.listItem()
		}
		if err := p.expect("drive"); err != nil {
			return err
		}
		return p.driveItem()
	case p.accept("me"):
		if p.accept("drive") {
			return p.driveItem()
		}
		if err := p.seq("joinedGroups/{group-id}"); err != nil {
			return err
		}
		return p.joinedGroup()
	case p.accept("shares"):
		if err := p.shareID(); err != nil {
			return err
		}
		return p.sharedItem()
	case p.accept("workbooks"):
		if err := p.id("workbook-id"); err != nil {
			return err
		}
		if p.accept("children") {
			return p.id("item-id")
		}
		return nil
	}
	return p.unexpected("'drives', 'drive', 'me', 'users', 'groups', 'sites', 'shares' or 'workbooks'")
}

func (p *routeParser) driveItem() *Error {
	switch {
	case p.i < p.n && p.lit(p.i, "root") && p.i+1 < p.n && p.segs[p.i+1].path:
		p.i++
		p.word("root:")
		path := p.segs[p.i].raw
		p.i++
		b, err := appendItemPath(p.buf, path)
		if err != nil {
			return err
		}
		p.buf = append(b, ':')
		return nil
	case p.accept("root"):
		p.r.DriveRoot = true
		return nil
	case p.accept("items"), p.accept("bundles"), p.accept("following"):
		return p.id("item-id")
	case p.accept("special"):
		return p.id("special-folder")
	}
	return p.unexpected("'root', 'root:/path:', 'items', 'bundles', 'special' or 'following'")
}

// listItem reads what follows sites/{site-id}/lists: {list-id}/items/
// {list-item-id}, then driveItem (the list item's driveItem: an item for
// every item route), or nothing more, for the one action a list item
// itself has here, createLink (listitem-createlink.md).
func (p *routeParser) listItem() *Error {
	if err := p.seq("{list-id}/items/{list-item-id}"); err != nil {
		return err
	}
	if !p.accept("driveItem") {
		p.bareListItem = true
	}
	return nil
}

func (p *routeParser) sharedItem() *Error {
	switch {
	case p.accept("root"), p.accept("driveItem"):
		return nil
	case p.accept("items"):
		return p.id("item-id")
	}
	return p.unexpected("'root', 'driveItem' or 'items'")
}

// joinedGroup reads what follows me/joinedGroups/{id} in seed 002.
func (p *routeParser) joinedGroup() *Error {
	switch {
	case p.accept("drive"):
		if !p.accept("activities") {
			return p.driveItem()
		}
		if err := p.seq("{activity-id}/driveItem"); err != nil {
			return err
		}
		switch {
		case p.accept("listItem"):
			return p.expect("driveItem")
		case p.accept("children"):
			return p.id("item-id")
		case p.accept("analytics"):
			return p.seq("itemActivityStats/{activity-stat-id}/activities/{activity-id}/driveItem")
		}
		return nil
	case p.accept("team"):
		return p.seq("channels/{channel-id}/filesFolder")
	case p.accept("sites"):
		if err := p.seq("{site-id}/items/{base-item-id}/microsoft.graph.sharedDriveItem"); err != nil {
			return err
		}
		return p.sharedItem()
	}
	return p.unexpected("'drive', 'team' or 'sites'")
}

// shareID reads the share-id slot: a u! id, an s! token, a shareId, or a
// percent-encoded sharing URL, which is encoded for the caller.
func (p *routeParser) shareID() *Error {
	if p.i >= p.n || p.segs[p.i].path {
		return invalid("share-id", "the path ends where a share id was expected")
	}
	raw := p.segs[p.i].raw
	v, ok := percentDecode(raw)
	if !ok {
		return invalid("share-id", "the share id has a malformed percent-escape")
	}
	id, _, err := NormalizeShareID(v)
	if err != nil {
		e := AsError(err)
		e.Target = "share-id"
		return e
	}
	p.i++
	p.r.ShareID = id
	p.word(id) // base64url and s! tokens need no escaping
	return nil
}

// shareForm is the share action (a row with share set) whose form the
// path has: shares/{share-id} then the row's segment words; 0 for none.
// /shares/{id}/driveItem and the like are items, read by item.
func (p *routeParser) shareForm() Action {
	if !p.peek("shares") {
		return 0
	}
	for i := range actions {
		r := &actions[i]
		if r.method == "" || !r.share {
			continue
		}
		first, _, _ := strings.Cut(r.segment, "/")
		if p.n-p.i == 2+r.formLen() && p.lit(p.i+2, first) {
			return Action(i)
		}
	}
	return 0
}

// batchForm is the batch action (a row with batch set) whose form the
// path has: its segment alone after the version ("/v1.0/$batch"; the word
// matched case-insensitively and percent-decoded, "%24batch" being how
// some clients escape '$'); 0 for none.
func (p *routeParser) batchForm() Action {
	if p.n-p.i != 1 || p.segs[p.i].path {
		return 0
	}
	w, ok := percentDecode(p.segs[p.i].raw)
	for i := range actions {
		if r := &actions[i]; ok && r.batch && r.method != "" && equalFoldASCII(w, r.segment) {
			return Action(i)
		}
	}
	return 0
}

// batchAction writes a batch route and checks the method.
func (p *routeParser) batchAction(form Action, method string) *Error {
	p.i++
	p.word(form.row().segment)
	a, err := forMethod(form, method)
	if err != nil {
		return err
	}
	p.r.Action = a
	p.r.Upstream = string(p.buf)
	return nil
}

// shareAction reads a share action's route and checks the method.
func (p *routeParser) shareAction(form Action, method string) *Error {
	p.accept("shares")
	if err := p.shareID(); err != nil {
		return err
	}
	if _, _, err := p.tail(form.row()); err != nil {
		return err
	}
	a, err := forMethod(form, method)
	if err != nil {
		return err
	}
	p.r.Action = a
	p.r.Upstream = string(p.buf)
	return nil
}

// tail reads a row's segment words, ID and words after it, writing them
// canonically, and says where in buf the ID starts and ends (0: none).
func (p *routeParser) tail(r *actionRow) (start, end int, err *Error) {
	if err := p.expectWords(r.segment, r.bound && r.id == "" && r.after == ""); err != nil {
		return 0, 0, err
	}
	if r.id == "" {
		return 0, 0, nil
	}
	start = len(p.buf) + 1 // after the '/' id writes
	if err := p.id(r.id); err != nil {
		return 0, 0, err
	}
	end = len(p.buf)
	return start, end, p.expectWords(r.after, r.bound)
}

// qualifier is the namespace OData lets a bound action's name carry:
// microsoft.graph.createLink is createLink.
const qualifier = "microsoft.graph."

// expectWords reads the '/'-separated words ws, writing them as spelt
// there; bound lets the last be namespace-qualified.
func (p *routeParser) expectWords(ws string, bound bool) *Error {
	for rest := ws; rest != ""; {
		var w string
		w, rest, _ = strings.Cut(rest, "/")
		if bound && rest == "" && p.qualified(p.i, w) {
			p.i++
			p.word(w)
			continue
		}
		if err := p.expect(w); err != nil {
			return err
		}
	}
	return nil
}

// qualified reports whether segment i is microsoft.graph.<w>.
func (p *routeParser) qualified(i int, w string) bool {
	if i >= p.n || p.segs[i].path {
		return false
	}
	s := p.segs[i].raw
	return len(s) == len(qualifier)+len(w) && equalFoldASCII(s[:len(qualifier)], qualifier) && equalFoldASCII(s[len(qualifier):], w)
}

// matchWords reports whether the segments from i are the words ws (the
// last one qualified or not when bound).
func (p *routeParser) matchWords(i int, ws string, bound bool) bool {
	for rest := ws; rest != ""; i++ {
		var w string
		w, rest, _ = strings.Cut(rest, "/")
		if !p.lit(i, w) && !(bound && rest == "" && p.qualified(i, w)) {
			return false
		}
	}
	return true
}

// action reads what is done to the item, and checks the method: the
// item's route forms are the action table's rows that are not shares'.
func (p *routeParser) action(method string) *Error {
	itemEnd := len(p.buf)
	form := p.itemForm()
	if p.bareListItem && form != ActionCreateLink {
		return p.unexpected("'driveItem' or 'createLink'")
	}
	if form == 0 {
		return p.unexpected(expectedTails())
	}
	idStart, idEnd, err := p.tail(form.row())
	if err != nil {
		return err
	}
	a, merr := forMethod(form, method)
	if merr != nil {
		return merr
	}
	p.r.Action = a
	p.r.Upstream = string(p.buf)
	p.r.Item = p.r.Upstream[p.base:itemEnd]
	if p.bareListItem {
		p.r.Item += "/driveItem" // the list item's driveItem: where its permissions are
	}
	if idStart > 0 {
		p.r.PermissionID = p.r.Upstream[idStart:idEnd]
	}
	return nil
}

// itemForm is the item action whose form the rest of the path has: as
// many segments as its words and ID, the words matching; 0 for none.
func (p *routeParser) itemForm() Action {
	left := p.n - p.i
	for i := range actions {
		r := &actions[i]
		if r.method == "" || r.share || r.batch {
			continue
		}
		if r.formLen() != left {
			continue
		}
		j := p.i
		if !p.matchWords(j, r.segment, r.bound && r.id == "" && r.after == "") {
			continue
		}
		if r.segment != "" {
			j += strings.Count(r.segment, "/") + 1
		}
		if r.id != "" {
			j++
		}
		if p.matchWords(j, r.after, r.bound) {
			return Action(i)
		}
	}
	return 0
}

// formLen is the number of segments of r's form after the item or share
// address: its words, its ID, the words after the ID.
func (r *actionRow) formLen() int {
	n := 0
	if r.segment != "" {
		n = strings.Count(r.segment, "/") + 1
	}
	if r.id != "" {
		n++
	}
	if r.after != "" {
		n += strings.Count(r.after, "/") + 1
	}
	return n
}

// segmentForMessage bounds what of the caller's input goes into a message.
func segmentForMessage(s string) string {
	if len(s) > 64 {
		s = s[:64]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
		return s + "…"
	}
	return s
}

// decodeID percent-decodes one ID segment and refuses anything that could
// change which resource the upstream path names.
func decodeID(raw, name string) (string, *Error) {
	v, ok := percentDecode(raw)
	if !ok {
		return "", invalid(name, "the "+name+" has a malformed percent-escape")
	}
	switch {
	case v == "":
		return "", invalid(name, "the "+name+" is empty")
	case len(v) > maxID:
		return "", invalid(name, "the "+name+" is longer than 256 bytes")
	case v == "." || strings.Contains(v, ".."):
		return "", invalid(name, "the "+name+" may not contain '..' or be '.'")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c <= ' ' || c == 0x7f:
			return "", invalid(name, "the "+name+" contains white space or a control character")
		case c >= 0x80:
			return "", invalid(name, "the "+name+" contains a non-ASCII character; Graph IDs are ASCII")
		case c == '/' || c == '\\' || c == '?' || c == '#' || c == '%' || c == ':':
			return "", invalid(name, "the "+name+" contains '"+string(c)+"', which would change the path")
		}
	}
	return v, nil
}

// appendItemPath validates a root:/…: path and appends it escaped segment
// by segment. Names follow OneDrive's rules: no '"*:<>?\|', no control
// characters, no '.' or '..' segments.
func appendItemPath(dst []byte, raw string) ([]byte, *Error) {
	const name = "item-path"
	v, ok := percentDecode(raw)
	if !ok {
		return dst, invalid(name, "the item path has a malformed percent-escape")
	}
	if len(v) < 2 || v[0] != '/' {
		return dst, invalid(name, "an item path starts with '/' and names an item, as in root:/folder/file.docx:")
	}
	if !utf8.ValidString(v) {
		return dst, invalid(name, "the item path is not valid UTF-8")
	}
	for rest := v[1:]; ; {
		seg, tail, more := strings.Cut(rest, "/")
		rest = tail
		switch {
		case seg == "":
			return dst, invalid(name, "the item path has an empty segment")
		case seg == "." || seg == "..":
			return dst, invalid(name, "the item path may not contain '.' or '..' segments")
		case strings.ContainsAny(seg, "\"*:<>?\\|#%"):
			return dst, invalid(name, "the item path contains a character OneDrive does not allow in names")
		}
		for _, r := range seg {
			if r < ' ' || r == 0x7f || r == utf8.RuneError {
				return dst, invalid(name, "the item path contains a control character")
			}
		}
		dst = append(dst, '/')
		dst = appendEscaped(dst, seg)
		if !more {
			return dst, nil
		}
	}
}

// percentDecode decodes %XX escapes once. '+' is a plus: this is a path.
func percentDecode(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// appendEscaped escapes a path segment: unreserved characters and the
// sub-delimiters Graph IDs use ('!' in personal IDs, ',' in site IDs, '@'
// in UPNs) stay; the rest, OData's quote and parentheses included, become
// %XX.
func appendEscaped(dst []byte, s string) []byte {
	const upper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~!$&*,;=@", c) >= 0 {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upper[c>>4], upper[c&0xf])
	}
	return dst
}

// ParseVersion reads "v1.0" or "beta".
func ParseVersion(s string) (Version, error) {
	switch s {
	case "v1.0":
		return V1, nil
	case "beta":
		return Beta, nil
	}
	return V1, invalid("api_version", "the API version is \"v1.0\" or \"beta\"")
}
