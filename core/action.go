package core

import "strings"

// The one action table. Each Graph sharing action is declared once, as a
// row: the route grammar after the item (or share) address, the method it
// answers, its body rules (parser, validation, policy hook, canonical
// body), the upstream request, how its answer is shaped and the status it
// answers with. The route parser, Build, Shape, ParseQuery and the
// adapters (lambda, plugin) read it; none of them names an action.

// Action is what a route asks Graph to do.
type Action uint8

const (
	ActionCreateLink       Action = iota + 1 // POST …/createLink
	ActionGrant                              // POST /shares/{id}/permission/grant
	ActionListPermissions                    // GET …/permissions
	ActionGetPermission                      // GET …/permissions/{id}
	ActionDeletePermission                   // DELETE …/permissions/{id}
	ActionGetItem                            // GET of the item itself (e.g. /shares/{id}/driveItem)
	ActionInvite                             // POST …/invite
	ActionUpdatePermission                   // PATCH …/permissions/{id}
	ActionRevokeGrants                       // POST …/permissions/{id}/revokeGrants
	ActionBatch                              // POST /$batch (JSON batching: BuildBatch, ShapeBatch)
)

// Each action's route form, method, body, upstream request and answer are
// its row of the action table, below.

// answer is how an action's 2xx answer is written to the caller.
type answer uint8

const (
	answerNone       answer = iota // no body (the status says it all: 204)
	answerPermission               // one permission, shaped (ShapePermission)
	answerCollection               // {"value":[...]}, shaped (ShapeCollection)
	answerItem                     // a driveItem: checked (CheckItem), passed through as Graph sent it
	answerInvite                   // a collection, or Graph's 207 partial success (shapeInviteAnswer)
)

// actionRow is one action.
type actionRow struct {
	name string
	// Route grammar. share: the route is /shares/{share-id}/<segment>,
	// else {item}/<segment>; segment is "" for the item itself and may
	// hold '/' (words matched case-insensitively, written as spelt here);
	// id names the ID segment that follows it ("" for none); after holds
	// the words after the ID ("revokeGrants"). bound: the route's last
	// word is an OData bound action's name, which may also be written
	// namespace-qualified ("microsoft.graph.invite"); upstream it is sent
	// as spelt here. Rows of one form differ by method.
	share bool
	// batch: the route is /{version}/<segment> alone (no item); its body
	// and answer are BuildBatch's and ShapeBatch's, not Build's and Shape's.
	batch   bool
	segment string
	id      string
	after   string
	bound   bool
	// method is the method the action answers, case-sensitive (RFC 9110),
	// and the one sent upstream, to Route.Upstream.
	method string
	// build reads the body for the route's version, validates it, applies
	// the policy hook (Policy.checkCreateLink, Policy.checkGrant) and
	// writes the canonical upstream body with its content type and the
	// policy's adjustments; nil: the action takes no body (one sent anyway
	// is neither read nor forwarded).
	// (Version and Context by value: through a func value, pointers
	// would make the caller's route and context escape to the heap.)
	build func(v Version, body []byte, ctx Context) (Request, *Error)
	shape answer
	// created: a permission answered 201 (a new link) is answered 201,
	// one answered 200 (an existing link) 200; else status is the
	// success status answered.
	created bool
	status  int
	// reads: a GET whose answer $select may narrow (ParseQuery).
	reads bool
	// checks: the policy rules CheckAnswer applies to the answer.
	checks answerChecks
	// headers: the request headers forwarded upstream, checked
	// (conditionalHeaders); a 304 is passed back for a read that
	// forwards If-None-Match.
	headers forwarded
	// personalRoot: the action creates or modifies permissions, which
	// Graph refuses on the root of a personal drive ("Permissions can't
	// be created or modified on the root driveItem of drives with a
	// driveType of personal", driveitem-invite.md): refused when the
	// route names a drive's root and the context says the drive is
	// personal.
	personalRoot bool
}

// actions is the table, indexed by Action. Its order is the order of
// Action's constants and of the methods a 405 lists.
var actions = [...]actionRow{
	ActionCreateLink: {
		name: "createLink", segment: "createLink", bound: true, method: "POST",
		build: buildCreateLink, shape: answerPermission, created: true,
		checks: checkLink,
	},
	ActionGrant: {
		name: "grant", share: true, segment: "permission/grant", bound: true, method: "POST",
		build: buildGrant, shape: answerCollection, status: 200,
		checks: checkRoles | checkDomains,
	},
	ActionListPermissions: {
		name: "listPermissions", segment: "permissions", method: "GET",
		shape: answerCollection, status: 200, reads: true,
	},
	ActionGetPermission: {
		name: "getPermission", segment: "permissions", id: "permission-id", method: "GET",
		shape: answerPermission, status: 200, reads: true, headers: ifMatch | ifNoneMatch,
	},
	ActionDeletePermission: {
		name: "deletePermission", segment: "permissions", id: "permission-id", method: "DELETE",
		shape: answerNone, status: 204, headers: ifMatch | ifNoneMatch,
	},
	ActionGetItem: {
		name: "getItem", method: "GET",
		shape: answerItem, status: 200, reads: true,
	},
	ActionInvite: {
		name: "invite", segment: "invite", bound: true, method: "POST",
		build: buildInvite, shape: answerInvite, status: 200, personalRoot: true,
		checks: checkRoles | checkDomains,
	},
	ActionUpdatePermission: {
		name: "updatePermission", segment: "permissions", id: "permission-id", method: "PATCH",
		build: buildPermissionUpdate, shape: answerPermission, status: 200,
		headers: ifMatch | ifNoneMatch, personalRoot: true, checks: checkLink | checkRoles,
	},
	ActionRevokeGrants: {
		name: "revokeGrants", segment: "permissions", id: "permission-id", after: "revokeGrants", bound: true,
		method: "POST", build: buildRevokeGrants, shape: answerPermission, status: 200, headers: ifMatch,
	},
	ActionBatch: {
		name: "batch", batch: true, segment: "$batch", method: "POST",
		status: 200,
	},
}

