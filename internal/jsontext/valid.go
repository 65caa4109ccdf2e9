package jsontext

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// valid reports whether b is one JSON value (RFC 8259, strictly: no
// trailing commas, comments, NaN or leading zeros), UTF-8, nested at most
// maxDepth levels, with only white space around it. It accepts exactly
// what a depth scan, utf8.Valid and gjson.ValidBytes accept together (the
// differential fuzz test holds it to that), in one pass and without
// recursion: the open containers are a bit stack, one bit a level. With
// ix, it also records each token on the tape (see Index).
func valid(b []byte, maxDepth int, ix *Index) bool {
	var small [4]uint64 // 256 levels without allocating
	stack := small[:]
	if maxDepth > len(small)*64 {
		stack = make([]uint64, (maxDepth+63)/64)
	}
	// With ix (record), each token is recorded at tape[tn]; lim is
	// len(tape). A full tape grows on the heap.
	record := ix != nil
	var tape []token
	var open []int32 // the tape entry of the container open at each depth
	tn, lim := 0, 0
	if record {
		tape, open = ix.tape[:], ix.open[:]
		lim = len(tape)
	}
	n := len(b)
	depth := 0
	inObject := false // the innermost open container is an object
	wantKey := false  // the next token is a key
	i := skipSpace(b, 0)
	for {
		// i is at a token, past white space.
		if i >= n {
			return false
		}
		s, esc, scalar := i, false, true
		switch c := b[i]; {
		case c == '"':
			// Most strings are plain ASCII up to their closing quote:
			// found eight bytes at a time, without a call (plainWords
			// is inlined); any other byte sends the string to
			// scanString from its start.
			if j := plainWords(b, i+1); j < n && b[j] == '"' {
				i = j + 1
			} else if i, esc = scanString(b, i+1); i < 0 {
				return false
			}
		case wantKey:
			return false
		case c == '{' || c == '[':
			if depth >= maxDepth {
				return false
			}
			if record {
				if tn == lim {
					tape, lim = ix.grow(tape, i)
				}
				tape[tn] = token{start: int32(i)}
				if depth == len(open) {
					// Deeper than the Index holds: only a document that
					// nests that deep pays for a longer stack.
					open = append(open, 0)
				}
				open[depth] = int32(tn)
				tn++
			}
			w, bit := depth>>6, uint64(1)<<(depth&63)
			if inObject = c == '{'; inObject {
				stack[w] |= bit
			} else {
				stack[w] &^= bit
			}
			depth++
			// '{'+2 is '}', '['+2 is ']': an empty container is closed
			// below, as after its last value.
			if i = skipSpace(b, i+1); i >= n || b[i] != c+2 {
				wantKey = inObject
				continue
			}
			scalar = false
		default:
			if i = scanScalar(b, i); i < 0 {
				return false
			}
		}
		if scalar { // b[s:i] is a string, number or literal
			if record {
				if tn == lim {
					tape, lim = ix.grow(tape, i)
				}
				e := int32(i)
				if esc {
					e = ^e
				}
				tape[tn] = token{start: int32(s), end: e}
				tn++
			}
			if wantKey {
				wantKey = false
				if i = skipSpace(b, i); i >= n || b[i] != ':' {
					return false
				}
				i = skipSpace(b, i+1)
				continue
			}
		}
		// After a value: commas and the ends of containers, up to the
		// next token or the end.
		for {
			i = skipSpace(b, i)
			if depth == 0 {
				if record {
					ix.n = tn
				}
				return i == n
			}
			if i >= n {
				return false
			}
			c := b[i]
			i++
			if c == ',' {
				i = skipSpace(b, i)
				wantKey = inObject
				break
			}
			if inObject && c != '}' || !inObject && c != ']' {
				return false
			}
			depth--
			if record {
				t := &tape[open[depth]]
				t.end, t.next = int32(i), int32(tn)
			}
			if depth > 0 {
				inObject = stack[(depth-1)>>6]&(1<<((depth-1)&63)) != 0
			}
		}
	}
}

// scanScalar checks the number or literal at i and returns the index
// past it, or -1.
func scanScalar(b []byte, i int) int {
	var lit string
	switch b[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		return scanNumber(b, i)
	}
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// spaceMask has bit c set for each JSON white space byte c.
const spaceMask uint64 = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\r'

// isSpace tests one bit instead of four bytes: white space is on every
// path between tokens.
func isSpace(c byte) bool {
	return c <= ' ' && spaceMask>>c&1 != 0
}

// scanString checks the string whose content starts at i and returns the
// index past its closing quote, or -1, and whether the string holds an
// escape: no control characters, known escapes only (\u with four hex
// digits; lone surrogates pass, as in gjson), UTF-8.
func scanString(b []byte, i int) (int, bool) {
	n := len(b)
	esc := false
	for {
		if i = plainRun(b, i); i >= n {
			return -1, false
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, esc
		case c == '\\':
			esc = true
			if i+1 >= n {
				return -1, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if n-i < 6 || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return -1, false
				}
				i += 6
			default:
				return -1, false
			}
		case c < 0x20:
			return -1, false
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return -1, false
			}
			i += size
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stringStop flags the bytes of x, eight bytes of a string, that it
// cannot hold as they are ('"', '\\', a control character) or that start
// a multi-byte sequence, each by its top bit. It uses the has-less-than
// trick: (v - lsb*k) &^ v & msb flags bytes of v below k (k <= 0x80),
// here x below 0x20 and x^'"', x^'\\' below 1, and x&msb flags bytes from
// 0x80 on. A borrow can flag a byte wrongly only above a byte rightly
// flagged, so the lowest flag is exact. One &^ x serves the three tests
// (it differs from &^ (x^'"') only on bytes x&msb flags), and
// (t &^ x | x) & msb is (t | x) & msb: one | x does both.
func stringStop(x uint64) uint64 {
	q := x ^ (lsb * '"')
	s := x ^ (lsb * '\\')
	return ((x - lsb*0x20) | (q - lsb) | (s - lsb) | x) & msb
}

// plainWords returns the index of the first byte from i on that
// stringStop flags, or the index where fewer than eight bytes are left.
func plainWords(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := stringStop(binary.LittleEndian.Uint64(b[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// plainRun is plainWords that reads the last bytes too: the index of
// the first byte from i on that stringStop would flag, or len(b).
func plainRun(b []byte, i int) int {
	for i = plainWords(b, i); i < len(b); i++ {
		if c := b[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return i
		}
	}
	return i
}

// scanNumber checks the number at i and returns the index past it, or -1:
// an optional minus, 0 or digits without a leading zero, an optional
// fraction and exponent, each with at least one digit.
func scanNumber(b []byte, i int) int {
	n := len(b)
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= n:
		return -1
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return -1
	}
	if i < n && b[i] == '.' {
		if j := digits(b, i+1); j > i+1 {
			i = j
		} else {
			return -1
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if j := digits(b, i); j > i {
			i = j
		} else {
			return -1
		}
	}
	return i
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
