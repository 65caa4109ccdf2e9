package core

import "time"

// parseDateTime reads an RFC 3339 date-time with 'Z' or a ±hh:mm offset and
// 0–9 fractional digits — the forms of seeds 001/002 and of Go clients that
// send time.Time — and returns it in UTC, truncated to whole seconds as
// Graph stores it.
func parseDateTime(s, prop string) (time.Time, *Error) {
	bad := func() (time.Time, *Error) {
		return time.Time{}, invalid(prop, "'"+prop+"' must be an RFC 3339 date-time such as 2027-01-31T17:00:00Z")
	}
	// yyyy-MM-ddTHH:mm:ss
	if len(s) < 20 || len(s) > 35 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return bad()
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for j := i; j < i+n; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || year < 1 || month < 1 || month > 12 || day < 1 ||
		day > daysIn(year, month) || hour > 23 || minute > 59 || sec > 59 {
		return bad()
	}
	i := 19
	if s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 || j-i-1 > 9 {
			return bad()
		}
		i = j // the fraction is dropped: Graph keeps whole seconds
	}
	offset := 0
	switch rest := s[i:]; {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(i+1, 2)
		om, ok2 := num(i+4, 2)
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return bad()
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return bad()
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC).Add(-time.Duration(offset) * time.Second)
	// The bound is on the UTC form, the one sent upstream in four year
	// digits: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. An offset can
	// carry a date written inside it out of it (9999-12-31T23:59:59-23:59
	// is in year 10000, 0001-01-01T00:00:00+00:01 in year 0), which four
	// digits would write as another date.
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, invalid(prop, "'"+prop+"' in UTC must lie in the years 0001 to 9999")
	}
	return t, nil
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// appendUTC writes t as yyyy-MM-ddTHH:mm:ssZ in UTC: the one expiry form
// Graph documents. Written by hand because time's layout engine costs more
// than the rest of a createLink build.
func appendUTC(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	return append(dst, 'Z')
}

func appendDigits(dst []byte, v, width int) []byte {
	var b [4]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:width]...)
}

// futureDateTime reads an expiry as createLink does and requires it to
// lie after now.
func futureDateTime(s, prop string, now time.Time) (time.Time, *Error) {
	t, err := parseDateTime(s, prop)
	if err != nil {
		return t, err
	}
	if !t.After(now) {
		return time.Time{}, invalid(prop, "'"+prop+"' must lie in the future")
	}
	return t, nil
}

func appendQuotedUTC(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = appendUTC(dst, t)
	return append(dst, '"')
}
