// Package ops is the JSON contract of sharelink's operations: each takes a
// JSON input and gives a JSON output, byte for byte the same wherever it
// runs. The WASM plugin exports them under these names, and the test
// vectors in tests/vectors are written against them.
package ops

import (
	"strconv"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Version is sharelink's version, reported by the version op.
const Version = "0.1.0"

// Config is what a host configures once: the clock, the Graph base URL,
// the default API version and the organisation's policy.
type Config struct {
	Now          time.Time
	GraphBaseURL string // no trailing slash
	APIVersion   core.Version
	// Policy is the default policy; Policies the whole document when it
	// is scoped (overrides by app, drive, site), AppID the host's
	// application, which app overrides match (config key "appid").
	Policy   *core.Policy
	Policies *core.PolicySet
	AppID    string
}

// PolicyFor is the policy a route is held to: the most specific override
// of a scoped document for the route's drive or site and the host's app,
// else the default.
func (c *Config) PolicyFor(r *core.Route) *core.Policy {
	if c.Policies == nil {
		return c.Policy
	}
	s := core.RouteSubject(r)
	s.AppID = c.AppID
	p, _ := c.Policies.For(s)
	return p
}

// DefaultGraphBaseURL is Graph's public cloud (core's default).
const DefaultGraphBaseURL = core.DefaultGraphBaseURL

// ParseConfig reads the configuration keys (graph_base_url, api_version,
// policy, now) through get, which reports whether a key is set. now is
// for reproducible hosts and tests; without it, clock is used.
func ParseConfig(get func(key string) (string, bool), clock func() time.Time) (Config, error) {
	cfg := Config{GraphBaseURL: DefaultGraphBaseURL}
	if s, ok := get("graph_base_url"); ok && s != "" {
		base, err := core.CheckBaseURL(s)
		if err != nil {
			return cfg, err
		}
		cfg.GraphBaseURL = base
	}
	if s, ok := get("api_version"); ok && s != "" {
		v, err := core.ParseVersion(s)
		if err != nil {
			return cfg, err
		}
		cfg.APIVersion = v
	}
	if s, ok := get("policy"); ok && s != "" {
		ps, err := core.ParsePolicySet([]byte(s))
		if err != nil {
			return cfg, err
		}
		cfg.Policy, cfg.Policies = ps.Default, ps
	}
	if s, ok := get("appid"); ok && s != "" {
		if core.SafeID(s) != s {
			return cfg, core.Invalid("appid", "appid is an application (client) id, such as a GUID")
		}
		cfg.AppID = s
	}
	if s, ok := get("now"); ok && s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return cfg, core.Invalid("now", "now must be an RFC 3339 date-time")
		}
		cfg.Now = t
	} else if clock != nil {
		cfg.Now = clock()
	}
	return cfg, nil
}

// Kind is what running an operation takes.
type Kind uint8

const (
	KindPure    Kind = iota // input to output, here: Do runs it
	KindSend                // builds an action's request, which a host sends (the plugin's create_link, grant)
	KindVersion             // the version document (VersionInfo)
	KindNoop                // does nothing: the per-call floor of a host
)

// Operation is one plugin operation: the exports, the version document,
// the schema test and Do all read the one table of them.
type Operation struct {
	Name string
	// Clock: the operation reads the time (expiries, Retry-After dates);
	// a host without a fixed "now" in its config gives its clock.
	Clock bool
	Kind  Kind
	run   func(input []byte, cfg *Config) ([]byte, error)
	// Send, for a KindSend operation: what its input (the input of the
	// build operation it wraps, plus "token") stands for, read and checked
	// in one pass: the route, whose action row shapes the answer (Answer),
	// the upstream request and the token.
	Send func(input []byte, cfg *Config) (Sending, error)
	// Wraps, for a KindSend operation: the build operation whose input it
	// takes, plus "token".
	Wraps string
}

// operations is the table, in the order the version document lists them.
var operations = [...]Operation{
	{Name: "build_create_link", Clock: true, run: BuildCreateLink},
	{Name: "build_grant", Clock: true, run: BuildGrant},
	{Name: "encode_sharing_url", run: func(in []byte, _ *Config) ([]byte, error) { return EncodeSharingURL(in) }},
	{Name: "decode_sharing_url", run: func(in []byte, _ *Config) ([]byte, error) { return DecodeSharingURL(in) }},
	{Name: "parse_route", run: ParseRoute},
	{Name: "shape_permission", run: func(in []byte, _ *Config) ([]byte, error) { return ShapePermission(in) }},
	{Name: "shape_error", Clock: true, run: func(in []byte, cfg *Config) ([]byte, error) { return ShapeError(in, cfg.Now) }},
	{Name: "version", Kind: KindVersion},
	{Name: "create_link", Clock: true, Kind: KindSend, Send: createLinkSending, Wraps: "build_create_link"},
	{Name: "grant", Clock: true, Kind: KindSend, Send: grantSending, Wraps: "build_grant"},
	{Name: "noop", Kind: KindNoop},
	{Name: "build_request", Clock: true, run: BuildRequest},
	{Name: "shape_response", Clock: true, run: ShapeResponse},
	{Name: "build_batch", Clock: true, run: BuildBatch},
	{Name: "shape_batch", Clock: true, run: ShapeBatch},
	{Name: "check_answer", Clock: true, run: CheckAnswer},
}

