package core

import (
	"strconv"
	"strings"
	"time"
)

// A JSON batch through sharelink: BuildBatch checks every step exactly as
// if it had been sent alone and answers the refused ones itself; the
// others go to Graph's $batch in one request (AppendUpstream); Absorb
// reads Graph's answer, shaping each step's answer as Shape would alone
// and naming the steps Graph throttled, which a host may send again as a
// smaller batch; AppendAnswer writes the caller's answer. ShapeBatch is
// Absorb and AppendAnswer in one call, for hosts that do not retry.

// CodeFailedDependency is the code of a step that was not run because a
// step it depends on failed (424, as Graph answers it).
const CodeFailedDependency = "failedDependency"

// BuiltStep is one step of a built batch.
type BuiltStep struct {
	ID    string
	Route Route  // the step's route; Action 0 when the url names none
	Query string // what of the step's query goes upstream ("" or "?$select=…")
	// Request is the upstream request of a forwarded step (Path is the
	// whole upstream path, as Build writes it).
	Request Request
	// DependsOn are the indexes of the steps this one depends on.
	DependsOn []int
	// Forward: the step goes to Graph (it passed every check and the
	// steps it depends on did too).
	Forward bool
	// Answer is the step's answer once there is one: sharelink's own for
	// a refused step, Graph's shaped for a forwarded one. Answered says
	// whether Answer is final (a throttled step stays unanswered until
	// retried or given up on, its last answer kept).
	Answer   StepResponse
	Answered bool
	// Err is the refusal or failure the step was answered with, for logs
	// (nil for a success): core's own, or Graph's error as an *Error.
	Err *Error
	// Upstream is set when Graph answered the step (Sends counts the
	// batches the step was sent in).
	Upstream bool
	Sends    int
	// UpstreamStatus is the status of Graph's last answer to the step
	// (its own, or the whole batch's when Graph refused the batch).
	UpstreamStatus int
	// Policy is the policy the step was held to and PolicyName its name
	// (BuildBatchFor's choice for the step's route; ctx's policy and
	// DefaultPolicyName with BuildBatch).
	Policy     *Policy
	PolicyName string
	// Checked is what CheckAnswer found in Graph's 2xx answer to a
	// sharing step (AnswerChecked set): the permissions, Graph's own
	// changes, the answer's findings. A step whose answer the policy
	// refuses is answered with that 403.
	Checked       Answer
	AnswerChecked bool
	// retry holds a throttled step's Retry-After, when Graph gave one.
	retryAfter    time.Duration
	hasRetryAfter bool
}

// BuiltBatch is a caller's batch, checked step by step.
type BuiltBatch struct {
	Version Version
	Steps   []BuiltStep // in request order
	order   []int
}

// BatchPath is the upstream path of a batch under version v.
func BatchPath(v Version) string { return "/" + v.String() + "/$batch" }

// BuildBatch parses a caller's JSON batch (ParseBatch: a malformed batch
// is one 400 naming the step and property) and checks every step exactly
// as Build would check it sent alone under version v, with ctx (clock,
// policy): its url is a route of the table (relative to the version: a
// url that starts with a version, "/v1.0/…", names no route and is a 404,
// as Graph would read it as /v1.0/v1.0/…), its method, query, body,
// Content-Type and Content-Encoding. A step that fails is answered with
// the error it would get alone and is never forwarded; a step depending
// on a failed one is answered 424 failedDependency and never forwarded.
// The batch's Authorization is the caller's to check, once.
func BuildBatch(body []byte, v Version, ctx *Context) (BuiltBatch, error) {
	return BuildBatchFor(body, v, ctx, nil)
}

// PolicyChooser picks the policy a step is held to from its route (the
// drive and site it names, RouteSubject) and says its name for the
// decision record; a host adds what the route does not hold (the
// batch's token's appid).
type PolicyChooser func(r *Route) (*Policy, string)

