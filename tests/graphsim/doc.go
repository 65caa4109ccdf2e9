// Package graphsim is an in-process, stateful emulator of the sharing surface
// of Microsoft Graph: driveItem createLink (v1.0 and beta), permission grant
// through /shares, driveItem invite, the permissions of an item (read,
// update with ETags, delete, revokeGrants), JSON batching, and the few
// reads that sharing clients make. It is an independent reading of the
// Graph documentation (the seed documents of this repository, and for the
// other actions the Graph pages named where they are implemented:
// driveitem-invite.md, permission-update.md, permission-revokegrants.md,
// listitem-createlink.md, json-batching.md) and imports nothing from the
// rest of the project. Tests and `make run` talk to it over real
// HTTP on loopback:
//
//	sim := graphsim.New(graphsim.DemoSeed())
//	base, closeFn, err := graphsim.Serve(sim, "") // http://127.0.0.1:PORT
//	// POST base+"/v1.0/me/drive/items/"+graphsim.DemoReportID+"/createLink"
//	// with "Authorization: Bearer "+graphsim.DemoToken("alice@contoso.com")
//
// # Authentication
//
// A request needs "Authorization: Bearer <JWT>". The signature is NOT
// checked (this is a local emulator; Token mints unsigned tokens), the
// header is not checked beyond being JSON, and exp, when present, is. Claims
// used: tid, oid, upn / preferred_username / unique_name, appid (or azp),
// app_displayname, scp (delegated, space-separated) or roles (application,
// array). The user is the seed user whose id equals oid, else whose UPN
// equals upn or preferred_username; an unknown user of a known tenant is
// accepted and owns nothing. tid must be the seed tenant or MSATenantID (a
// personal Microsoft account); tokens without scp and roles, without a user
// (delegated) or appid (application), expired, or of another tenant get 401
// InvalidAuthenticationToken with a WWW-Authenticate header.
//
// The permission tables of the seeds are enforced (403 accessDenied when
// none is present): writes (createLink, invite, grant, PATCH, DELETE,
// revokeGrants) need Files.ReadWrite,
// Files.ReadWrite.All or Sites.ReadWrite.All (personal accounts: the Files
// ones; applications: Files.ReadWrite.All, Sites.ReadWrite.All); reads also
// accept Files.Read, Files.Read.All, Sites.Read.All (personal: Files.Read,
// Files.Read.All). grant and revokeGrants by a personal account, or on a
// personal drive, are 501 notSupported ("Not supported" in the tables of
// 004 and permission-revokegrants.md).
//
// # Who may do what
//
// A delegated user owns its drive, has the role of its site membership on a
// library (owner, write, read), write on the library of a group it belongs
// to, and the roles of user grants on the item or an ancestor it inherits
// from. Applications may act on every business drive and library of the
// tenant (through /drives, /users/{id}/drive, /sites, /groups), never on
// personal drives, and /me with an application token is 400 BadRequest. An
// item the caller cannot see is 404 itemNotFound; an item it can see but not
// share (read only, or reached only through a link) is 403 accessDenied for
// createLink, grant and DELETE. Anyone who can see an item may list its
// permissions (SharePoint shows readers less). A business drive's metadata is
// visible to every user of the tenant, a personal drive's only to its owner.
// Children the caller cannot see are left out of children listings.
//
// # Addressing
//
// Every path takes an optional /v1.0 or /beta prefix; keyword segments match
// case-insensitively; each segment is percent-decoded once (so %2F stays in
// an id); ids and names match case-insensitively; one trailing slash is
// ignored; query strings are ignored. Drives: /me/drive, /drive (legacy =
// /me/drive), /drives/{id}, /users/{id or UPN}/drive, /groups/{id}/drive,
// /me/joinedGroups/{id}/drive (members only), /sites/{id or name}/drive,
// /groups/{id}/sites/{site}/drive. Items within a drive: root, root:/a/b:
// (or root:/a/b at the end of the URL), items/{id}, items/{id}:/rel/path:,
// bundles/{id}, following/{id}, special/{name} (names from the seed's
// special map; others 404), activities/{id}/driveItem. After an item:
// children/{id}, listItem/driveItem (the item itself),
// analytics/itemActivityStats/{x}/activities/{id}/driveItem. Others:
// /shares/{id}/driveItem|root (the shared item), /shares/{id}/items/{id}
// (the shared item or a descendant), /workbooks/{id} (a workbook id is an
// item id), /workbooks/{id}/children/{id},
// /me/joinedGroups/{g}/team/channels/{c}/filesFolder, /groups/{g}/team/…
// and /teams/{g}/channels/{c}/filesFolder (the channel's folder from the
// seed), and /me/joinedGroups/{g}/sites/{s}/items/{b}/microsoft.graph.sharedDriveItem/{root|driveItem|items/{i}}
// where {b} is a share id, an item of the site's library or the library's
// drive id, root and driveItem both being {b}'s item. List items:
// /sites/{s}/lists/{l}/items/{i}/driveItem, where {l} is the library's list
// id (SeedDrive.ListID) or its title "Documents" / "Shared Documents", and
// {i} a list item id (the library's items numbered 1, 2, … in tree order,
// the root excluded) or the driveItem id of one of its items.
//
// Simplifications: bundles, following and activities ids are item ids of the
// drive (no albums, follow lists or activity records); a workbook is its
// driveItem; the itemActivityStat id is ignored; a site has one list, its
// library, and a list item is only a way to its driveItem (GET of the list
// item itself is not served).
//
// Actions on any item address: POST …/createLink, POST …/invite, GET
// …/permissions, GET|PATCH|DELETE …/permissions/{id}, POST
// …/permissions/{id}/revokeGrants (v1.0 and beta, as Graph now documents
// it under both), GET … (the item), GET
// …/children. Also GET /shares/{id}/permission, POST
// /shares/{id}/permission/grant, the beta listItem createLink POST
// /sites/{s}/lists/{l}/items/{i}/createLink (answered as createLink), and
// POST /$batch. Actions also go by their namespace-qualified names
// (microsoft.graph.createLink, .invite, .grant, .revokeGrants).
// Unknown routes are 404 invalidRequest ("Resource not found for the
// segment …"); a known route with another method is 405 notAllowed with an
// Allow header.
//
// # createLink
//
// Body properties: type (view, edit, embed, review, blocksDownload,
// createOnly, addressBar, adminDefault), scope (anonymous, organization,
// users), expirationDateTime (RFC 3339 with a zone, in the future; answered
// in UTC with the fraction dropped), password (non-empty; never echoed),
// recipients ([{email|alias|objectId}], exactly one each; required for
// users), retainInheritedPermissions, sendNotification, message. Enum values
// match case-insensitively. Other properties are 400 invalidRequest, as
// OData treats action parameters; @odata annotations are ignored. v1.0
// requires type; beta without type uses view, and without scope the default
// is organization on business drives and libraries, anonymous on personal
// drives (in both versions). Roles: edit and createOnly write, every other
// type read (addressBar and adminDefault are taken as view links, keeping
// their type). Platform rules (400 invalidRequest): embed only on personal
// files; organization, users, review, blocksDownload, createOnly,
// addressBar, adminDefault only on business drives and libraries; createOnly
// only on folders; review and blocksDownload only on files.
//
// The answer is 200 with the existing link when a link set on the item
// itself has the same type and scope, was made by the same appid, has no
// password (and none is asked for), has the same expiry and has not expired;
// otherwise 201 with a new link. users-scope links are always new.
// Recipients of other scopes are accepted and ignored (no mail is sent).
// retainInheritedPermissions:false on the item's first share (no
// permission was ever set on it) makes it stop inheriting; a caller who
// could share only through an inherited grant gets that grant directly. The
// beta answer is a plain permission, as in 001 (not 002's {"value":{…}}).
//
// Link URLs: business https://{tenant}-my.sharepoint.com/:w:/g/personal/{upn
// with _}/{token}, libraries https://{tenant}.sharepoint.com/:b:/s/{site}/{token},
// personal https://1drv.ms/w/s!{token}, personal embed
// https://onedrive.live.com/embed?resid={id}&authkey=!{token} (and webHtml
// an <iframe>). The letter follows the item: w(ord), x (excel),
// p(owerpoint), b (pdf), f(older), i(mage), t(ext), v(ideo), u (other).
// shareId is "s!{token}". Permission ids are GUID-shaped hashes of the
// tenant id and a creation counter, so the same calls after New or Reset
// give the same ids, tokens and URLs.
//
// Tenant settings (SeedTenant) change three answers silently, as
// SharePoint's administrator settings do: MaxLinkExpiryDays clamps the
// expiry of new anonymous links on business drives and libraries (none, or
// one later than the limit, becomes midnight UTC that many days from today;
// PATCH clamps too; seeded links are not touched), DefaultLinkScope is the
// scope when the body has none (organization unless set to anonymous), and
// LinkReuse "typeAndScope" returns the app's existing link of the same type
// and scope with 200 whatever expiry or password is asked for (000's own
// wording), so a link older, longer-lived or without the password a policy
// asks for comes back as it is.
//
// # invite
//
// POST …/invite (driveitem-invite.md, v1.0 and beta) with recipients
// (required), roles (required, read or write; the highest is kept),
// requireSignIn (default true), sendInvitation (recorded only), message (≤
// 2000 characters), expirationDateTime (RFC 3339, future), password
// (OneDrive personal only: 400 elsewhere) and retainInheritedPermissions
// (as for createLink); other properties are 400. The caller must be able to
// share the item; no permission is made on the root of a personal drive
// (400). Per recipient, in order (repeats once): a user of the tenant (on a
// personal drive, a Microsoft account user) gets a user grant (grantedToV2
// {user, siteUser}, grantedTo; no invitation; an existing grant is raised);
// the drive's owner gets the owner permission; any other address gets an
// invitation (invitation {email, signInRequired}, a link with its own URL,
// grantedToIdentitiesV2), which with requireSignIn:false anyone holding its
// URL can follow. expirationDateTime applies to invitations (and on
// personal drives to user grants, where it is shown but not enforced);
// password to invitations and grants on personal drives (hasPassword).
// Recipients fail alone: an unknown alias or objectId (400
// invalidRequest), or a new guest invited by an application ("New guests
// can't be invited using app-only access"; an address already holding an
// invitation in the tenant is an existing guest): the answer is then 207
// with the failed recipients as entries {roles, invitation?, error: {code,
// message, innererror?}} among the permissions, as the beta page's
// "Partial success response" shows; when every recipient fails, the first
// failure is the answer. Otherwise 200 {"value":[…]}.
//
// # Sharing URLs and /shares
//
// A share id is "u!" + unpadded base64url of a URL (EncodeSharingURL), or a
// shareId "s!{token}". Decoding tolerates up to two "=" of padding and an
// upper-case "U!", but not the standard base64 alphabet ("+", "/"); the URL
// must be absolute http(s) and is matched exactly (no normalisation). A
// malformed id is 400 invalidRequest, an unknown (or deleted) one 404
// itemNotFound. Three kinds of URL resolve: link webUrls, invitation URLs
// and items' own webUrls (an "existing access" share). Following a link
// needs: anonymous – any caller; organization – a user or application of the
// tenant; users – a recipient; invitation – the invitee; an item URL –
// existing access. Expired links and password links (the API cannot supply
// a password) cannot be followed. Callers who may see the item anyway always
// can. Otherwise 403 accessDenied. A link lets its follower read the shared
// item and its descendants, never reshare them.
//
// # grant
//
// POST /shares/{id}/permission/grant with {"recipients":[…],"roles":[…]}
// (both non-empty; roles read or write). The caller must be able to share
// the item (403 otherwise). Through a link, the roles must equal the link's
// (400 invalidRequest otherwise); the recipients join the link's
// grantedToIdentitiesV2 and the answer is {"value":[the updated link]}.
// Through an item's own URL, any roles go (the highest is kept): the answer
// starts with {"id":"00000000-0000-0000-0000-000000000000","link":{"scope":
// "existingAccess",…}}, then a user permission (grantedToV2, grantedTo) per
// tenant user (found by email/UPN, objectId or alias = UPN local part; an
// existing grant is raised, never lowered), then an invitation permission
// per unknown address (invitation {email, signInRequired:true}, a link with
// its invitation URL, grantedToIdentitiesV2). Grants and invitations persist
// and show in the permissions of the item and its descendants. Unknown
// aliases and objectIds are 400 invalidRequest.
//
// # Permissions
//
// An item lists: its owner ({"roles":["owner"],"grantedToV2":{"user",
// "siteUser"},"grantedTo":{"user"}}), or for a library its site groups
// ("Marketing Members", roles write, grantedToV2.siteGroup); then inherited
// permissions from the farthest ancestor down, with inheritedFrom {driveId,
// id, path: /drives/{id}/root:/a}; then its own. A permission id seen twice
// (a user granted on a folder and on a file) is listed once, the nearest
// winning. DELETE …/permissions/{id} is 204; the owner's and site groups'
// are 403 accessDenied; an inherited one is 400 invalidRequest (delete it
// where it is set).
//
// PATCH …/permissions/{id} (permission-update.md) takes roles and/or
// expirationDateTime, nothing else (400): roles on user grants and
// invitations, expirationDateTime (null removes it) on anonymous links
// only; organization and users links are not modifiable (the doc's
// remarks), nor the roles of a link (400). Owner and site groups 403,
// inherited 400, as for DELETE; on the root of a personal drive 400. It
// answers 200 with the permission.
//
// ETags: every permission has one ("{GUID},n", n counting its changes:
// PATCH, revokeGrants, grant recipients joining a link, a raised grant or
// invitation), in the ETag header of GET, PATCH and revokeGrants answers;
// bodies carry no @odata.etag (Graph's permission has no eTag property).
// If-Match on GET, PATCH, DELETE and revokeGrants that matches none of its
// tags ("*" matches all; W/ is ignored) is 412 preconditionFailed before
// anything changes; If-None-Match on GET that matches is 304 without a
// body.
//
// POST …/permissions/{id}/revokeGrants with grantees
// (driveRecipient, non-empty) removes them from a users-scope link's
// grantedToIdentitiesV2 (other permissions 400; "only available for sharing
// links scoped to users") and answers 200 with the link. Recipients are
// matched as grant resolves them.
//
// # JSON batching
//
// POST /v1.0/$batch and /beta/$batch (json-batching.md):
// {"requests":[{id, method, url, headers?, body?, dependsOn?}]}. The whole
// batch is 400 BadRequest, before any step runs, when it is not such an
// object, has no requests or more than 20, has an id missing or twice
// (ids compare case-insensitively), a method other than GET, POST, PATCH,
// PUT, DELETE, a url that is absolute (a scheme or a host) or names $batch,
// a body without a Content-Type header, or a dependsOn naming no other
// request or making a cycle. Otherwise each step runs as if sent alone,
// under the batch's version, with the batch's Authorization (the step's
// own is ignored) and its own request-id: counted, faulted and answered by
// the same code; its url may omit the leading "/" and carry a query
// (ignored). A step runs after the steps it depends on; when one of them
// answered 400 or more, it does not run and answers 424 failedDependency.
// A body is the step's JSON, or a string holding base64 bytes. The answer
// is 200 {"responses":[{id, status, headers, body?}]} in request order
// (Graph promises no order; do not rely on it), headers being the step's
// response headers (one value each).
//
// # Responses
//
// Every answer has a unique request-id header and client-request-id (echoed
// when sent and sane, else generated); bodies are Content-Type
// application/json and carry an @odata.context. Errors are
// {"error":{"code","message","innerError":{"code"?,"date","request-id",
// "client-request-id"}}}. Codes: 400 invalidRequest (BadRequest for /me
// with an application), 401 InvalidAuthenticationToken, 403 accessDenied,
// 404 itemNotFound (invalidRequest for unknown routes), 405 notAllowed, 413
// invalidRequest (bodies over 1 MiB), 429 activityLimitReached, 500
// generalException, 501 notSupported, 503 serviceNotAvailable.
//
// # Faults and counters
//
// Sim.Inject adds a Fault: latency (added before answering), throttle (429
// activityLimitReached, innerError.code throttledRequest, Retry-After
// defaulting to "1"), unavailable (503 serviceNotAvailable, Retry-After when
// set), error (500 generalException), drop (the connection is hijacked and
// closed, no answer), truncate (a 200 whose Content-Length exceeds the bytes
// sent, then close). Faults run before authentication and the handler, so
// a faulted request changes no state; it is still counted.
//
// Batch steps meet faults as requests sent alone do (a Route of
// "createLink" throttles createLink steps too) and answer them inside a
// batch that stays 200: a throttled step is a 429 response with its
// Retry-After header. Fault.InBatch limits a fault to steps, Fault.Step to
// the steps of one id, and Fault.Every N to every Nth matching request or
// step (Count 0 then means until cleared). drop and truncate have no
// connection to break in a step: it answers 500.
//
// Every request except the control endpoint is counted under a route key,
// METHOD + " " + name: "POST createLink", "POST grant", "GET permissions",
// "GET permission", "PATCH permission", "DELETE permission", "POST invite",
// "POST revokeGrants", "POST batch" (the batch itself), "GET
// sharesDriveItem" (an item read
// straight through /shares/{id}/driveItem, /root or /items/{id}), "GET
// sharesPermission", "GET item", "GET children", "GET drive", and
// "<METHOD> unknown" for unknown routes; a wrong method on a known route
// keeps the name ("GET createLink"). Sim.Requests returns the counts and
// Sim.Total their sum. A batch step that ran is counted under its own key
// as well, and also in Sim.BatchSteps (same keys, steps only); steps of a
// refused batch and steps failed by a dependency never ran and are not
// counted. So Total() == 0 still means nothing reached Graph, and
// Requests()["POST batch"] == Total() that only batches did.
//
// The control endpoint is not authenticated, counted or faulted:
//
//	POST   /_graphsim/faults    {"kind":"throttle","count":2,"retryAfter":"3","latency":"50ms","route":"POST createLink","inBatch":true,"step":"2","every":3} → 201 {"faults":[…]}
//	GET    /_graphsim/faults    → {"faults":[…]} (count = remaining, 0 = until cleared)
//	DELETE /_graphsim/faults    → 204
//	GET    /_graphsim/requests  → {"total":N,"routes":{"POST createLink":N,…},"batchSteps":{…}}
//	POST   /_graphsim/reset     → 204 (state back to the seed, counters and faults cleared)
//
// # Seed JSON
//
// ParseSeed reads (unknown fields are errors; ids are optional where
// marked, and derived deterministically: "01"+32 base32 characters on
// SharePoint, "{DRIVEID}!{n}" from 101 on personal drives):
//
//	{
//	  "tenant": {"id": "<tid>", "name": "contoso",
//	             "maxLinkExpiryDays": 30, "defaultLinkScope": "anonymous", "linkReuse": "typeAndScope"},  // optional
//	  "users": [{"id": "<oid>", "upn": "alice@contoso.com", "displayName": "Alice Smith", "personal": false}],
//	  "sites": [{"id": "contoso.sharepoint.com,<guid>,<guid>", "name": "marketing", "displayName": "Marketing",
//	             "members": [{"user": "alice@contoso.com", "role": "write"}]}],   // owner | write | read
//	  "groups": [{"id": "<gid>", "displayName": "Marketing Team", "site": "<site id>", "members": ["alice@contoso.com"],
//	              "channels": [{"id": "19:…@thread.tacv2", "displayName": "General", "folder": "/General"}]}],
//	  "drives": [{"id": "b!…", "driveType": "business", "owner": "alice@contoso.com",  // or documentLibrary + "site" (+ "listId")
//	              "special": {"documents": "/Documents"},
//	              "root": {"id": "01…", "children": [
//	                {"id": "01…", "name": "Documents", "folder": true, "children": [
//	                  {"name": "Report.docx", "size": 48213, "permissions": [
//	                    {"link": {"type": "view", "scope": "organization", "application": {"id": "<appid>", "displayName": "App"},
//	                              "password": "", "expirationDateTime": "2030-01-01T00:00:00Z", "recipients": []}},
//	                    {"grantedTo": "bob@contoso.com", "roles": ["write"]}]}]}]}}]
//	}
//
// A drive of a user (personal or business) needs an owner; a library needs a
// site, and a group's drive is its site's library. An item is a folder when
// "folder" is true or it has children.
//
// # The demo seed
//
// DemoSeed: tenant contoso (DemoTenantID). alice@contoso.com (Alice Smith)
// has a business drive with /Documents/Report.docx, /Documents/Budget.xlsx
// (an organization view link of another app, DemoIntranetAppID) and
// /Documents/Plans/Q3.pptx, where bob holds a write grant on /Documents/Plans.
// bob@contoso.com (Bob Jones) has /Notes.txt and /Designs/Logo.png. The
// marketing site (DemoMarketingSiteID; alice and bob write) has a library
// with /Shared/Brand.pdf and /General, the folder of the General channel of
// the Marketing Team group (DemoMarketingGroupID); its list is
// DemoMarketingListID, where Brand.pdf is item DemoBrandListItemID. carol@outlook.com (Carol
// Lee) is a personal account with /Photos/Trip.jpg. The Demo* constants name
// every id; Sim.ItemID and Sim.DriveID look up others. DemoToken and
// DemoAppToken mint tokens for them. DemoPolicySeed is the same tenant with
// the settings above (DemoPolicyMaxExpiryDays, anonymous default scope,
// typeAndScope reuse) and two links of DemoAppID on Report.docx made before
// any policy: DemoLegacyAnonymousLinkID (anonymous view, no expiry, no
// password) and DemoLegacyEditLinkID (organization edit, expiring
// DemoLegacyEditLinkExpiry).
//
// # Not emulated
//
// Token signatures, audiences and issuers; sending mail (sendNotification,
// sendInvitation, message, invitations are recorded only, so invite's
// notification failures of Graph's 207 example are not produced);
// redeeming passwords; premium and non-premium OneDrive personal accounts
// (every one takes invite's expirationDateTime); tenant sharing policies
// beyond the three settings above (default link types, disabled anonymous
// links, guest policies); Graph's exact messages for malformed batches
// (the codes and statuses follow json-batching.md, the texts are
// graphsim's); atomicity groups and batch-level authentication (a batch
// without a token answers 200 with a 401 per step); item creation, upload, rename, move, versions and check-out;
// query options ($select, $expand, $top) and paging; real throttling (only
// injected faults); national clouds; Teams, activities and workbooks beyond
// their use as item addresses.
package graphsim