// Operations is the table of operations, a copy: callers may keep or
// change it.
func Operations() []Operation { return append([]Operation(nil), operations[:]...) }

// Names lists every operation, in the order the version document lists
// them. A new slice each call.
func Names() []string {
	names := make([]string, len(operations))
	for i := range operations {
		names[i] = operations[i].Name
	}
	return names
}

// Lookup finds the operation named name; an unknown name is a 404 naming
// "op".
func Lookup(name string) (*Operation, error) {
	for i := range operations {
		if operations[i].Name == name {
			return &operations[i], nil
		}
	}
	return nil, core.NotFound("op", "no operation is named "+name)
}

// Do runs the operation op on input. A failure is a *core.Error whose JSON
// is what a host shows.
func Do(op string, input []byte, cfg *Config) ([]byte, error) {
	o, err := Lookup(op)
	if err != nil {
		return nil, err
	}
	return o.Do(input, cfg)
}

// Do runs o on input. A KindSend operation needs a host to send its request:
// here it is refused (a 400 naming "op").
func (o *Operation) Do(input []byte, cfg *Config) ([]byte, error) {
	switch o.Kind {
	case KindPure:
		return o.run(input, cfg)
	case KindVersion:
		return VersionInfo(), nil
	case KindNoop:
		return nil, nil
	}
	return nil, core.Invalid("op", "the operation "+o.Name+" sends a request to Graph: a host runs it (the plugin's "+o.Name+" export)")
}

// ErrorText is the error text a host shows for a failed operation: the
// Graph error body with the status beside it,
// {"error":{"code","message","target"?},"status"}. Graph's own error
// answer to a send operation (an *UpstreamError) adds what shape_error
// reads: {"error":{...},"status","throttled","retryable","retryAfterSeconds"?}.
func ErrorText(err error) []byte {
	if u, ok := err.(*UpstreamError); ok {
		return u.text
	}
	e := core.AsError(err)
	b := append(make([]byte, 0, 112+len(e.Message)), `{"error":`...)
	b = e.AppendObject(b)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	return append(b, '}')
}

// field describes one property of an operation's input envelope.
type field struct {
	name     string
	kind     gjson.Type // gjson.String, gjson.Number, or gjson.JSON for any value
	required bool
}

// EnvelopeDepth bounds an input envelope; a body inside it is checked
// again, with its own schema's depth, by the operation.
const EnvelopeDepth = 66

// readEnvelope reads input strictly against fields and returns the values
// in the same order (missing ones do not Exist); a required one missing
// is an error.
func readEnvelope(input []byte, fields []field, out []gjson.Result) error {
	if err := readMembers(input, fields, out); err != nil {
		return err
	}
	return required(fields, out)
}

// readMembers is readEnvelope without the check of required fields.
func readMembers(input []byte, fields []field, out []gjson.Result) error {
	var ix jsontext.Index
	if p, key := jsontext.CheckIndexed(input, EnvelopeDepth, &ix); p != jsontext.OK {
		t := key
		if t == "" {
			t = "input"
		}
		return core.Invalid(t, envelopeProblem(p))
	}
	// The members are read from the index the check left, each value
	// parsed alone: no walk of gjson's with a callback a member. text is
	// input as a string, copied once; the values' strings are its
	// substrings.
	text := string(input)
	for it := ix.Members(ix.Root()); it.Next(&ix); {
		// Strict: a lone surrogate escape in a key or a string (a path, a
		// body given as text) would be read as U+FFFD, not as what was sent.
		ko := it.KeyOffset()
		rawKey := text[ko : ko+len(it.Key)]
		if jsontext.LoneSurrogate(rawKey) {
			return invalidInput("input", "a key of the input holds a \\u escape that is not a UTF-16 character (a lone surrogate)")
		}
		key := rawKey[1 : len(rawKey)-1]
		if len(it.Text) != len(key) {
			key = string(it.Text) // an escape in the key: its text, decoded
		}
		raw, vo := it.Val.Raw, ix.Offset(it.Val)
		if raw[0] == '"' && jsontext.LoneSurrogate(text[vo:vo+len(raw)]) {
			return invalidInput(key, "'"+key+"' holds a \\u escape that is not a UTF-16 character (a lone surrogate)")
		}
		i := fieldIndex(fields, key)
		switch {
		case i < 0:
			return invalidInput(key, "'"+key+"' is not an input of this operation")
		case out[i].Exists():
			return invalidInput(key, "'"+key+"' appears twice in the input")
		}
		val := gjson.Parse(text[vo : vo+len(raw)])
		if f := fields[i]; f.kind != gjson.JSON && val.Type != f.kind {
			return invalidInput(key, "'"+key+"' must be a "+kindName(f.kind)+", not "+jsontext.TypeName(val))
		}
		val.Index = vo
		out[i] = val
	}
	return nil
}

