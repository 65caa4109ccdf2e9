package core

// Email domains are compared in one form: lower-case ASCII. A domain is
// ASCII letters, digits and hyphens (LDH labels), compared without ASCII
// case; an internationalised domain is written in its ASCII form, its
// labels as A-labels ("xn--…"). A domain holding any non-ASCII character
// is refused, not converted: folding it the way strings.EqualFold or
// IDNA's mapping do ('ſ' to 's', the Kelvin sign to 'k', full-width
// letters and full stops, capital letters) would let a policy compare one
// domain while Graph receives another, and a strict IDNA2008 check costs
// the plugin about 240 KB of Unicode tables. So the domain the policy
// compares is byte for byte the domain Graph receives, up to ASCII case.

// domainKey is the comparable form of a domain, or why there is none.
func domainKey(d string) (key, problem string) {
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			return "", "its domain has a non-ASCII character; write an internationalised domain in its ASCII form (xn--…)"
		}
	}
	if !ldhDomain(d) {
		return "", "its domain is not a dotted name of letters, digits and hyphens"
	}
	return toLowerASCII(d), ""
}

// ldhDomain reports whether d is two or more LDH labels of 1–63 bytes,
// none starting or ending with '-', 253 bytes at most.
func ldhDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels, start := 0, 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		n := i - start
		if n == 0 || n > 63 || d[start] == '-' || d[i-1] == '-' {
			return false
		}
		labels++
		start = i + 1
	}
	return labels >= 2
}
