package core

import (
	"strconv"
	"strings"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// Recipient is a driveRecipient: exactly one of Email, Alias, ObjectID.
type Recipient struct {
	Email    string
	Alias    string
	ObjectID string
}

const (
	maxRecipients = 100 // per request; a policy may set fewer
	maxAlias      = 256
	maxEmail      = 254 // RFC 5321's path limit
)

// parseRecipients reads a driveRecipient array strictly. prop is the
// property name used in targets ("recipients").
func (w walker) recipients(v gjson.Result, prop string) ([]Recipient, *Error) {
	if !v.IsArray() {
		return nil, invalid(prop, "'"+prop+"' must be an array of driveRecipient objects, not "+jsontext.TypeName(v))
	}
	n := 0
	v.ForEach(func(_, _ gjson.Result) bool { n++; return n <= maxRecipients })
	if n > maxRecipients {
		return nil, invalid(prop, "'"+prop+"' has more than "+strconv.Itoa(maxRecipients)+" entries")
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]Recipient, 0, n)
	var err *Error
	v.ForEach(func(_, e gjson.Result) bool {
		at := prop + "[" + strconv.Itoa(len(out)) + "]"
		var r Recipient
		if r, err = w.recipient(e, at); err != nil {
			return false
		}
		for i := range out {
			if out[i].sameAs(r) {
				err = invalid(at, "recipient "+strconv.Itoa(len(out))+" repeats recipient "+strconv.Itoa(i))
				return false
			}
		}
		out = append(out, r)
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (r Recipient) sameAs(o Recipient) bool {
	return equalFoldASCII(r.Email, o.Email) && r.Alias == o.Alias && equalFoldASCII(r.ObjectID, o.ObjectID)
}

func (w walker) recipient(e gjson.Result, at string) (Recipient, *Error) {
	var r Recipient
	if !e.IsObject() {
		return r, invalid(at, "each recipient must be a driveRecipient object, not "+jsontext.TypeName(e))
	}
	var err *Error
	count := 0
	dup, werr := w.members(e, at, func(k string) string { return at + "." + segmentForMessage(k) }, func(k string, val gjson.Result) bool {
		if jsontext.IsAnnotation(k) {
			return true
		}
		var dst *string
		switch k {
		case "email":
			dst = &r.Email
		case "alias":
			dst = &r.Alias
		case "objectId":
			dst = &r.ObjectID
		default:
			err = invalid(at+"."+k, "'"+k+"' is not a driveRecipient property; use email, alias or objectId")
			return false
		}
		if val.Type == gjson.Null {
			return true
		}
		if val.Type != gjson.String {
			err = invalid(at+"."+k, "'"+k+"' must be a string, not "+jsontext.TypeName(val))
			return false
		}
		if val.Str == "" {
			err = invalid(at+"."+k, "'"+k+"' may not be empty")
			return false
		}
		*dst = val.Str
		count++
		return true
	})
	if werr != nil {
		return r, werr
	}
	if dup != "" {
		return r, invalid(at+"."+dup, "'"+dup+"' appears twice in the recipient")
	}
	if err != nil {
		return r, err
	}
	if count != 1 {
		return r, invalid(at, "a recipient needs exactly one of email, alias or objectId")
	}
	switch {
	case r.Email != "":
		if why := emailProblem(r.Email); why != "" {
			return r, invalid(at+".email", "'email' is not a valid email address: "+why)
		}
	case r.ObjectID != "":
		if !validGUID(r.ObjectID) {
			return r, invalid(at+".objectId", "'objectId' must be a GUID such as 47aecee2-d061-4730-8ecb-4c61360441ae")
		}
	case r.Alias != "":
		if len(r.Alias) > maxAlias || strings.TrimSpace(r.Alias) != r.Alias || hasControl(r.Alias) {
			return r, invalid(at+".alias", "'alias' must be at most 256 bytes with no surrounding space or control characters")
		}
	default:
		return r, invalid(at, "a recipient's email, alias or objectId may not be empty")
	}
	return r, nil
}

// emailProblem says what keeps s from being an address Graph can take —
// local@domain, one '@', no spaces or control characters, a domain that
// domainKey reads — or "" when nothing does.
func emailProblem(s string) string {
	if len(s) > maxEmail {
		return "it is longer than 254 bytes"
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at > 64 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "it needs one '@' after a local part of 1 to 64 bytes"
	}
	local := s[:at]
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("\"(),:;<>[\\]", c) >= 0 {
			return "its local part holds a space, a control character or one of \"(),:;<>[\\]"
		}
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "its local part starts or ends with '.' or has '..'"
	}
	_, problem := domainKey(s[at+1:])
	return problem
}

func validGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return true
		}
	}
	return false
}

// appendRecipients writes recipients canonically.
func appendRecipients(dst []byte, rs []Recipient) []byte {
	dst = append(dst, '[')
	for i, r := range rs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		switch {
		case r.Email != "":
			dst = jsontext.AppendKey(dst, "email")
			dst = jsontext.AppendString(dst, r.Email)
		case r.Alias != "":
			dst = jsontext.AppendKey(dst, "alias")
			dst = jsontext.AppendString(dst, r.Alias)
		default:
			dst = jsontext.AppendKey(dst, "objectId")
			dst = jsontext.AppendString(dst, r.ObjectID)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
