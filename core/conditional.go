package core

import "strings"

// forwarded is the set of request headers an action passes upstream.
type forwarded uint8

const (
	ifMatch     forwarded = 1 << iota // If-Match (RFC 9110 §13.1.1)
	ifNoneMatch                       // If-None-Match (RFC 9110 §13.1.2)
)

// forwardedNames are the headers of forwarded's bits, in its order.
var forwardedNames = [...]string{"If-Match", "If-None-Match"}

// maxConditional bounds an If-Match or If-None-Match value: Graph's
// permission ETags are a GUID and a counter, some 45 bytes; 1 KiB holds a
// list of twenty.
const (
	maxConditional = 1024
	maxEntityTags  = 32
)

// Headers lists the request headers the action forwards upstream, in the
// order Request.Headers has them.
func (a Action) Headers() []string {
	var out []string
	for i, name := range forwardedNames {
		if a.row().headers&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// read checks and writes the forwarded headers get gives.
func (f forwarded) read(get func(string) string) ([][2]string, *Error) {
	var out [][2]string
	for i, name := range forwardedNames {
		if f&(1<<i) == 0 {
			continue
		}
		v := get(name)
		if v == "" {
			continue
		}
		canon, err := entityTagList(name, v)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]string{name, canon})
	}
	return out, nil
}

// CheckConditional checks an If-Match or If-None-Match value and returns
// it canonically, as Build forwards it.
func CheckConditional(name, value string) (string, error) {
	s, err := entityTagList(name, value)
	if err != nil {
		return "", err
	}
	return s, nil
}

// entityTagList reads RFC 9110's
//
//	If-Match = "*" / #entity-tag
//	entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
//	etagc = %x21 / %x23-7E / obs-text
//
// bounded (1 KiB, 32 tags), and writes it canonically: "*", or the tags
// joined by ", ". Empty list elements are skipped, as the list rule asks
// of recipients. obs-text is refused: Graph's tags are ASCII, and bytes
// past it are read differently by different HTTP stacks. A bad value is a
// 400 naming the header: nothing of it may reach Graph as another header.
func entityTagList(name, v string) (string, *Error) {
	bad := func(why string) (string, *Error) {
		return "", invalid(name, "'"+name+"' must be \"*\" or a list of entity tags such as \"{GUID},1\" or W/\"x\" (RFC 9110): "+why)
	}
	if len(v) > maxConditional {
		return bad("it is longer than 1024 bytes")
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c >= 0x7f {
			return bad("it holds a control character or a byte past ASCII")
		}
	}
	s := strings.Trim(v, " \t")
	if s == "*" {
		return "*", nil
	}
	var b strings.Builder
	n := 0
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		if s[0] == ',' {
			s = s[1:]
			continue
		}
		start := s
		weak := strings.HasPrefix(s, "W/")
		if weak {
			s = s[2:]
		}
		if s == "" || s[0] != '"' {
			return bad("an entity tag is a quoted string, optionally after W/")
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return bad("an entity tag has no closing quote")
		}
		tag := s[1 : 1+end]
		if strings.ContainsAny(tag, " \t") {
			return bad("an entity tag holds white space")
		}
		s = s[end+2:]
		if n++; n > maxEntityTags {
			return bad("it lists more than 32 entity tags")
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(start[:len(start)-len(s)])
		s = strings.TrimLeft(s, " \t")
		if s != "" && s[0] != ',' {
			return bad("entity tags are separated by commas")
		}
	}
	if n == 0 {
		return bad("it lists no entity tag")
	}
	return b.String(), nil
}

// Forwards reports whether the action passes any request header upstream
// (If-Match, If-None-Match).
func (a Action) Forwards() bool { return a.row().headers != 0 }
