// Package jsontext reads JSON strictly and writes it canonically, without
// reflection, for sharelink's hot paths.
//
//   - check.go, valid.go: Check validates a document in one iterative
//     pass: strict RFC 8259, UTF-8, a nesting limit. CheckIndexed also
//     fills an Index: every token and where it ends.
//   - tape.go: Index.Root, Members and Elements walk an indexed document
//     by its tokens (Value, Iter), without reading white space or
//     punctuation again.
//   - canonical.go: Index.AppendCanonical writes a value canonically and
//     finds repeated keys; write.go: the string and scalar writers it
//     and the callers share (AppendString, AppendKey, AppendRawString…).
//   - keys.go: repeated keys and texts, linear in their number (Repeats,
//     Keys).
//   - gjson.go: request bodies and policies are read through
//     github.com/tidwall/gjson, which is fast and lenient (it accepts
//     duplicate keys and does not check UTF-8 or depth): Walk adds the
//     checks it leaves out.
//
// Writing appends to a caller's buffer and escapes strings one fixed way,
// so the same value gives the same bytes on every target (native, WASM,
// Lambda).
package jsontext