// BuildBatchFor is BuildBatch with each step held to the policy choose
// picks for its own route, as the step sent alone would be; nil: ctx's
// policy for every step.
func BuildBatchFor(body []byte, v Version, ctx *Context, choose PolicyChooser) (BuiltBatch, error) {
	b, err := ParseBatch(body)
	if err != nil {
		return BuiltBatch{}, err
	}
	out := BuiltBatch{Version: v, Steps: make([]BuiltStep, len(b.Steps)), order: b.order}
	for _, i := range b.order {
		s := &b.Steps[i]
		st := &out.Steps[i]
		st.ID = s.ID
		for _, d := range s.DependsOn {
			st.DependsOn = append(st.DependsOn, b.Index(d))
		}
		st.Policy, st.PolicyName = ctx.Policy, DefaultPolicyName
		if j := out.failedDependency(i); j >= 0 {
			// Not run; its route still says what it would have done,
			// for its decision record.
			if r, _, e := stepRoute(s, v); e == nil {
				st.Route = r
				if choose != nil {
					st.Policy, st.PolicyName = choose(&st.Route)
				}
			}
			out.answerError(i, failedDependency(out.Steps[j].ID))
			continue
		}
		var e *Error
		st.Route, st.Query, st.Request, e = buildStep(s, v, ctx, choose, st)
		if e != nil {
			out.answerError(i, e)
			continue
		}
		st.Forward = true
	}
	return out, nil
}

// failedDependency is the first step i depends on that failed, or -1.
func (b *BuiltBatch) failedDependency(i int) int {
	for _, j := range b.Steps[i].DependsOn {
		if d := &b.Steps[j]; d.Answered && d.Answer.Status >= 400 {
			return j
		}
	}
	return -1
}

func failedDependency(id string) *Error {
	return &Error{Status: 424, Code: CodeFailedDependency, Target: "dependsOn",
		Message: "the request '" + segmentForMessage(id) + "' this request depends on failed; this one was not sent"}
}

// buildStep checks one step as if it were sent alone.
// On a refusal the Request holds what Build made of the body (the terms
// and findings), for the decision record.
func buildStep(s *BatchStep, v Version, ctx *Context, choose PolicyChooser, st *BuiltStep) (Route, string, Request, *Error) {
	route, rawQuery, e := stepRoute(s, v)
	if e != nil {
		return Route{}, "", Request{}, e
	}
	query, err := ParseQuery(route.Action, rawQuery)
	if err != nil {
		return route, "", Request{}, AsError(err)
	}
	var body []byte
	if route.Action.TakesBody() {
		if ce, ok := s.Header("Content-Encoding"); ok && !identityCoding(ce) {
			return route, "", Request{}, &Error{Status: 415, Code: CodeUnsupportedMedia, Target: "Content-Encoding",
				Message: "a batch request's body is a JSON value of the batch and is not decoded; send the batch itself with Content-Encoding instead"}
		}
		ct, _ := s.Header("Content-Type")
		if e := CheckJSONMediaType(ct); e != nil {
			return route, "", Request{}, AsError(e)
		}
		body = s.Body
	}
	c := *ctx
	if choose != nil {
		c.Policy, st.PolicyName = choose(&route)
		st.Policy = c.Policy
	}
	// The step's own conditional headers (If-Match…), for the rows that
	// forward them, as a request alone would carry them.
	c.Header = func(name string) string { v, _ := s.Header(name); return v }
	req, err := Build(&route, body, &c)
	if err != nil {
		return route, "", req, AsError(err)
	}
	return route, query, req, nil
}

// stepRoute is the route of a step's url under the batch's version v,
// and the url's raw query.
func stepRoute(s *BatchStep, v Version) (Route, string, *Error) {
	path, rawQuery, _ := strings.Cut(s.URL, "?")
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	first, _, _ := strings.Cut(path[1:], "/")
	if d, ok := percentDecode(first); ok && (equalFoldASCII(d, "v1.0") || equalFoldASCII(d, "beta")) {
		return Route{}, "", notFound("path", "a batch request's url is relative to the batch's version ('/me/drive/…' in /"+
			v.String()+"/$batch); a url that starts with a version names no route")
	}
	route, err := ParseRouteVersion(s.Method, path, v)
	if err != nil {
		return Route{}, "", AsError(err)
	}
	route.Version = v // the batch's: the path names no version
	if route.Action.IsBatch() {
		return Route{}, "", invalid("url", "a batch cannot hold a $batch request")
	}
	return route, rawQuery, nil
}

// identityCoding: a Content-Encoding of identity entries only.
func identityCoding(v string) bool {
	for _, c := range strings.Split(v, ",") {
		if c = strings.Trim(c, " \t"); c != "" && !equalFoldASCII(c, "identity") {
			return false
		}
	}
	return true
}

