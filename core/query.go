package core

import "strings"

// maxSelect bounds a forwarded $select.
const maxSelect = 512

// ParseQuery decides what of a caller's query string goes upstream with
// route action a, and returns it ready to append ("" or "?$select=…").
// Only $select is forwarded, and only on reads: it narrows a response
// without changing which resource is named, and its value is checked to be
// a list of property names. Other OData options ($top, $expand,
// $skipToken, $filter...) are refused rather than dropped, so that a
// client never silently gets an answer to a question it did not ask; the
// paging ones would also break, since shaped collections carry no
// @odata.nextLink. Parameters without '$' are ignored, as Graph ignores
// those it does not know. Parameters are read in order, so the first
// problem is always the one reported.
func ParseQuery(a Action, raw string) (string, error) {
	out := ""
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, ok1 := queryUnescape(k)
		val, ok2 := queryUnescape(v)
		if !ok1 || !ok2 {
			return "", invalid("query", "the query string has a malformed percent-escape")
		}
		if !strings.HasPrefix(key, "$") {
			continue
		}
		if !equalFoldASCII(key, "$select") {
			name := optionName(key)
			return "", invalid(name, "sharelink forwards only $select, on reads; '"+name+"' is not supported")
		}
		if !a.row().reads {
			return "", invalid("$select", "$select applies only to GET routes")
		}
		if out != "" {
			return "", invalid("$select", "$select is given more than once")
		}
		if !validSelect(val) {
			return "", invalid("$select", "$select must be a comma-separated list of property names")
		}
		out = "?$select=" + val
	}
	return out, nil
}

// queryUnescape decodes a query component: '+' is a space, %XX a byte.
func queryUnescape(s string) (string, bool) {
	if strings.IndexByte(s, '+') >= 0 {
		s = strings.ReplaceAll(s, "+", " ")
	}
	return percentDecode(s)
}

// optionName bounds and cleans an option name for a target.
func optionName(k string) string {
	if len(k) > 32 {
		k = k[:32]
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] >= 0x7f {
			return "$option"
		}
	}
	return k
}

func validSelect(v string) bool {
	if v == "" || len(v) > maxSelect {
		return false
	}
	for rest := v; ; {
		name, tail, more := strings.Cut(rest, ",")
		if name == "" {
			return false
		}
		for i := 0; i < len(name); i++ {
			c := name[i]
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_')) {
				return false
			}
		}
		if !more {
			return true
		}
		rest = tail
	}
}
