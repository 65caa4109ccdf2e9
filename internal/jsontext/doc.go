// Package jsontext reads JSON strictly and writes it canonically, without
// reflection, for sharelink's hot paths.
//
// Reading builds on github.com/tidwall/gjson, which is fast and lenient:
// it accepts duplicate keys and does not check UTF-8 or nesting depth.
// Check closes those gaps before gjson sees the bytes, so a value read
// afterwards means exactly one thing. Writing appends to a caller's buffer
// and escapes strings one fixed way, so the same value gives the same bytes
// on every target (native, WASM, Lambda).
package jsontext
