package core

// Letter case in core is ASCII's alone. strings.EqualFold and friends fold
// by Unicode's rules, under which 'ſ' (U+017F) matches 's' and the Kelvin
// sign 'K' (U+212A) matches 'k': "ſhares" would then be a route keyword and
// "eve@contoſo.com" an address at contoso.com, while Graph and DNS see
// other text. Every case-insensitive comparison of caller or upstream text
// goes through these functions.

// lowerASCII is c in lower case when it is an ASCII capital.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFoldASCII reports whether a and b are equal when ASCII letters are
// compared without case. Any other byte must match exactly.
func equalFoldASCII[A, B ~string | ~[]byte](a A, b B) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// cutPrefixFold is s without prefix, matched without ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// toLowerASCII is s with its ASCII capitals in lower case; other bytes are
// kept.
func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// EqualFoldASCII reports whether a and b are equal with ASCII letters
// compared without case and every other byte exactly: the comparison for
// protocol words (header names, keywords) that must not match look-alikes
// the way strings.EqualFold lets 'ſ' match 's'.
func EqualFoldASCII(a, b string) bool { return equalFoldASCII(a, b) }

// ToLowerASCII is toLowerASCII for the adapters (HTTP header names):
// Unicode case mapping would turn look-alikes (the Kelvin sign) into them.
func ToLowerASCII(s string) string { return toLowerASCII(s) }
