package graphsim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// maxBody bounds request bodies; larger ones get 413.
const maxBody = 1 << 20

// readBody reads the request body, undoing its Content-Encoding as Graph
// does (the Graph SDKs gzip request bodies by default): gzip, deflate
// (RFC 9110: a zlib stream) or identity. At most maxBody bytes are read
// off the wire and at most maxBody bytes decoded; past either, 413.
func readBody(r *http.Request) ([]byte, *graphError) {
	if r.Body == nil {
		return nil, nil
	}
	wire := &boundedReader{r: r.Body, left: maxBody}
	var src io.Reader = wire
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if len(r.Header.Values("Content-Encoding")) > 1 {
		enc = "several"
	}
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip", "deflate":
		peek := bufio.NewReader(wire)
		if _, err := peek.Peek(1); err == io.EOF {
			return nil, nil // nothing sent: nothing to decode
		}
		var dec io.ReadCloser
		var err error
		if enc == "deflate" {
			dec, err = zlib.NewReader(peek)
		} else {
			dec, err = gzip.NewReader(peek)
		}
		if err != nil {
			if wire.over {
				return nil, errTooLarge()
			}
			return nil, errInvalid("The request body is not valid %s data.", enc)
		}
		defer dec.Close()
		src = dec
	default:
		return nil, &graphError{status: http.StatusUnsupportedMediaType, code: "unsupportedMediaType",
			msg: fmt.Sprintf("The Content-Encoding '%s' is not supported.", sanitizeHeader(enc))}
	}
	var out bytes.Buffer
	_, err := io.Copy(&out, io.LimitReader(src, maxBody+1))
	switch {
	case wire.over || out.Len() > maxBody:
		return nil, errTooLarge()
	case err != nil && enc != "" && enc != "identity" && !wire.failed:
		return nil, errInvalid("The request body is not valid %s data.", enc)
	case err != nil:
		return nil, errInvalid("The request body could not be read.")
	}
	return out.Bytes(), nil
}

func errTooLarge() *graphError {
	return &graphError{status: http.StatusRequestEntityTooLarge, code: "invalidRequest", msg: "The request body is larger than 1 MiB."}
}

// boundedReader reads at most left bytes of r and notes when r had more
// (over) or failed (failed: the connection, not the data).
type boundedReader struct {
	r      io.Reader
	left   int
	over   bool
	failed bool
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			b.over = true
			return 0, errors.New("body over the bound")
		}
		if err != nil && err != io.EOF {
			b.failed = true
		}
		return 0, err
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	if err != nil && err != io.EOF {
		b.failed = true
	}
	return n, err
}

// object is a JSON object body, member by member.
type object map[string]json.RawMessage

// parseObject reads a body as one JSON object whose members are all in
// allowed, as OData does for action parameters. OData annotations
// ("@odata.type", "x@odata.type") are accepted and ignored. An empty body is
// an empty object.
func parseObject(b []byte, allowed ...string) (object, *graphError) {
	if len(bytes.TrimSpace(b)) == 0 {
		return object{}, nil
	}
	if !utf8.Valid(b) {
		return nil, errInvalid("The request body is not valid UTF-8.")
	}
	var o object
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&o); err != nil || o == nil {
		return nil, errInvalid("The request body must be a JSON object.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errInvalid("The request body has data after the JSON object.")
	}
	for k := range o {
		if strings.Contains(k, "@odata.") {
			delete(o, k)
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return nil, errInvalid("The parameter '%s' in the request payload is not a valid parameter for the operation.", k)
		}
	}
	return o, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// str reads a string member; null or absent is not present.
func (o object) str(k string) (string, bool, *graphError) {
	raw, ok := o[k]
	if !ok || isNull(raw) {
		return "", false, nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false, errInvalid("The parameter '%s' must be a string.", k)
	}
	return s, true, nil
}

func (o object) boolean(k string) (bool, bool, *graphError) {
	raw, ok := o[k]
	if !ok || isNull(raw) {
		return false, false, nil
	}
	var v bool
	if json.Unmarshal(raw, &v) != nil {
		return false, false, errInvalid("The parameter '%s' must be a boolean.", k)
	}
	return v, true, nil
}

func (o object) array(k string) ([]json.RawMessage, bool, *graphError) {
	raw, ok := o[k]
	if !ok || isNull(raw) {
		return nil, false, nil
	}
	var v []json.RawMessage
	if json.Unmarshal(raw, &v) != nil {
		return nil, false, errInvalid("The parameter '%s' must be an array.", k)
	}
	return v, true, nil
}

// recipient is a driveRecipient: exactly one of email, alias, objectId.
type recipient struct {
	email, alias, objectID string
}

const maxRecipients = 500

func parseRecipients(raws []json.RawMessage) ([]recipient, *graphError) {
	if len(raws) > maxRecipients {
		return nil, errInvalid("Too many recipients.")
	}
	out := make([]recipient, 0, len(raws))
	for _, raw := range raws {
		o, err := parseObject(raw, "email", "alias", "objectId")
		if err != nil {
			return nil, errInvalid("Each recipient must be a driveRecipient object with email, alias or objectId.")
		}
		var r recipient
		n := 0
		for _, f := range []struct {
			key string
			dst *string
		}{{"email", &r.email}, {"alias", &r.alias}, {"objectId", &r.objectID}} {
			v, ok, err := o.str(f.key)
			if err != nil {
				return nil, err
			}
			if ok && v != "" {
				*f.dst = v
				n++
			}
		}
		if n != 1 {
			return nil, errInvalid("Each recipient needs exactly one of email, alias and objectId.")
		}
		if r.email != "" {
			if a, err := mail.ParseAddress(r.email); err != nil || a.Address != r.email {
				return nil, errInvalid("The recipient email '%s' is not a valid address.", r.email)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// resolveRecipient maps a recipient to a tenant user, or keeps an unknown
// email as an external address. Unknown aliases and object ids are errors:
// they can only name directory objects.
func (st *state) resolveRecipient(r recipient) (grantee, *graphError) {
	switch {
	case r.objectID != "":
		if u := st.tenantUser(r.objectID); u != nil && strings.EqualFold(u.id, r.objectID) {
			return grantee{user: u}, nil
		}
		return grantee{}, errInvalid("The recipient objectId '%s' could not be resolved.", r.objectID)
	case r.alias != "":
		if u := st.tenantUserByAlias(r.alias); u != nil {
			return grantee{user: u}, nil
		}
		return grantee{}, errInvalid("The recipient alias '%s' could not be resolved.", r.alias)
	}
	return st.granteeByEmail(r.email), nil
}

func (st *state) resolveRecipients(rs []recipient) ([]grantee, *graphError) {
	var out []grantee
	for _, r := range rs {
		g, err := st.resolveRecipient(r)
		if err != nil {
			return nil, err
		}
		dup := false
		for _, e := range out {
			dup = dup || (g.user != nil && e.user == g.user) || (g.user == nil && e.user == nil && strings.EqualFold(e.email, g.email))
		}
		if !dup {
			out = append(out, g)
		}
	}
	return out, nil
}

func jsonString(raw json.RawMessage, dst *string) error { return json.Unmarshal(raw, dst) }

// recipientList reads o[key], a non-empty array of driveRecipient: grant's
// and invite's recipients, revokeGrants' grantees.
func recipientList(o object, key string) ([]recipient, *graphError) {
	raws, _, err := o.array(key)
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, errInvalid("The parameter '%s' needs at least one recipient.", key)
	}
	return parseRecipients(raws)
}
