package graphsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// maxBody bounds request bodies; larger ones get 413.
const maxBody = 1 << 20

// readBody reads at most maxBody bytes.
func readBody(r *http.Request) ([]byte, *graphError) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, errInvalid("The request body could not be read.")
	}
	if len(b) > maxBody {
		return nil, &graphError{status: http.StatusRequestEntityTooLarge, code: "invalidRequest", msg: "The request body is larger than 1 MiB."}
	}
	return b, nil
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
