// Package ops is the JSON contract of sharelink's operations: each takes a
// JSON input and gives a JSON output, byte for byte the same wherever it
// runs. The WASM plugin exports them under these names, and the test
// vectors in tests/vectors are written against them.
package ops

import (
	"strings"
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
	Policy       *core.Policy
}

// DefaultGraphBaseURL is Graph's public cloud.
const DefaultGraphBaseURL = "https://graph.microsoft.com"

// ParseConfig reads the configuration keys (graph_base_url, api_version,
// policy, now) through get, which reports whether a key is set. now is
// for reproducible hosts and tests; without it, clock is used.
func ParseConfig(get func(key string) (string, bool), clock func() time.Time) (Config, error) {
	cfg := Config{GraphBaseURL: DefaultGraphBaseURL}
	if s, ok := get("graph_base_url"); ok && s != "" {
		if !(strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) || strings.ContainsAny(s, " ?#") {
			return cfg, &core.Error{Status: 400, Code: core.CodeInvalidRequest, Target: "graph_base_url",
				Message: "graph_base_url must be an http(s) URL with no query"}
		}
		cfg.GraphBaseURL = strings.TrimRight(s, "/")
	}
	if s, ok := get("api_version"); ok && s != "" {
		v, err := core.ParseVersion(s)
		if err != nil {
			return cfg, err
		}
		cfg.APIVersion = v
	}
	if s, ok := get("policy"); ok && s != "" {
		p, err := core.ParsePolicy([]byte(s))
		if err != nil {
			return cfg, err
		}
		cfg.Policy = p
	}
	if s, ok := get("now"); ok && s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return cfg, &core.Error{Status: 400, Code: core.CodeInvalidRequest, Target: "now",
				Message: "now must be an RFC 3339 date-time"}
		}
		cfg.Now = t
	} else if clock != nil {
		cfg.Now = clock()
	}
	return cfg, nil
}

// Names lists the operations Do knows, in the order the version op
// reports. A new slice each call: callers may keep or change it.
func Names() []string { return append([]string(nil), names[:]...) }

var names = [...]string{
	"build_create_link", "build_grant", "encode_sharing_url", "decode_sharing_url",
	"parse_route", "shape_permission", "shape_error", "version",
}

// Do runs the operation op on input. A failure is a *core.Error whose JSON
// is what a host shows.
func Do(op string, input []byte, cfg *Config) ([]byte, error) {
	switch op {
	case "build_create_link":
		return BuildCreateLink(input, cfg)
	case "build_grant":
		return BuildGrant(input, cfg)
	case "encode_sharing_url":
		return EncodeSharingURL(input)
	case "decode_sharing_url":
		return DecodeSharingURL(input)
	case "parse_route":
		return ParseRoute(input, cfg)
	case "shape_permission":
		return ShapePermission(input)
	case "shape_error":
		return ShapeError(input, cfg.Now)
	case "version":
		return VersionInfo(), nil
	}
	return nil, &core.Error{Status: 404, Code: core.CodeItemNotFound, Target: "op", Message: "no operation is named " + op}
}

// field describes one property of an operation's input envelope.
type field struct {
	name     string
	kind     gjson.Type // gjson.String, gjson.Number, or gjson.JSON for any value
	required bool
}

// envelopeDepth bounds an input envelope; a body inside it is checked
// again, with its own schema's depth, by the operation.
const envelopeDepth = 66

// readEnvelope reads input strictly against fields and returns the values
// in the same order (missing ones do not Exist).
func readEnvelope(input []byte, fields []field, out []gjson.Result) error {
	if p, key := jsontext.Check(input, envelopeDepth); p != jsontext.OK {
		t := key
		if t == "" {
			t = "input"
		}
		return &core.Error{Status: 400, Code: core.CodeInvalidRequest, Target: t, Message: "the input " + p.String()[len("the body "):]}
	}
	var err error
	// Strict: a lone surrogate escape in a key or a string (a path, a
	// body given as text) would be read as U+FFFD, not as what was sent.
	key, stop := jsontext.Walk{Strict: true}.Members(jsontext.Parse(input), func(k string, v gjson.Result) bool {
		for i, f := range fields {
			if f.name != k {
				continue
			}
			if f.kind != gjson.JSON && v.Type != f.kind {
				err = invalidInput(k, "'"+k+"' must be a "+kindName(f.kind)+", not "+jsontext.TypeName(v))
				return false
			}
			out[i] = v
			return true
		}
		err = invalidInput(k, "'"+k+"' is not an input of this operation")
		return false
	})
	switch stop {
	case jsontext.Repeated:
		return invalidInput(key, "'"+key+"' appears twice in the input")
	case jsontext.SurrogateKey:
		return invalidInput("input", "a key of the input holds a \\u escape that is not a UTF-16 character (a lone surrogate)")
	case jsontext.SurrogateValue:
		return invalidInput(key, "'"+key+"' holds a \\u escape that is not a UTF-16 character (a lone surrogate)")
	}
	if err != nil {
		return err
	}
	for i, f := range fields {
		if f.required && !out[i].Exists() {
			return invalidInput(f.name, "the input needs '"+f.name+"'")
		}
	}
	return nil
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
	return &core.Error{Status: 400, Code: core.CodeInvalidRequest, Target: target, Message: msg}
}

// bodyBytes is a "body" input: a JSON value stands for its own bytes, a
// string holds the raw body text (so that malformed bodies can be passed).
func bodyBytes(v gjson.Result) []byte {
	if v.Type == gjson.String {
		return []byte(v.Str)
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
// request: a clamp is reported, never silent.
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
		dst = jsontext.AppendKey(dst, "rule")
		dst = jsontext.AppendString(dst, a.Rule)
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

// VersionInfo is the version op's output.
func VersionInfo() []byte {
	b := append([]byte(nil), `{"version":`...)
	b = jsontext.AppendString(b, Version)
	b = append(b, `,"exports":[`...)
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, n)
	}
	return append(b, "]}"...)
}
