package core

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

// naiveEncode is seed 004's algorithm done literally; sharelink must agree
// with it on every URL.
func naiveEncode(u string) string {
	s := base64.StdEncoding.EncodeToString([]byte(u))
	s = strings.TrimRight(s, "=")
	s = strings.ReplaceAll(s, "/", "_")
	s = strings.ReplaceAll(s, "+", "-")
	return "u!" + s
}

func TestNormalizeShareID(t *testing.T) {
	tests := []struct {
		in, want string
		kind     ShareKind
	}{
		{"https://a.com/x", "u!aHR0cHM6Ly9hLmNvbS94", ShareEncodedURL},
		{"u!aHR0cHM6Ly9hLmNvbS94", "u!aHR0cHM6Ly9hLmNvbS94", ShareEncodedURL},
		{"U!aHR0cHM6Ly9hLmNvbS94==", "u!aHR0cHM6Ly9hLmNvbS94", ShareEncodedURL},
		{"u!aHR0cHM6Ly9hLmNvbS8/Pz8+Pj4", "u!aHR0cHM6Ly9hLmNvbS8_Pz8-Pj4", ShareEncodedURL},
		{"s!AkZ6dZmX2GsvgXo", "s!AkZ6dZmX2GsvgXo", ShareToken},
		{"S!AkZ6", "s!AkZ6", ShareToken},
		{"FzkOZ6yS-dtL5TQ7eA1oeXGtJGjW", "FzkOZ6yS-dtL5TQ7eA1oeXGtJGjW", ShareToken},
	}
	for _, tt := range tests {
		got, kind, err := NormalizeShareID(tt.in)
		if err != nil || got != tt.want || kind != tt.kind {
			t.Errorf("NormalizeShareID(%q) = %q, %v, %v; want %q, %v", tt.in, got, kind, err, tt.want, tt.kind)
		}
	}
	for _, bad := range []string{"", "u!", "u!@@", "s!", "s!a.b", "a b", "ftp://x", "https://", "u!aGVsbG8"} {
		if _, _, err := NormalizeShareID(bad); err == nil {
			t.Errorf("NormalizeShareID(%q) accepted", bad)
		}
	}
}

func FuzzSharingURL(f *testing.F) {
	for _, s := range []string{"a.com/x", "a.com/xy", "a.com/xyz", "1drv.ms/!12&authKey=1201919!12921!1", "a.com/????>>>>", "ü.example/日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u := "https://" + s
		id := EncodeSharingURL(u)
		if id != naiveEncode(u) {
			t.Fatalf("encode(%q) = %q, the seed's algorithm gives %q", u, id, naiveEncode(u))
		}
		if strings.ContainsAny(id[2:], "=+/") {
			t.Fatalf("encode(%q) = %q holds padding or std alphabet", u, id)
		}
		if CheckSharingURL(u) != nil {
			return
		}
		if !utf8.ValidString(u) {
			t.Fatalf("invalid UTF-8 accepted: %q", u)
		}
		back, err := DecodeSharingURL(id)
		if err != nil || back != u {
			t.Fatalf("decode(encode(%q)) = %q, %v", u, back, err)
		}
		norm, kind, err := NormalizeShareID(u)
		if err != nil || norm != id || kind != ShareEncodedURL {
			t.Fatalf("NormalizeShareID(%q) = %q, %v, %v", u, norm, kind, err)
		}
	})
}

func FuzzNormalizeShareID(f *testing.F) {
	for _, s := range []string{"u!aHR0cHM6Ly9hLmNvbS94", "s!abc", "u!aHR0cHM6Ly9hLmNvbS8/Pz8+Pj4==", "https://a.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, kind, err := NormalizeShareID(s)
		if err != nil {
			return
		}
		again, kind2, err := NormalizeShareID(id)
		if err != nil || again != id || kind2 != kind {
			t.Fatalf("normalising %q twice: %q then %q, %v", s, id, again, err)
		}
		if kind == ShareEncodedURL {
			if _, err := DecodeSharingURL(id); err != nil {
				t.Fatalf("normalised id %q does not decode: %v", id, err)
			}
		}
	})
}