// row is a's row; the zero row (no method) for an Action not in the table.
func (a Action) row() *actionRow {
	if int(a) < len(actions) {
		return &actions[a]
	}
	return &actions[0]
}

func (a Action) String() string {
	if r := a.row(); r.name != "" {
		return r.name
	}
	return "unknown"
}

// Method is the HTTP method the action answers and sends upstream.
func (a Action) Method() string { return a.row().method }

// TakesBody says whether the action has a request body: a transport reads
// (and bounds, decodes, checks the media type of) a body only for these.
func (a Action) TakesBody() bool { r := a.row(); return r.build != nil || r.batch }

// IsBatch says whether the action is a JSON batch ($batch), built by
// BuildBatch and answered by ShapeBatch rather than Build and Shape.
func (a Action) IsBatch() bool { return a.row().batch }

// Shares says whether the action changes sharing (every action but the
// reads): the actions a decision record is written for.
func (a Action) Shares() bool { r := a.row(); return r.method != "" && !r.reads }

// sameForm says whether two rows share a route form (and differ only by
// method).
func sameForm(a, b *actionRow) bool {
	return a.share == b.share && a.batch == b.batch && a.segment == b.segment && a.id == b.id && a.after == b.after
}

// forMethod picks, among the rows of form's route form, the one answering
// method. Methods are case-sensitive: "post" is not POST. Anything else
// is a 405 whose Allow lists the form's methods.
func forMethod(form Action, method string) (Action, *Error) {
	f := form.row()
	allow := ""
	for i := range actions {
		r := &actions[i]
		if r.method == "" || !sameForm(r, f) {
			continue
		}
		if r.method == method {
			return Action(i), nil
		}
		if allow != "" {
			allow += ", "
		}
		allow += r.method
	}
	return 0, NotAllowed(method, allow)
}

// expectedTails is what may follow an item address, for a 404's message:
// "'createLink', 'permissions' or the end of the path".
func expectedTails() string {
	var words []string
	end := false
	for i := range actions {
		r := &actions[i]
		switch {
		case r.method == "" || r.share || r.batch:
		case r.segment == "":
			end = true
		default:
			w := "'" + strings.SplitN(r.segment, "/", 2)[0] + "'"
			seen := false
			for _, x := range words {
				seen = seen || x == w
			}
			if !seen {
				words = append(words, w)
			}
		}
	}
	s := strings.Join(words, ", ")
	if end {
		s += " or the end of the path"
	}
	return s
}

// Build turns any route and its body into the upstream request: the
// action's method to Route.Upstream, with the canonical body for an action
// that takes one (body is ignored for one that does not).
func Build(r *Route, body []byte, ctx *Context) (Request, error) {
	row := r.Action.row()
	if row.method == "" || row.batch {
		return Request{}, invalid("path", "the route names no Graph sharing action (a $batch is BuildBatch's)")
	}
	if row.personalRoot && r.DriveRoot && ctx.DriveType == DrivePersonal {
		return Request{}, invalid("path", "Graph creates and modifies no permissions on the root of a OneDrive personal drive")
	}
	var req Request
	if row.build != nil {
		var err *Error
		if req, err = row.build(r.Version, body, *ctx); err != nil {
			return Request{Requested: req.Requested, Findings: req.Findings}, err
		}
	}
	if row.headers != 0 && ctx.Header != nil {
		var err *Error
		if req.Headers, err = row.headers.read(ctx.Header); err != nil {
			return Request{}, err
		}
	}
	req.Method, req.Path = row.method, r.Upstream
	return req, nil
}

// Response is an action's successful answer as the caller gets it.
type Response struct {
	Status int    // the status to answer with
	Body   []byte // the bytes to answer with; nil for a 204 or a 304
	// Shaped is the shaped permission or collection, for actions whose
	// answer is one (its Body is Body).
	Shaped Shaped
}

// Shape turns Graph's 2xx answer to the route's action into the caller's:
// a permission shaped (createLink keeping 201 for a new link and 200 for
// an existing one), a collection shaped (invite keeping Graph's 207
// partial success), an item checked and passed through, or no body.
// Graph's 304 Not Modified to a read that forwards If-None-Match is
// answered 304 without a body. Graph's error answers are
// ParseUpstreamError's.
func Shape(r *Route, status int, body []byte) (Response, error) {
	row := r.Action.row()
	out := Response{Status: row.status, Shaped: Shaped{Link: -1}}
	var err *Error
	switch {
	case row.method == "" || row.batch:
		return out, invalid("path", "the route names no Graph sharing action (a $batch is ShapeBatch's)")
	case status == 304:
		if !row.reads || row.headers&ifNoneMatch == 0 {
			return out, badGateway("status", "the upstream answered HTTP 304 to a request that was not conditional")
		}
		out.Status = 304
		return out, nil
	case row.shape == answerNone:
		return out, nil
	case row.shape == answerItem:
		if e := CheckItem(body); e != nil {
			return out, e
		}
		out.Body = body
		return out, nil
	case row.shape == answerCollection:
		out.Shaped, err = shapeCollection(status, body)
	case row.shape == answerInvite:
		out.Shaped, err = shapeInviteAnswer(status, body)
		out.Status = status
	default:
		out.Shaped, err = shapePermission(status, body)
	}
	if err != nil {
		return Response{Shaped: Shaped{Link: -1}}, err
	}
	if row.created {
		out.Status = status
	}
	out.Body = out.Shaped.Body
	return out, nil
}