// fieldIndex is the index of the field named name, or -1.
func fieldIndex(fields []field, name string) int {
	for i := range fields {
		if fields[i].name == name {
			return i
		}
	}
	return -1
}

// required checks that every required field of fields is in out.
func required(fields []field, out []gjson.Result) error {
	for i, f := range fields {
		if f.required && !out[i].Exists() {
			return invalidInput(f.name, "the input needs '"+f.name+"'")
		}
	}
	return nil
}

// envelopeProblem is ops' message for an input envelope that jsontext.Check
// refused: ops words its own messages (jsontext's speak of a body).
func envelopeProblem(p jsontext.Problem) string {
	switch p {
	case jsontext.Empty:
		return "the input is empty"
	case jsontext.BadUTF8:
		return "the input is not valid UTF-8"
	case jsontext.TooDeep:
		return "the input is nested too deeply"
	case jsontext.NotAnObject:
		return "the input is not a JSON object"
	}
	return "the input is not valid JSON"
}

func kindName(t gjson.Type) string {
	if t == gjson.Number {
		return "number"
	}
	return "string"
}

func invalidInput(target, msg string) *core.Error {
	if len(target) > 64 {
		target = target[:64]
	}
	return core.Invalid(target, msg)
}

// bodyBytes is a "body" input, v read from input: a JSON value stands for
// its own bytes, which are input's (not copied: the operations only read
// a body), a string holds the raw body text (so that malformed bodies can
// be passed).
func bodyBytes(input []byte, v gjson.Result) []byte {
	if v.Type == gjson.String {
		return []byte(v.Str)
	}
	// v.Index is where v.Raw starts in input, unless white space before
	// the envelope shifted it (gjson counts from the envelope's brace).
	if i, j := v.Index, v.Index+len(v.Raw); i >= 0 && j <= len(input) && string(input[i:j]) == v.Raw {
		return input[i:j:j]
	}
	return []byte(v.Raw)
}

// appendRequest writes a built request as {"method","url","headers","body","adjusted"?}.
func appendRequest(dst []byte, r *core.Request, cfg *Config) []byte {
	dst = append(dst, `{"method":`...)
	dst = jsontext.AppendString(dst, r.Method)
	dst = jsontext.AppendKey(dst, "url")
	dst = jsontext.AppendString(dst, cfg.GraphBaseURL+r.Path)
	dst = append(dst, `,"headers":{"Content-Type":`...)
	dst = jsontext.AppendString(dst, r.ContentType)
	dst = append(dst, `},"body":`...)
	dst = jsontext.AppendString(dst, string(r.Body))
	dst = AppendAdjusted(dst, r.Adjusted)
	return append(dst, '}')
}

// AppendAdjusted appends ,"adjusted":[...] when a policy changed the
// request (a clamp is reported, never silent) or Graph changed the terms
// sent on its own: each {"property","rule"?,"by"?,"from"?,"to"}, rule
// naming the policy rule, by "graph" for Graph's change.
func AppendAdjusted(dst []byte, adj []core.Adjustment) []byte {
	if len(adj) == 0 {
		return dst
	}
	dst = append(dst, `,"adjusted":[`...)
	for i, a := range adj {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"property":`...)
		dst = jsontext.AppendString(dst, a.Property)
		if a.Rule != "" {
			dst = jsontext.AppendKey(dst, "rule")
			dst = jsontext.AppendString(dst, a.Rule)
		}
		if a.By != "" {
			dst = jsontext.AppendKey(dst, "by")
			dst = jsontext.AppendString(dst, a.By)
		}
		if a.From != "" {
			dst = jsontext.AppendKey(dst, "from")
			dst = jsontext.AppendString(dst, a.From)
		}
		dst = jsontext.AppendKey(dst, "to")
		dst = jsontext.AppendString(dst, a.To)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// VersionInfo is the version document: {"version","exports":[...]},
// every operation of the table.
func VersionInfo() []byte {
	b := append([]byte(nil), `{"version":`...)
	b = jsontext.AppendString(b, Version)
	b = append(b, `,"exports":[`...)
	for i := range operations {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, operations[i].Name)
	}
	return append(b, "]}"...)
}
