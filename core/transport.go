package core

import (
	"strconv"
	"strings"
)

// The rules of what a transport hands core besides routes and bodies: the
// caller's bearer token and the configured Graph base URL. The lambda and
// the plugin both use these; neither has its own.

// DefaultGraphBaseURL is Graph's public cloud, where requests go when
// nothing else is configured.
const DefaultGraphBaseURL = "https://graph.microsoft.com"

// MaxBearerToken bounds a bearer token: Entra ID tokens run to a few KB,
// and one with many group claims to about 16 KB.
const MaxBearerToken = 32 << 10

// bearerFault applies the one bearer-token rule, RFC 6750's b64token of 1
// to MaxBearerToken bytes:
//
//	b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// It returns "" for a good token, else what is wrong and, for a bad
// character, its offset (never the token itself: errors must not echo it).
func bearerFault(token string) (fault string, at int) {
	if token == "" || len(token) > MaxBearerToken {
		return "length", 0
	}
	i := 0
	for ; i < len(token); i++ {
		c := token[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			break
		}
	}
	if i == 0 {
		return "character", 0
	}
	if rest := strings.TrimLeft(token[i:], "="); rest != "" {
		return "character", len(token) - len(rest)
	}
	return "", 0
}

// CheckBearerToken checks a bearer token given on its own, as the plugin's
// create_link and grant take it ("token"): a 400 invalidRequest naming
// "token" when it is not an RFC 6750 token of 1 to 32 KiB.
func CheckBearerToken(token string) error {
	switch f, at := bearerFault(token); f {
	case "length":
		return invalid("token", "'token' must be a bearer token of 1 to "+strconv.Itoa(MaxBearerToken)+" bytes")
	case "character":
		return invalid("token", "'token' holds a character a bearer token cannot have (RFC 6750), at byte "+strconv.Itoa(at))
	}
	return nil
}

// CheckAuthorization checks an Authorization header: "Bearer", one space,
// and a token by the same rule as CheckBearerToken. Anything else —
// another scheme (Basic would send a user's password on), two headers
// joined by a comma, control bytes that an HTTP client would refuse — is
// a 401 unauthenticated naming "Authorization", before anything goes
// upstream.
func CheckAuthorization(header string) error {
	if header == "" {
		return Unauthenticated("Authorization", "an Authorization header with the caller's Graph token is required; it is forwarded to Graph unchanged")
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Unauthenticated("Authorization", "the Authorization header must be 'Bearer <token>'")
	}
	switch f, _ := bearerFault(token); f {
	case "length":
		return Unauthenticated("Authorization", "the Authorization header's bearer token is empty or longer than 32 KB")
	case "character":
		return Unauthenticated("Authorization", "the Authorization header's bearer token holds characters a token cannot (RFC 6750)")
	}
	return nil
}

// CheckBaseURL checks a configured Graph base URL — an absolute http(s)
// URL with a host and an optional path, nothing else: the upstream is
// fixed by configuration and only there — and returns it without trailing
// slashes. Its errors are 400 invalidRequest naming "graph_base_url".
// (Written out rather than with net/url, which brings net/netip into core.)
func CheckBaseURL(v string) (string, error) {
	fail := func(why string) error { return invalid("graph_base_url", strconv.Quote(v)+why) }
	rest, ok := cutPrefixFold(v, "https://")
	if !ok {
		if rest, ok = cutPrefixFold(v, "http://"); !ok {
			return "", fail(" must be an http or https URL")
		}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '?' || c == '#' || c == '\\' {
			return "", fail(" may hold only a scheme, a host and a path")
		}
	}
	host, path, _ := strings.Cut(rest, "/")
	if host == "" {
		return "", fail(" has no host")
	}
	if !validHostPort(host) {
		return "", fail(" may hold only a scheme, a host and a path")
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@%/", c) >= 0) {
			return "", fail(" may hold only a scheme, a host and a path")
		}
	}
	return strings.TrimRight(v, "/"), nil
}

// validHostPort accepts a DNS name, an IPv4 address or a bracketed IPv6
// address, with an optional :port; no user information.
func validHostPort(hp string) bool {
	host, port := hp, ""
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 2 {
			return false
		}
		host, port = hp[1:end], hp[end+1:]
		for i := 0; i < len(host); i++ {
			if c := host[i]; !(isHex(c) || c == ':' || c == '.') {
				return false
			}
		}
		if port != "" && port[0] != ':' {
			return false
		}
		port = strings.TrimPrefix(port, ":")
	} else {
		if i := strings.LastIndexByte(hp, ':'); i >= 0 {
			host, port = hp[:i], hp[i+1:]
		}
		if host == "" {
			return false
		}
		for i := 0; i < len(host); i++ {
			if c := host[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
				return false
			}
		}
	}
	if len(port) > 5 {
		return false
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}
