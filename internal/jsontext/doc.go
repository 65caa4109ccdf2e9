// Package jsontext reads JSON strictly and writes it canonically, without
// reflection, for sharelink's hot paths.
//
// Check validates a document in one iterative pass: strict RFC 8259,
// UTF-8, a nesting limit. Reading afterwards goes through
// github.com/tidwall/gjson, which is fast and lenient (it accepts
// duplicate keys and does not check UTF-8 or depth), or, on the hottest
// paths, over the raw bytes (NextMember, AppendCanonicalRaw), which
// trust Check's verdict instead of checking again. Writing appends to a
// caller's buffer and escapes strings one fixed way, so the same value
// gives the same bytes on every target (native, WASM, Lambda).
package jsontext
