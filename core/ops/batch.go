package ops

import (
	"strconv"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// JSON batching in the plugin, stateless: build_batch checks a caller's
// $batch step by step (core.BuildBatch) and gives the one upstream
// request; shape_batch rebuilds the same batch from the same body and
// turns Graph's answer into the caller's. The host sends, waits and
// resends; the plugin keeps nothing between calls.

var buildBatchFields = [...]field{
	{"body", gjson.JSON, true},
	{"path", gjson.String, false},
	{"headers", gjson.JSON, false},
}

// BuildBatch: {"body","path"?,"headers"?} →
// {"request":{"method","url","headers","body"} | null,"pending":[ids],"local":[step answers]}.
// body is the caller's batch, {"requests":[…]}, as a JSON value or a
// string holding its raw text; path is the batch's own path (/v1.0/$batch
// or /beta/$batch; without it, config api_version's); headers the batch
// request's headers, of which Content-Type is checked when given. Every
// step is checked as if it were sent alone: pending are the ids that go
// to Graph, in the order they may run, and request is the upstream batch
// holding them (null when none passed); local are the steps sharelink
// answers itself (refused, unserved, failed dependency 424), each
// {"id","status","headers","body"} as the caller's answer will hold it.
// A malformed batch is the error, a 400 naming the step and property.
func BuildBatch(input []byte, cfg *Config) ([]byte, error) {
	var in [len(buildBatchFields)]gjson.Result
	if err := readEnvelope(input, buildBatchFields[:], in[:]); err != nil {
		return nil, err
	}
	b, err := buildBatch(input, in[0], in[1], in[2], cfg)
	if err != nil {
		return nil, err
	}
	pending := b.Pending()
	out := make([]byte, 0, 256+256*len(b.Steps))
	out = append(out, `{"request":`...)
	if len(pending) == 0 {
		out = append(out, "null"...)
	} else if out, err = appendBatchRequest(out, &b, pending, cfg); err != nil {
		return nil, err
	}
	out = append(out, `,"pending":`...)
	out = appendIDs(out, &b, pending)
	var local []core.StepResponse
	for i := range b.Steps {
		if st := &b.Steps[i]; st.Answered {
			r := st.Answer
			r.ID = st.ID
			local = append(local, r)
		}
	}
	out = append(out, `,"local":`...)
	out = appendStepAnswers(out, local)
	return append(out, '}'), nil
}

// buildBatch is core.BuildBatch of a "body" input under the version its
// "path" input names (config api_version's without one), after the
// batch's Content-Type when "headers" gives one.
func buildBatch(input []byte, body, path, headers gjson.Result, cfg *Config) (core.BuiltBatch, error) {
	v := cfg.APIVersion
	if path.Exists() {
		r, err := core.ParseRouteVersion("POST", path.Str, cfg.APIVersion)
		if err != nil {
			return core.BuiltBatch{}, err
		}
		if !r.Action.IsBatch() {
			return core.BuiltBatch{}, invalidInput("path", "'path' must be a $batch path: /v1.0/$batch or /beta/$batch")
		}
		v = r.Version
	}
	hdr, err := headerValues(headers)
	if err != nil {
		return core.BuiltBatch{}, err
	}
	for _, kv := range hdr {
		if core.EqualFoldASCII(kv[0], "Content-Type") {
			if err := core.CheckJSONMediaType(kv[1]); err != nil {
				return core.BuiltBatch{}, err
			}
		}
	}
	ctx := core.Context{Now: cfg.Now, Policy: cfg.Policy}
	choose := func(r *core.Route) (*core.Policy, string) { return cfg.PolicyFor(r), "" }
	return core.BuildBatchFor(bodyBytes(input, body), v, &ctx, choose)
}

// appendBatchRequest writes the upstream batch of steps as
// {"method":"POST","url","headers":{"Content-Type"},"body"}.
func appendBatchRequest(dst []byte, b *core.BuiltBatch, steps []int, cfg *Config) ([]byte, error) {
	up, err := b.AppendUpstream(make([]byte, 0, 256*len(steps)), steps)
	if err != nil {
		return dst, err
	}
	dst = append(dst, `{"method":"POST","url":`...)
	dst = jsontext.AppendString(dst, cfg.GraphBaseURL+core.BatchPath(b.Version))
	dst = append(dst, `,"headers":{"Content-Type":"application/json"},"body":`...)
	dst = jsontext.AppendString(dst, string(up))
	return append(dst, '}'), nil
}

// appendIDs writes the ids of steps as a JSON array.
func appendIDs(dst []byte, b *core.BuiltBatch, steps []int) []byte {
	dst = append(dst, '[')
	for k, i := range steps {
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, b.Steps[i].ID)
	}
	return append(dst, ']')
}