// CheckJSONMediaType accepts application/json with no charset or UTF-8,
// the only body Graph's sharing actions take; anything else is a 415
// naming Content-Type.
func CheckJSONMediaType(ct string) error {
	mt, params, _ := strings.Cut(ct, ";")
	if !equalFoldASCII(strings.Trim(mt, " \t"), "application/json") {
		return UnsupportedMedia("Content-Type", "the request body must be sent with Content-Type: application/json")
	}
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, _ := strings.Cut(p, "=")
		if !equalFoldASCII(strings.Trim(name, " \t"), "charset") {
			continue
		}
		val = strings.Trim(strings.Trim(val, " \t"), `"`)
		if !equalFoldASCII(val, "utf-8") && !equalFoldASCII(val, "utf8") {
			return UnsupportedMedia("Content-Type", "the request body must be UTF-8 JSON")
		}
	}
	return nil
}

// answerError answers step i with e, finally.
func (b *BuiltBatch) answerError(i int, e *Error) {
	st := &b.Steps[i]
	st.Err = e
	st.Answered = true
	st.Answer = StepResponse{ID: st.ID, Status: e.Status, Body: e.AppendJSON(nil),
		Headers: []Header{{Name: "content-type", Value: "application/json"}}}
	if e.Allow != "" {
		st.Answer.Headers = append(st.Answer.Headers, Header{Name: "allow", Value: e.Allow})
	}
	st.Answer.Headers = st.policyHeaders(st.Answer.Headers)
}

// Findings are the rules that fired on the step: on its request, then on
// Graph's answer.
func (st *BuiltStep) Findings() []Finding {
	if !st.AnswerChecked || len(st.Checked.Findings) == 0 {
		return st.Request.Findings
	}
	return append(append([]Finding(nil), st.Request.Findings...), st.Checked.Findings...)
}

// Adjusted is what was changed in the step: by the policy, then by
// Graph, found in its answer.
func (st *BuiltStep) Adjusted() []Adjustment {
	if len(st.Checked.Adjusted) == 0 {
		return st.Request.Adjusted
	}
	return append(append([]Adjustment(nil), st.Request.Adjusted...), st.Checked.Adjusted...)
}

// policyHeaders adds the step's sharelink-shadow and, on a success,
// sharelink-adjusted and sharelink-reported, as a request alone gets
// them.
func (st *BuiltStep) policyHeaders(hs []Header) []Header {
	ok := st.Answer.Status >= 200 && st.Answer.Status < 300
	if adj := st.Adjusted(); ok && st.Upstream && len(adj) > 0 {
		hs = append(hs, Header{Name: AdjustedHeader, Value: FormatAdjusted(adj)})
	}
	fs := st.Findings()
	if v := FormatFindings(fs, true); v != "" {
		hs = append(hs, Header{Name: ShadowHeader, Value: v})
	}
	if v := FormatFindings(fs, false); ok && v != "" {
		hs = append(hs, Header{Name: ReportedHeader, Value: v})
	}
	return hs
}

// Pending lists the forwarded steps without a final answer, in the order
// they may run: the steps of the next upstream batch.
func (b *BuiltBatch) Pending() []int {
	var out []int
	for _, i := range b.order {
		if st := &b.Steps[i]; st.Forward && !st.Answered {
			out = append(out, i)
		}
	}
	return out
}

// AppendUpstream writes the body of the upstream batch of steps (indexes,
// as Pending gives them): each step's id, method, url relative to the
// version (BatchURL of its upstream path, with its query), its canonical
// body and Content-Type, and its dependsOn among steps (a dependency not
// among them has already succeeded). Its path is BatchPath(b.Version).
func (b *BuiltBatch) AppendUpstream(dst []byte, steps []int) ([]byte, error) {
	out := make([]OutStep, 0, len(steps))
	for _, i := range steps {
		st := &b.Steps[i]
		o := OutStep{ID: st.ID, Method: st.Request.Method, URL: BatchURL(st.Request.Path) + st.Query}
		if st.Request.Body != nil {
			o.Body = st.Request.Body
			o.Headers = []Header{{Name: "Content-Type", Value: st.Request.ContentType}}
		}
		for _, h := range st.Request.Headers {
			o.Headers = append(o.Headers, Header{Name: h[0], Value: h[1]})
		}
		for _, j := range st.DependsOn {
			for _, k := range steps {
				if k == j {
					o.DependsOn = append(o.DependsOn, b.Steps[j].ID)
				}
			}
		}
		st.Sends++
		out = append(out, o)
	}
	return AppendBatchRequest(dst, out)
}

