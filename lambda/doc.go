// Package lambda is sharelink's Graph-shaped HTTP front: an AWS Lambda
// handler for API Gateway HTTP API and Function URL events (payload 2.0)
// that answers Microsoft Graph's sharing routes, validates and applies the
// organisation's policy through core, sends what core built to Graph with
// the caller's own token, retries Graph's throttling within the
// invocation's deadline, and answers with core's shaped bodies.
//
// The handler holds no Graph rule: which routes exist, what a valid body
// is, what the policy allows and what a response looks like are core's.
// What lives here is transport: the event, headers, body limits, the
// upstream client, retries, logs and configuration.
//
// Files, one concept each:
//   - config.go: the environment, read once at start; bad config refuses to start
//   - handler.go: one request, from event to response
//   - request.go: reading the event (headers, body: base64, Content-Encoding, media type)
//   - transport.go: what is answered before the route: unread bodies, CORS
//   - upstream.go: the HTTP exchange with Graph
//   - retry.go: which answers are sent again, and when
//   - respond.go: shaping responses through core
//   - log.go: the one JSON line per request, and what may go in it
//   - http.go: the same handler behind net/http, and that server's limits, for lambda/cmd/local
package lambda
