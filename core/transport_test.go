package core

import (
	"strings"
	"testing"
)

func TestBearerRule(t *testing.T) {
	good := []string{"t", "eyJ0eXAi.eyJhdWQi.c2lnbg", "abc+/==", "a-b_c~d.e", strings.Repeat("a", MaxBearerToken)}
	bad := []string{"", "=", "a b", "a\nb", "a,b", "a=b", "é", "\x00", strings.Repeat("a", MaxBearerToken+1)}
	for _, tok := range good {
		if err := CheckBearerToken(tok); err != nil {
			t.Errorf("%.20q: %v", tok, err)
		}
		if err := CheckAuthorization("Bearer " + tok); err != nil {
			t.Errorf("Bearer %.20q: %v", tok, err)
		}
	}
	for _, tok := range bad {
		if e := AsError(CheckBearerToken(tok)); e == nil || e.Status != 400 || e.Target != "token" || (len(tok) > 3 && strings.Contains(e.Message, tok)) {
			t.Errorf("%.20q: got %v", tok, e)
		}
		if e := AsError(CheckAuthorization("Bearer " + tok)); e == nil || e.Status != 401 || e.Code != CodeUnauthenticated || e.Target != "Authorization" {
			t.Errorf("Bearer %.20q: got %v", tok, e)
		}
	}
	for _, h := range []string{"", "Basic dXNlcjpwYXNz", "Bearer", "Bearer  t", "Bearer t, Bearer u", "Bearert"} {
		if e := AsError(CheckAuthorization(h)); e == nil || e.Status != 401 {
			t.Errorf("%q: got %v", h, e)
		}
	}
	if err := CheckAuthorization("bearer t"); err != nil {
		t.Errorf("the scheme is case-insensitive (RFC 9110 §11.1): %v", err)
	}
	if e := AsError(CheckBearerToken("abc d")); !strings.HasSuffix(e.Message, "at byte 3") {
		t.Errorf("the offset of the bad byte: %s", e.Message)
	}
}

func TestBaseURLRule(t *testing.T) {
	for in, want := range map[string]string{
		"https://graph.microsoft.com":        "https://graph.microsoft.com",
		"https://graph.microsoft.com/":       "https://graph.microsoft.com",
		"http://127.0.0.1:9000/graph/":       "http://127.0.0.1:9000/graph",
		"HTTPS://Graph.Microsoft.US":         "HTTPS://Graph.Microsoft.US",
		"http://[::1]:8080":                  "http://[::1]:8080",
		"https://proxy.example/a%20b/graph/": "https://proxy.example/a%20b/graph",
	} {
		got, err := CheckBaseURL(in)
		if err != nil || got != want {
			t.Errorf("%q: got %q %v, want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"ftp://graph":                      "http or https",
		"graph.microsoft.com":              "http or https",
		"https:///v1.0":                    "no host",
		"https://":                         "no host",
		"https://graph.microsoft.com/?x=1": "only",
		"https://graph.microsoft.com/#f":   "only",
		"https://user:pw@graph.example":    "only",
		"https://graph.example/a b":        "only",
		"https://graph.example:99999999":   "only",
		"https://[::1":                     "only",
		"https://gra\x00ph.example":        "only",
		"https://graph.example\\evil":      "only",
	} {
		_, err := CheckBaseURL(in)
		if e := AsError(err); e == nil || e.Target != "graph_base_url" || !strings.Contains(e.Message, why) {
			t.Errorf("%q: got %v, want an error saying %q", in, err, why)
		}
	}
}