// BatchRetry is what of an upstream batch's answer is worth sending
// again: the steps Graph throttled (429, 503, 509) or timed out (504) —
// the statuses a request alone is retried on (UpstreamError.Retryable) —
// and the steps Graph failed only because one of those failed (424, every
// other dependency having succeeded). After is the longest Retry-After
// among them (HasAfter false when none gave one).
type BatchRetry struct {
	Steps    []int
	After    time.Duration
	HasAfter bool
}

// Absorb reads Graph's answer to the upstream batch of steps sent
// (status, the batch's Retry-After and body) and records each step's
// answer as it would be alone: a 2xx shaped by Shape for the step's
// route, an error as ParseUpstreamError reads it (Graph's code, message
// and innerError, the step's Retry-After as a retry-after header in
// seconds). Retryable steps are left unanswered, their answer kept, and
// returned in BatchRetry. An answer to the whole batch that is not a 200,
// or a 200 that is not a batch answer for the steps sent (a 502
// badGateway), answers every step sent with that error, finally.
func (b *BuiltBatch) Absorb(sent []int, status int, retryAfter string, body []byte, now time.Time) BatchRetry {
	if status != 200 {
		u := ParseUpstreamError(status, retryAfter, body, now)
		for _, i := range sent {
			b.Steps[i].UpstreamStatus = status
			b.answerUpstream(i, &u, "")
			b.Steps[i].Answered = true
		}
		return BatchRetry{}
	}
	ids := make([]string, len(sent))
	for k, i := range sent {
		ids[k] = b.Steps[i].ID
	}
	rs, err := ParseBatchResponse(body, ids)
	if err != nil {
		for _, i := range sent {
			b.answerError(i, AsError(err))
		}
		return BatchRetry{}
	}
	var retry BatchRetry
	retrying := func(j int) bool {
		for _, k := range retry.Steps {
			if k == j {
				return true
			}
		}
		return false
	}
	for _, i := range b.order { // dependencies first
		k := -1
		for n := range sent {
			if sent[n] == i {
				k = n
			}
		}
		if k < 0 {
			continue
		}
		var r *StepResponse
		for n := range rs {
			if strings.EqualFold(rs[n].ID, ids[k]) {
				r = &rs[n]
			}
		}
		st := &b.Steps[i]
		st.Upstream = true
		again := b.absorbStep(i, r, now)
		if r.Status == 424 {
			again = false
			for _, j := range st.DependsOn {
				if retrying(j) {
					again = true
				} else if d := &b.Steps[j]; !d.Answered || d.Answer.Status >= 400 {
					again = false
					break
				}
			}
		}
		if again {
			retry.Steps = append(retry.Steps, i)
			if st.hasRetryAfter && (!retry.HasAfter || st.retryAfter > retry.After) {
				retry.After, retry.HasAfter = st.retryAfter, true
			}
			continue
		}
		st.Answered = true
	}
	return retry
}

// absorbStep records Graph's answer r to step i and says whether it is
// retryable.
func (b *BuiltBatch) absorbStep(i int, r *StepResponse, now time.Time) bool {
	st := &b.Steps[i]
	st.Err = nil
	st.Checked, st.AnswerChecked = Answer{}, false
	st.UpstreamStatus = r.Status
	if r.Status >= 200 && r.Status <= 299 {
		res, err := Shape(&st.Route, r.Status, r.Body)
		if err != nil {
			b.answerError(i, AsError(err))
			return false
		}
		if st.Route.Action.Shares() {
			// Held to the step's policy as the answer to a request alone
			// is: a refusal names the rule and the permission Graph made.
			var e *Error
			st.Checked, e = checkAnswer(st.Route.Action, &st.Request, &res.Shaped, &Context{Now: now, Policy: st.Policy})
			st.AnswerChecked = true
			if e != nil {
				b.answerError(i, e)
				st.Answer.Headers = append(st.Answer.Headers, graphIDs(r)...)
				return false
			}
		}
		st.Answer = StepResponse{ID: st.ID, Status: res.Status, Body: res.Body}
		if res.Body != nil {
			st.Answer.Headers = append(st.Answer.Headers, Header{Name: "content-type", Value: "application/json"})
		}
		st.Answer.Headers = append(st.Answer.Headers, graphIDs(r)...)
		st.Answer.Headers = st.policyHeaders(st.Answer.Headers)
		return false
	}
	ra, _ := r.Header("Retry-After")
	u := ParseUpstreamError(r.Status, ra, r.Body, now)
	b.answerUpstream(i, &u, ra)
	st.Answer.Headers = append(st.Answer.Headers, graphIDs(r)...)
	st.retryAfter, st.hasRetryAfter = u.RetryAfter, u.HasRetryAfter
	return u.Retryable
}

