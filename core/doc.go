// Package core holds the rules of Microsoft Graph's sharing API —
// createLink, grant, invite, permissions, revokeGrants, $batch — as pure functions: bytes and
// values in, values and bytes out.
//
// core does no I/O and keeps no state. The clock, the organisation's policy
// and every other input are passed in, so the same call gives the same bytes
// natively, inside the WASM plugin and behind the Lambda handler.
//
// The concepts, one file each:
//   - action: the action table — each Graph action's route form, method,
//     body, policy hook, forwarded headers, answer and status — and Build
//     and Shape, which serve any action from its row;
//   - route: every Graph path form, parsed into a Route with a safely
//     escaped upstream path; query: the query string's one rule ($select);
//   - context: what a caller passes in (Context) and gets back to send
//     (Request), and the platform hints (drive type, item kind);
//   - createlink, grant, invite, permissionupdate, revokegrants: each
//     action's strict body rules and canonical upstream body; gateway:
//     the builds of invite, update and revokeGrants; recipient, roles,
//     datetime, conditional: the values they share (recipients, read/write
//     roles, RFC 3339 expiries, entity-tag headers);
//   - walk, values: reading a body's objects (bounded, no repeated keys,
//     no lone surrogates) and its values;
//   - batch, batchplan, batchbody: JSON batching, each step checked as if
//     alone, throttled steps retried, answers shaped;
//   - shareid: the u! sharing-URL encoding (done right: full padding strip,
//     every '+' and '/', any UTF-8);
//   - permission, inviteanswer, item: canonical shaping of Graph's
//     permission answers (one, a collection, the beta wrapper, invite's
//     207), and the check of a driveItem passed through;
//   - grapherror, target: sharelink's own errors as values with a Graph
//     code, and their targets made fit for logs; upstream: Graph's error
//     bodies, throttling and Retry-After;
//   - policy, policycheck, answercheck, scope: an organisation's rules
//     (modes enforce/shadow/off), held to every request and to Graph's
//     answer, chosen per app, drive and site;
//   - transport: the bearer token and base-URL rules the adapters share;
//     fold, domain: ASCII-only letter case, and email domains in one form.
//
// Failures are *Error values carrying a Graph code, an HTTP status and the
// property or path segment at fault. No input makes core panic.
package core