// appendStepAnswers writes step answers as a JSON array, each as the
// caller's batch answer writes it (core.AppendBatchResponse).
func appendStepAnswers(dst []byte, rs []core.StepResponse) []byte {
	doc := core.AppendBatchResponse(nil, rs) // {"responses":[…]}
	return append(dst, doc[len(`{"responses":`):len(doc)-1]...)
}

var shapeBatchFields = [...]field{
	{"body", gjson.JSON, true},
	{"path", gjson.String, false},
	{"status", gjson.Number, false},
	{"headers", gjson.JSON, false},
	{"answer", gjson.JSON, false},
	{"rounds", gjson.JSON, false},
}

var roundFields = [...]field{
	{"status", gjson.Number, true},
	{"headers", gjson.JSON, false},
	{"answer", gjson.JSON, false},
}

// maxRounds bounds the answers shape_batch reads: a host retries a few
// times, not without end.
const maxRounds = 8

// ShapeBatch: {"body","path"?,"status","headers"?,"answer"?} or
// {"body","path"?,"rounds":[{"status","headers"?,"answer"?},…]} →
// {"status":200,"body":{"responses":[…]},"retry"?:{"ids","retryAfterSeconds"?,"request"}}.
// body and path are build_batch's, the same: the batch is rebuilt
// (core.BuildBatch) and its pending steps must be the ones build_batch
// gave, so the host gives the same config now, or a clock under which no
// step's checks change (an answer for other ids than those sent is a 502
// badGateway for each step sent). status, headers (Retry-After) and
// answer are Graph's answer to build_batch's request (none when its
// request was null: every step was answered by sharelink); rounds are Graph's
// answers in order when the host resent: the first to build_batch's
// request, each next one to the previous round's retry.request. Every
// step is answered, shaped as it would be alone; the steps Graph
// throttled in the last round keep Graph's answer and are listed in
// retry, with the request that sends them again and the longest
// Retry-After among them in whole seconds. The plugin does not wait: the
// host may wait and resend, then call shape_batch with one more round,
// or answer the caller with body as it is.
func ShapeBatch(input []byte, cfg *Config) ([]byte, error) {
	var in [len(shapeBatchFields)]gjson.Result
	if err := readEnvelope(input, shapeBatchFields[:], in[:]); err != nil {
		return nil, err
	}
	var rounds []round
	switch {
	case in[5].Exists():
		if in[2].Exists() || in[3].Exists() || in[4].Exists() {
			return nil, invalidInput("rounds", "give either 'status', 'headers' and 'answer' or 'rounds', not both")
		}
		if !in[5].IsArray() {
			return nil, invalidInput("rounds", "'rounds' must be an array, not "+jsontext.TypeName(in[5]))
		}
		var err error
		in[5].ForEach(func(_, r gjson.Result) bool {
			at := "rounds[" + strconv.Itoa(len(rounds)) + "]"
			if len(rounds) == maxRounds {
				err = invalidInput("rounds", "'rounds' holds more than "+strconv.Itoa(maxRounds)+" answers")
				return false
			}
			if !r.IsObject() {
				err = invalidInput(at, "a round must be an object, not "+jsontext.TypeName(r))
				return false
			}
			// The round read as an envelope of its own: its values index its text.
			sub := []byte(r.Raw)
			var rin [len(roundFields)]gjson.Result
			if err = readEnvelope(sub, roundFields[:], rin[:]); err != nil {
				err = prefixed(err, at)
				return false
			}
			var rd round
			if rd, err = readRound(sub, rin[0], rin[1], rin[2]); err != nil {
				err = prefixed(err, at)
				return false
			}
			rounds = append(rounds, rd)
			return true
		})
		if err != nil {
			return nil, err
		}
		if len(rounds) == 0 {
			return nil, invalidInput("rounds", "'rounds' must hold Graph's answer to build_batch's request")
		}
	case !in[2].Exists():
		if in[3].Exists() || in[4].Exists() {
			return nil, invalidInput("status", "the input needs 'status' with 'headers' and 'answer': Graph's answer's status")
		}
	default:
		rd, err := readRound(input, in[2], in[3], in[4])
		if err != nil {
			return nil, err
		}
		rounds = append(rounds, rd)
	}
	b, err := buildBatch(input, in[0], in[1], gjson.Result{}, cfg)
	if err != nil {
		return nil, err
	}
	pending := b.Pending()
	if len(pending) > 0 && len(rounds) == 0 {
		return nil, invalidInput("status", "the input needs 'status' and 'answer' (or 'rounds'): Graph's answer to build_batch's request")
	}
	var retry core.BatchRetry
	for k, r := range rounds {
		if len(pending) == 0 {
			target := "status"
			if in[5].Exists() {
				target = "rounds[" + strconv.Itoa(k) + "]"
			}
			return nil, invalidInput(target, "Graph's answer answers no request: nothing was left to send (build_batch's request was null, or the round before left nothing to resend)")
		}
		retry = b.Absorb(pending, r.status, r.retryAfter, r.answer, cfg.Now)
		pending = retry.Steps
	}
	var next []byte
	if len(retry.Steps) > 0 {
		// The retry request, written before Finish makes every answer final.
		if next, err = appendBatchRequest(nil, &b, retry.Steps, cfg); err != nil {
			return nil, err
		}
	}
	b.Finish(nil)
	out := make([]byte, 0, 128+512*len(b.Steps)+len(next))
	out = append(out, `{"status":200,"body":`...)
	out = b.AppendAnswer(out)
	if len(retry.Steps) > 0 {
		out = append(out, `,"retry":{"ids":`...)
		out = appendIDs(out, &b, retry.Steps)
		if retry.HasAfter {
			out = append(out, `,"retryAfterSeconds":`...)
			out = strconv.AppendInt(out, seconds(retry.After), 10)
		}
		out = append(out, `,"request":`...)
		out = append(out, next...)
		out = append(out, '}')
	}
	return append(out, '}'), nil
}

