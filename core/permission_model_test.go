package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// A second reading of permission shaping, on another basis than
// permission.go: encoding/json reads the body into an ordered tree, and
// the rules of ShapePermission's documentation (DESIGN.md, "Permission
// shaping") are applied to the tree. The tests hold ShapePermission to
// it: the same refusals, and output that encoding/json reads as the
// model's tree, member order included.

// member is one member of an object as encoding/json decodes it.
type member struct {
	k string
	v any
}

// object is a JSON object, its members in document order; the other
// values are string, json.Number, bool, nil and []any.
type object []member

// decodeOrdered reads one JSON document, strictly: UTF-8, nothing after
// the value.
func decodeOrdered(b []byte) (any, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("not UTF-8") // encoding/json would read U+FFFD
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := readOrdered(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("bytes after the value")
	}
	return v, nil
}

func readOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := object{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := readOrdered(dec)
			if err != nil {
				return nil, err
			}
			o = append(o, member{k.(string), v})
		}
		_, err = dec.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := readOrdered(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err = dec.Token()
		return a, err
	}
	return tok, nil
}

func isAnnotationKey(k string) bool { return strings.Contains(k, "@odata") }

// depthOf is the nesting of v: 1 for an object or array of scalars.
func depthOf(v any) int {
	d := 0
	switch v := v.(type) {
	case object:
		for _, m := range v {
			d = max(d, depthOf(m.v))
		}
		return d + 1
	case []any:
		for _, e := range v {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}

// stripped is v without annotations at any level; ok is false when an
// object of it (annotations aside) repeats a key.
func stripped(v any) (_ any, ok bool) {
	switch v := v.(type) {
	case object:
		out := object{}
		seen := map[string]bool{}
		for _, m := range v {
			if isAnnotationKey(m.k) {
				continue
			}
			if seen[m.k] {
				return nil, false
			}
			seen[m.k] = true
			sv, ok := stripped(m.v)
			if !ok {
				return nil, false
			}
			out = append(out, member{m.k, sv})
		}
		return out, true
	case []any:
		out := []any{}
		for _, e := range v {
			se, ok := stripped(e)
			if !ok {
				return nil, false
			}
			out = append(out, se)
		}
		return out, true
	}
	return v, true
}

func (o object) get(k string) (any, bool) {
	for _, m := range o {
		if m.k == k {
			return m.v, true
		}
	}
	return nil, false
}

// The JSON type each known member must have, when not null.
var (
	modelPermissionTypes = map[string]string{
		"id": "string", "roles": "array", "link": "object", "hasPassword": "bool", "expirationDateTime": "string",
		"grantedToV2": "object", "grantedToIdentitiesV2": "array", "grantedTo": "object", "grantedToIdentities": "array",
		"invitation": "object", "inheritedFrom": "object", "shareId": "string",
	}
	modelPermissionOrder = []string{"id", "roles", "link", "hasPassword", "expirationDateTime",
		"grantedToV2", "grantedToIdentitiesV2", "grantedTo", "grantedToIdentities", "invitation", "inheritedFrom", "shareId"}
	modelLinkTypes = map[string]string{"type": "string", "scope": "string", "webUrl": "string", "webHtml": "string",
		"preventsDownload": "bool", "application": "object"}
	modelLinkOrder = []string{"type", "scope", "webUrl", "webHtml", "preventsDownload", "application"}
	modelNever     = regexp.MustCompile(`^0001-01-01T00:00:00(\.0+)?(Z|z|[+-]00:00)$`)
)

func typeOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case object:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return "number"
}

// typedMembers is o's known members, nulls left out, in order; ok is
// false when one has the wrong type.
func typedMembers(o object, types map[string]string, order []string) (known object, unknown object, ok bool) {
	for _, k := range order {
		if v, _ := o.get(k); v != nil {
			if typeOf(v) != types[k] {
				return nil, nil, false
			}
			known = append(known, member{k, v})
		}
	}
	for _, m := range o {
		if _, isKnown := types[m.k]; !isKnown {
			unknown = append(unknown, m)
		}
	}
	return known, unknown, true
}

// modelPermission shapes one permission, p without annotations.
func modelPermission(p object) (out object, kind PermissionKind, scoped, ok bool) {
	if _, has := p.get("value"); has {
		return nil, 0, false, false
	}
	known, unknown, ok := typedMembers(p, modelPermissionTypes, modelPermissionOrder)
	if !ok {
		return nil, 0, false, false
	}
	in := func(k string) any { v, _ := known.get(k); return v }
	out = object{}
	owner := false
	for _, k := range modelPermissionOrder {
		v := in(k)
		switch k {
		case "roles":
			if v == nil {
				continue
			}
			roles := []any{}
			for _, r := range v.([]any) {
				s, isString := r.(string)
				if !isString {
					return nil, 0, false, false
				}
				if s == "sp.owner" || s == "sp.member" {
					s = s[len("sp."):]
				}
				if !slices.Contains(roles, any(s)) {
					roles = append(roles, s)
				}
				owner = owner || s == "owner"
			}
			v = roles
		case "link":
			if v == nil {
				continue
			}
			lk, lu, ok := typedMembers(v.(object), modelLinkTypes, modelLinkOrder)
			if !ok {
				return nil, 0, false, false
			}
			_, scoped = lk.get("scope")
			v = append(append(object{}, lk...), lu...)
		case "expirationDateTime":
			if v != nil && modelNever.MatchString(v.(string)) {
				continue
			}
		case "grantedToV2", "grantedToIdentitiesV2":
			if v == nil {
				v = in(strings.TrimSuffix(k, "V2"))
			}
		case "grantedTo", "grantedToIdentities":
			if v == nil {
				v = in(k + "V2")
			}
		}
		if v != nil {
			out = append(out, member{k, v})
		}
	}
	out = append(out, unknown...)
	named := func(k string) bool { o, isObject := in(k).(object); return isObject && len(o) > 0 }
	switch {
	case in("invitation") != nil:
		kind = KindInvitation
	case owner:
		kind = KindOwner
	case in("link") != nil:
		kind = KindLink
	case named("grantedToV2") || named("grantedTo"):
		kind = KindUserGrant
	}
	return out, kind, scoped, true
}

// shapedModel is what the model makes of a response.
type shapedModel struct {
	body                any
	kinds               []PermissionKind
	link                int
	created, collection bool
}

// modelShape shapes a response; ok is false when it is refused.
func modelShape(status int, body []byte) (m shapedModel, ok bool) {
	m.link = -1
	if status != 200 && status != 201 {
		return m, false
	}
	v, err := decodeOrdered(body)
	if err != nil || depthOf(v) > permissionDepth {
		return m, false
	}
	if _, isObject := v.(object); !isObject {
		return m, false
	}
	sv, ok := stripped(v)
	if !ok {
		return m, false
	}
	top := sv.(object)
	wrapped, has := top.get("value")
	if !has {
		out, kind, scoped, ok := modelPermission(top)
		if scoped {
			m.link = 0
		}
		m.body, m.kinds, m.created = out, []PermissionKind{kind}, status == 201
		return m, ok
	}
	if len(top) != 1 {
		return m, false // a wrapper holds "value" alone
	}
	switch w := wrapped.(type) {
	case object:
		out, kind, scoped, ok := modelPermission(w)
		if scoped {
			m.link = 0
		}
		m.body, m.kinds, m.created = out, []PermissionKind{kind}, status == 201
		return m, ok
	case []any:
		m.collection = true
		entries := []any{}
		for i, e := range w {
			p, isObject := e.(object)
			if !isObject {
				return m, false
			}
			out, kind, scoped, ok := modelPermission(p)
			if !ok {
				return m, false
			}
			if scoped && m.link < 0 {
				m.link = i
			}
			entries = append(entries, out)
			m.kinds = append(m.kinds, kind)
		}
		m.body = object{{"value", entries}}
		return m, true
	}
	return m, false
}

// sameAsModel fails unless ShapePermission and the model agree on body:
// both refuse it, or encoding/json reads ShapePermission's output as the
// model's tree, with the same kinds, link and flags.
func sameAsModel(t testing.TB, status int, body []byte, s Shaped, err error) {
	t.Helper()
	m, ok := modelShape(status, body)
	if (err == nil) != ok {
		t.Fatalf("ShapePermission(%d, %q): error %v, the model accepts: %v", status, body, err, ok)
	}
	if err != nil {
		return
	}
	got, derr := decodeOrdered(s.Body)
	if derr != nil {
		t.Fatalf("ShapePermission(%d, %q): output %s: %v", status, body, s.Body, derr)
	}
	if !reflect.DeepEqual(got, m.body) || !slices.Equal(s.Kinds, m.kinds) || s.Link != m.link ||
		s.Created != m.created || s.Collection != m.collection {
		t.Fatalf("ShapePermission(%d, %q):\n got %s %v link %d created %v\nmodel %v %v link %d created %v",
			status, body, s.Body, s.Kinds, s.Link, s.Created, m.body, m.kinds, m.link, m.created)
	}
}
