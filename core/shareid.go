package core

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Sharing URLs travel in /shares/{id} as "u!" + unpadded base64url of the
// URL's UTF-8 bytes (seed 004). Libraries commonly get this wrong: they trim
// one '=' instead of all, replace only the first '/' or '+', or refuse
// non-ASCII. Here the whole alphabet is mapped and padding never appears.

const (
	maxSharingURL = 8 << 10        // bytes of a URL we agree to encode
	maxShareID    = 2 + 11<<10 + 4 // "u!" + base64 of maxSharingURL, rounded
)

// ShareKind says what a share-id slot held.
type ShareKind uint8

const (
	ShareEncodedURL ShareKind = iota + 1 // u!…, a sharing URL encoded
	ShareToken                           // s!…, or a bare permission.shareId
)

// EncodeSharingURL returns the share id of a sharing URL: "u!" followed by
// the unpadded base64url encoding of its bytes. The URL is not normalised:
// Graph matches the bytes the link was issued with.
func EncodeSharingURL(url string) string {
	// One allocation, the Builder's: the encoding goes through a stack
	// buffer, 192 bytes of URL (a multiple of 3, so that the pieces join
	// without padding) at a time.
	var sb strings.Builder
	sb.Grow(2 + base64.RawURLEncoding.EncodedLen(len(url)))
	sb.WriteString("u!")
	var buf [256]byte
	for len(url) > 0 {
		k := min(len(url), 192)
		sb.Write(base64.RawURLEncoding.AppendEncode(buf[:0], []byte(url[:k])))
		url = url[k:]
	}
	return sb.String()
}

// AppendSharingURL appends the share id of url to dst.
func AppendSharingURL(dst []byte, url string) []byte {
	dst = append(dst, 'u', '!')
	return base64.RawURLEncoding.AppendEncode(dst, []byte(url))
}

// DecodeSharingURL returns the URL inside a "u!" share id. It is strict:
// base64url alphabet, no padding, and the result must be a UTF-8 http(s)
// URL. NormalizeShareID repairs ids that other libraries produced.
func DecodeSharingURL(id string) (string, error) {
	const target = "shareId"
	if len(id) < 3 || id[0] != 'u' || id[1] != '!' {
		return "", invalid(target, "a sharing URL id starts with 'u!'")
	}
	if len(id) > maxShareID {
		return "", invalid(target, "the share id is longer than sharelink accepts")
	}
	// Go's decoder skips '\r' and '\n' wherever they are: the alphabet is
	// checked first, or an id holding them would pass and go upstream
	// with them.
	if !allBase64URL(id[2:]) {
		return "", invalid(target, "the share id is not unpadded base64url after 'u!'")
	}
	b, err := base64.RawURLEncoding.DecodeString(id[2:])
	if err != nil {
		return "", invalid(target, "the share id is not unpadded base64url after 'u!'")
	}
	url := string(b)
	if e := checkSharingURL(url); e != nil {
		e.Target = target
		return "", e
	}
	return url, nil
}

// CheckSharingURL reports whether url can be encoded as a share id.
func CheckSharingURL(url string) error {
	if err := checkSharingURL(url); err != nil {
		return err
	}
	return nil
}

// checkSharingURL accepts absolute http(s) URLs of bounded size in UTF-8
// with no control characters or spaces (a URL with raw spaces was mangled
// on its way here), a host, and no user info: sharing links carry none,
// and "https://admin:pw@host/…" would hand a password upstream. No message
// quotes the URL.
func checkSharingURL(url string) *Error {
	const target = "url"
	if len(url) > maxSharingURL {
		return invalid(target, "the sharing URL is longer than 8 KiB")
	}
	if !hasHTTPScheme(url) {
		return invalid(target, "a sharing URL is an absolute http or https URL")
	}
	if !utf8.ValidString(url) {
		return invalid(target, "the sharing URL is not valid UTF-8")
	}
	for i := 0; i < len(url); i++ {
		if c := url[i]; c <= ' ' || c == 0x7f {
			return invalid(target, "the sharing URL contains white space or a control character")
		}
	}
	rest, ok := cutPrefixFold(url, "https://")
	if !ok {
		rest, _ = cutPrefixFold(url, "http://")
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	if strings.IndexByte(authority, '@') >= 0 {
		return invalid(target, "a sharing URL has no user name or password before its host")
	}
	if host, _, _ := strings.Cut(authority, ":"); host == "" {
		return invalid(target, "the sharing URL has no host")
	}
	return nil
}

func hasHTTPScheme(s string) bool {
	rest, ok := cutPrefixFold(s, "https://")
	if !ok {
		rest, ok = cutPrefixFold(s, "http://")
	}
	return ok && rest != "" && rest[0] != '/'
}

// NormalizeShareID turns whatever a caller put in a share-id slot into the
// id Graph expects:
//   - an http(s) URL is encoded;
//   - a "u!" id is repaired (padding stripped, '+' and '/' of standard
//     base64 mapped to '-' and '_') and must then decode to an http(s) URL;
//   - an "s!" token or a bare permission.shareId is checked and kept.
func NormalizeShareID(s string) (id string, kind ShareKind, err error) {
	const target = "shareId"
	switch {
	case s == "":
		return "", 0, invalid(target, "the share id is empty")
	case hasHTTPScheme(s):
		if e := checkSharingURL(s); e != nil {
			return "", 0, e
		}
		return EncodeSharingURL(s), ShareEncodedURL, nil
	case len(s) >= 2 && (s[0] == 'u' || s[0] == 'U') && s[1] == '!':
		if len(s) > maxShareID {
			return "", 0, invalid(target, "the share id is longer than sharelink accepts")
		}
		body := strings.TrimRight(s[2:], "=")
		if strings.ContainsAny(body, "+/") {
			body = strings.Map(func(r rune) rune {
				switch r {
				case '+':
					return '-'
				case '/':
					return '_'
				}
				return r
			}, body)
		}
		if !allBase64URL(body) {
			return "", 0, invalid(target, "the share id is not unpadded base64url after 'u!'")
		}
		id = "u!" + body
		if _, err := DecodeSharingURL(id); err != nil {
			return "", 0, err
		}
		return id, ShareEncodedURL, nil
	}
	tok := s
	if len(s) >= 2 && (s[0] == 's' || s[0] == 'S') && s[1] == '!' {
		tok = s[2:]
	}
	if tok == "" || len(s) > 2048 {
		return "", 0, invalid(target, "the share token is empty or too long")
	}
	if !allBase64URL(tok) {
		return "", 0, invalid(target, "a share token holds only base64url characters after 's!'")
	}
	if len(tok) != len(s) && s[0] == 'S' {
		s = "s" + s[1:]
	}
	return s, ShareToken, nil
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func allBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isBase64URL(s[i]) {
			return false
		}
	}
	return true
}
