package core

import (
	"bytes"
	"testing"
	"time"
)

// parseDateTime against time.Parse(time.RFC3339Nano), the second reading:
// where both accept, they agree; the UTC year written upstream is always
// four digits of the real year.
func TestDateTimeUTCStaysInFourDigitYears(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"9999-12-31T23:59:59Z", true},
		{"9999-12-31T23:59:59+23:59", true},
		{"9999-12-31T23:59:59-00:00", true},
		{"9999-12-31T23:59:59-00:01", false},
		{"9999-12-31T23:59:59-23:59", false},
		{"9999-12-31T00:00:00-23:59", true},
		{"9999-12-31T00:01:00-23:59", false},
		{"9999-12-31T00:00:59-23:59", true},
		{"0001-01-01T00:00:00Z", true},
		{"0001-01-01T00:00:00+00:01", false},
		{"0001-01-01T23:59:59+23:59", true},
		{"0001-01-01T00:00:00+23:59", false},
		{"0000-12-31T23:59:59Z", false},
		{"0000-12-31T23:59:59-00:01", false},
		{"10000-01-01T00:00:00Z", false},
		{"2026-06-30T23:59:60Z", false},
		{"2026-06-30T12:00:00+24:00", false},
		{"2026-06-30T12:00:00-24:00", false},
	} {
		got, err := parseDateTime(tt.in, "expirationDateTime")
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v, %v; want ok=%v", tt.in, got, err, tt.ok)
			continue
		}
		if err != nil {
			if err.Status != 400 || err.Target != "expirationDateTime" {
				t.Errorf("%s: %+v", tt.in, err)
			}
			continue
		}
		want, perr := time.Parse(time.RFC3339Nano, tt.in)
		if perr != nil || !want.Equal(got) {
			t.Errorf("%s: %v; time.Parse gives %v, %v", tt.in, got, want, perr)
		}
		if s := string(appendUTC(nil, got)); s != want.UTC().Format("2006-01-02T15:04:05Z") {
			t.Errorf("%s: written %s, want %s", tt.in, s, want.UTC().Format(time.RFC3339))
		}
	}
}

func FuzzDateTime(f *testing.F) {
	for _, s := range []string{"9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+00:01", "2027-01-31T17:00:00.7291689+03:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDateTime(s, "expirationDateTime")
		if err != nil {
			return
		}
		if y := got.Year(); y < 1 || y > 9999 {
			t.Fatalf("%q: accepted in year %d", s, y)
		}
		back, perr := time.Parse(time.RFC3339, string(appendUTC(nil, got)))
		if perr != nil || !back.Equal(got) {
			t.Fatalf("%q: %v written as %s, read back %v, %v", s, got, appendUTC(nil, got), back, perr)
		}
	})
}

// A clamp from a clock near the end of year 9999 stays inside it.
func TestClampStaysInFourDigitYears(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"maxExpiryDays":30,"expiryAction":"clamp","anonymous":{"requireExpiry":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseRoute("POST", "/me/drive/items/1/createLink")
	now := time.Date(9999, 12, 20, 0, 0, 0, 0, time.UTC)
	req, err := BuildCreateLink(&r, []byte(`{"type":"view","scope":"anonymous"}`), &Context{Now: now, Policy: p})
	if err != nil {
		t.Fatal(err)
	}
	if want := `"expirationDateTime":"9999-12-31T23:59:59Z"`; !bytes.Contains(req.Body, []byte(want)) {
		t.Errorf("body %s, want %s", req.Body, want)
	}
}