// graphIDs are the ids Graph's step answer carries that the caller's
// answer keeps: request-id and client-request-id, when they are tokens.
func graphIDs(r *StepResponse) []Header {
	var hs []Header
	for _, name := range [...]string{"request-id", "client-request-id"} {
		if v, ok := r.Header(name); ok && v != "" && len(v) <= 128 && isIDToken(v) {
			hs = append(hs, Header{Name: name, Value: v})
		}
	}
	return hs
}

func isIDToken(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// answerUpstream answers step i with Graph's error u (not finally: the
// caller decides), with its Retry-After in whole seconds when Graph gave
// one.
func (b *BuiltBatch) answerUpstream(i int, u *UpstreamError, retryAfter string) {
	st := &b.Steps[i]
	st.Err = u.Err()
	st.Answer = StepResponse{ID: st.ID, Status: u.Status, Body: u.AppendJSON(nil),
		Headers: []Header{{Name: "content-type", Value: "application/json"}}}
	if u.HasRetryAfter && retryAfter != "" {
		st.Answer.Headers = append(st.Answer.Headers, Header{Name: "retry-after", Value: strconv.FormatInt(u.RetryAfterSeconds(), 10)})
	}
	st.Answer.Headers = st.policyHeaders(st.Answer.Headers)
}

// Finish makes every answer final: a step still waiting for a retry keeps
// its last answer (Graph's throttling, with its retry-after), and a
// forwarded step never sent is answered with e (a 504 when e is nil).
func (b *BuiltBatch) Finish(e *Error) {
	for i := range b.Steps {
		st := &b.Steps[i]
		switch {
		case st.Answered:
		case st.Upstream:
			st.Answered = true
		default:
			if e == nil {
				e = GatewayTimeout("", "no time was left to ask Microsoft Graph")
			}
			b.answerError(i, e)
		}
	}
}

// AppendAnswer writes the caller's answer, {"responses":[…]} in request
// order, answered with 200. Call Finish first.
func (b *BuiltBatch) AppendAnswer(dst []byte) []byte {
	rs := make([]StepResponse, len(b.Steps))
	for i := range b.Steps {
		rs[i] = b.Steps[i].Answer
		rs[i].ID = b.Steps[i].ID
	}
	return AppendBatchResponse(dst, rs)
}

// ShapeBatch turns Graph's answer to the upstream batch of b's pending
// steps (b as BuildBatch made it; status, Retry-After and body of Graph's
// answer) into the caller's answer, without retrying: what Graph
// throttled is answered as Graph answered it. The plugin's shape_batch.
func ShapeBatch(b *BuiltBatch, status int, retryAfter string, body []byte, now time.Time) []byte {
	if sent := b.Pending(); len(sent) > 0 {
		b.Absorb(sent, status, retryAfter, body, now)
	}
	b.Finish(nil)
	return b.AppendAnswer(nil)
}

// AdjustedHeader is the header that reports what the policy changed in a
// request that succeeded (FormatAdjusted gives its value).
const AdjustedHeader = "sharelink-adjusted"

// FormatAdjusted writes adj as the sharelink-adjusted header writes it,
// one entry per change, comma-separated:
//
//	expirationDateTime=2026-12-25T17:00:00Z;rule=policy.maxExpiryDays;from=2027-06-01T00:00:00Z
//	scope=anonymous;by=graph
//
// rule names the policy rule that changed the request; by=graph marks a
// change Graph made on its own, found in its answer; from is absent when
// the caller gave no value.
func FormatAdjusted(adj []Adjustment) string {
	var b strings.Builder
	for i, a := range adj {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Property)
		b.WriteByte('=')
		b.WriteString(a.To)
		if a.Rule != "" {
			b.WriteString(";rule=")
			b.WriteString(a.Rule)
		}
		if a.By != "" {
			b.WriteString(";by=")
			b.WriteString(a.By)
		}
		if a.From != "" {
			b.WriteString(";from=")
			b.WriteString(a.From)
		}
	}
	return b.String()
}
