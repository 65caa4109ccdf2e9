package core

import "strings"

// Targets name what is at fault, and most are core's own words; but an
// unknown property is named after the caller's key and a mistyped path
// segment after the segment itself, which can be anything — an address, a
// token. LogTarget keeps the first kind and replaces the second, for logs
// and any other record that must hold no caller text.

// Fixed words LogTarget writes for a target that is the caller's text.
const (
	LogTargetPathSegment = "pathSegment"     // a route segment no Graph route has (404)
	LogTargetUnknown     = "unknownProperty" // a property, rule or header name core does not know
	LogTargetQueryOption = "queryOption"     // an OData option other than those named below
)

const (
	maxLogTargetIndex = 6 // digits of an index: collections are bounded well below
	maxLogTarget      = 96
)

// transportTargets are the targets naming a part of the request or of a
// host's input rather than a body property: the path and its segment
// kinds, headers, the query, the plugin's input envelope and config.
var transportTargets = [...]string{
	"path", "method", "body", "query", "input", "op", "headers",
	"Authorization", "Content-Type", "Content-Encoding", "If-Match", "If-None-Match",
	"now", "graph_base_url", "api_version", "policy",
	"status", "token", "url", "shareId", "driveType", "itemKind",
	// path segment kinds, as routeParser.id names them
	"item-id", "drive-id", "user-id", "group-id", "site-id", "workbook-id",
	"special-folder", "activity-id", "activity-stat-id", "channel-id",
	"base-item-id", "permission-id", "share-id", "item-path", "list-id", "list-item-id",
}

// queryOptions are the OData system query options a target may name.
var queryOptions = [...]string{"$select", "$expand", "$filter", "$top", "$skip", "$skipToken",
	"$orderby", "$count", "$search", "$format", "$batch", "$option", "$deltatoken", "$levels", "$apply", "$compute", "$id", "$index", "$schemaversion"}

// policyRules are the rules ParsePolicy reads, "anonymous.…" for the
// members of "anonymous".
var policyRules = [...]string{"allowedTypes", "allowedScopes", "denyAnonymous", "maxExpiryDays",
	"expiryAction", "anonymous", "anonymous.requirePassword", "anonymous.requireExpiry",
	"allowedRecipientDomains", "maxRecipients", "requireScope", "allowedRoles",
	"retainInheritedPermissions", "mode", "modes", "answer", "answers"}

// requestNames are the body properties of grant and of a driveRecipient
// (createLink's are isCreateLinkProperty's; a permission's and a link's,
// in Graph's answers, permissionKeys and linkKeys).
var requestNames = [...]string{"recipients", "roles", "email", "alias", "objectId",
	// invite's, a permission update's and revokeGrants'
	"requireSignIn", "sendInvitation", "grantees"}

// batchNames are the members of a JSON batch request and of Graph's batch
// answer ("requests[3].dependsOn", "responses[0].status").
var batchNames = [...]string{"requests", "id", "method", "url", "headers", "body", "dependsOn", "responses", "status"}

// LogTarget returns e's target when it is one of core's names — a
// request or answer property path ("recipients[1].email",
// "value[0].link.scope"), a path segment kind ("item-id"), a policy rule
// ("policy.maxExpiryDays"), a transport name ("Authorization", "$select",
// "graph_base_url") — and otherwise a fixed word: "pathSegment" for a
// route segment no route has, "queryOption" for an unknown OData option,
// "unknownProperty" for anything else. It never returns caller text.
func (e *Error) LogTarget() string {
	t := e.Target
	switch {
	case t == "":
		return ""
	case len(t) <= maxLogTarget && knownTarget(t):
		return t
	case e.Status == 404 && e.Code == CodeItemNotFound:
		return LogTargetPathSegment
	case len(t) > 0 && t[0] == '$':
		return LogTargetQueryOption
	}
	return LogTargetUnknown
}

func knownTarget(t string) bool {
	for _, n := range transportTargets {
		if t == n {
			return true
		}
	}
	for _, n := range queryOptions {
		if t == n {
			return true
		}
	}
	if h, ok := strings.CutPrefix(t, "headers."); ok {
		return equalFoldASCII(h, "Retry-After") // the one header core reads from a host
	}
	if at, h, ok := strings.Cut(t, ".headers."); ok && strings.HasPrefix(at, "requests[") && stripIndex(at) == "requests" {
		return isForbiddenHeader(h) // a header a batch step may not set: core's list
	}
	if rule, ok := strings.CutPrefix(t, "policy."); ok {
		for _, n := range policyRules {
			if rule == n {
				return true
			}
		}
		return false
	}
	// A property path: names joined by '.', each with an optional [N].
	for rest := t; ; {
		seg, tail, more := strings.Cut(rest, ".")
		if !knownName(stripIndex(seg)) {
			return false
		}
		if !more {
			return true
		}
		rest = tail
	}
}

// stripIndex is seg without a trailing "[N]", or "" when the brackets
// hold anything but 1–6 digits.
func stripIndex(seg string) string {
	open := strings.IndexByte(seg, '[')
	if open < 0 {
		return seg
	}
	digits := seg[open+1:]
	if len(digits) < 2 || digits[len(digits)-1] != ']' || len(digits)-1 > maxLogTargetIndex {
		return ""
	}
	for i := 0; i < len(digits)-1; i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return ""
		}
	}
	return seg[:open]
}

func knownName(n string) bool {
	if n == "" {
		return false
	}
	if isCreateLinkProperty(n) || permissionSlot([]byte(n)) >= 0 || linkSlot([]byte(n)) >= 0 {
		return true
	}
	for _, r := range requestNames {
		if n == r {
			return true
		}
	}
	for _, r := range batchNames {
		if n == r {
			return true
		}
	}
	return false
}
