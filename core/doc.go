// Package core holds the rules of Microsoft Graph's sharing-link API —
// driveItem createLink and permission grant — as pure functions: bytes and
// values in, values and bytes out.
//
// core does no I/O and keeps no state. The clock, the organisation's policy
// and every other input are passed in, so the same call gives the same bytes
// natively, inside the WASM plugin and behind the Lambda handler.
//
// The concepts, one file each:
//   - route: every Graph path form of createLink, grant, permissions and
//     shares, parsed into a Route with a safely escaped upstream path;
//   - createlink and grant: strict body parsing, validation and the exact
//     upstream request;
//   - shareid: the u! sharing-URL encoding (done right: full padding strip,
//     every '+' and '/', any UTF-8);
//   - permission: canonical shaping of Graph's three response shapes;
//   - grapherror: sharelink's own errors, as values with a Graph code;
//   - upstream: Graph's error bodies, throttling and Retry-After;
//   - policy: an organisation's sharing rules, checked before anything is
//     sent.
//
// Failures are *Error values carrying a Graph code, an HTTP status and the
// property or path segment at fault. No input makes core panic.
package core
