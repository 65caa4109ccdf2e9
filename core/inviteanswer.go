package core

import (
	"strconv"
	"time"

	"github.com/sharelink/sharelink/internal/jsontext"
	"github.com/tidwall/gjson"
)

// shapeInviteAnswer shapes Graph's answer to invite. 200 is the
// permission collection, shaped as ShapeCollection does. 207 is Graph's
// partial success (driveitem-invite.md, beta: "Partial success
// response"): {"value":[…]} whose entries are permissions, or the
// recipients that failed,
//
//	{"roles":["write"],"invitation":{"email":…},"error":{"code","message","innerError"?,…}}
//
// Each permission is shaped as ShapePermission shapes one; each failed
// entry keeps its other members, shaped the same way, and its error
// written canonically (code, message, the innerError chain's codes), so
// that a caller sees which recipients failed and why. The answer keeps
// the status 207.
func shapeInviteAnswer(status int, body []byte) (Shaped, *Error) {
	if status != 207 {
		return shapeCollection(status, body)
	}
	out := Shaped{Link: -1, Collection: true}
	if p, key := jsontext.Check(body, permissionDepth); p != jsontext.OK {
		if p != jsontext.TooDeep || key == "" {
			key = "body"
		}
		return out, badGateway(key, "the upstream invite answer is unusable: "+p.String())
	}
	var value gjson.Result
	other := ""
	key, stop := jsontext.Walk{}.Members(jsontext.Parse(body), func(k string, v gjson.Result) bool {
		switch {
		case jsontext.IsAnnotation(k):
		case k == "value":
			value = v
		case other == "":
			other = k
		}
		return true
	})
	switch {
	case stop == jsontext.Repeated:
		return out, badGateway(segmentForMessage(key), "the upstream invite answer repeats '"+segmentForMessage(key)+"'")
	case !value.Exists():
		return out, badGateway("body", "the upstream 207 answer to invite is not a collection {\"value\":[…]}")
	case other != "":
		return out, badGateway(segmentForMessage(other), "the upstream invite answer has '"+segmentForMessage(other)+"' beside 'value'")
	}
	var err *Error
	if !value.IsArray() {
		return out, badGateway("value", "the upstream invite answer's 'value' must be an array")
	}
	b := make([]byte, 0, len(body)+64)
	b = append(b, `{"value":[`...)
	i := 0
	value.ForEach(func(_, e gjson.Result) bool {
		at := "value[" + strconv.Itoa(i) + "]"
		if i > 0 {
			b = append(b, ',')
		}
		var k PermissionKind
		b, k, err = appendInviteEntry(b, e, at)
		out.Kinds = append(out.Kinds, k)
		out.ends = append(out.ends, len(b)) // Entry(i), for CheckAnswer
		i++
		return err == nil
	})
	if err != nil {
		return Shaped{Link: -1}, err
	}
	out.Body = append(b, "]}"...)
	return out, nil
}

// appendInviteEntry writes one entry of a 207 answer.
func appendInviteEntry(b []byte, e gjson.Result, at string) ([]byte, PermissionKind, *Error) {
	if !e.IsObject() {
		return b, KindOther, badGateway(at, "the upstream entry "+at+" is "+jsontext.TypeName(e)+", not an object")
	}
	var errObj gjson.Result
	rest := make([]byte, 0, len(e.Raw))
	rest = append(rest, '{')
	key, stop := jsontext.Walk{}.Members(e, func(k string, v gjson.Result) bool {
		if k == "error" {
			errObj = v
			return true
		}
		if len(rest) > 1 {
			rest = append(rest, ',')
		}
		rest = jsontext.AppendString(rest, k)
		rest = append(rest, ':')
		rest = append(rest, v.Raw...)
		return true
	})
	if stop == jsontext.Repeated {
		return b, KindOther, badGateway(at+"."+segmentForMessage(key), "the upstream entry "+at+" repeats '"+segmentForMessage(key)+"'")
	}
	rest = append(rest, '}')
	if !errObj.Exists() {
		s, err := shapePermission(200, []byte(e.Raw))
		if err != nil {
			err.Target = at + dotted(err.Target)
			return b, KindOther, err
		}
		return append(b, s.Body...), s.Kinds[0], nil
	}
	if !errObj.IsObject() || errObj.Get("code").Type != gjson.String {
		return b, KindOther, badGateway(at+".error", "the upstream entry's 'error' must be an object with a 'code'")
	}
	s, err := shapePermission(200, rest)
	if err != nil {
		err.Target = at + dotted(err.Target)
		return b, KindOther, err
	}
	u := ParseUpstreamError(400, "", []byte(e.Raw), time.Time{})
	shaped := s.Body
	b = append(b, shaped[:len(shaped)-1]...)
	if len(shaped) > 2 {
		b = append(b, ',')
	}
	b = append(b, `"error":`...)
	b = u.AppendObject(b)
	return append(b, '}'), KindOther, nil
}