// round is one of Graph's answers to an upstream batch.
type round struct {
	status     int
	retryAfter string
	answer     []byte
}

// readRound reads a round's status, headers (Retry-After) and answer,
// values read from src.
func readRound(src []byte, status, headers, answer gjson.Result) (round, error) {
	s, err := statusInput(status)
	if err != nil {
		return round{}, err
	}
	ra, err := retryAfterHeader(headers)
	if err != nil {
		return round{}, err
	}
	var body []byte
	if answer.Exists() && answer.Type != gjson.Null {
		body = bodyBytes(src, answer)
	}
	return round{s, ra, body}, nil
}

// seconds is d rounded up to whole seconds, as a Retry-After header
// counts (core.UpstreamError.RetryAfterSeconds).
func seconds(d time.Duration) int64 {
	s := d / time.Second
	if d%time.Second != 0 {
		s++
	}
	return int64(s)
}

// prefixed puts at before the target of an input error read inside a
// member of the input ("rounds[1]" before "status").
func prefixed(err error, at string) error {
	e := core.AsError(err)
	c := *e
	if c.Target == "" {
		c.Target = at
	} else {
		c.Target = at + "." + c.Target
	}
	if len(c.Target) > 64 {
		c.Target = c.Target[:64]
	}
	return &c
}
