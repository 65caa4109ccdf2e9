package core

import (
	"strings"
	"testing"
)

// equalFoldASCII read another way: both strings lower-cased with a table
// of the 26 letters, then compared as bytes.
func TestEqualFoldASCII(t *testing.T) {
	lower := strings.NewReplacer(
		"A", "a", "B", "b", "C", "c", "D", "d", "E", "e", "F", "f", "G", "g", "H", "h", "I", "i",
		"J", "j", "K", "k", "L", "l", "M", "m", "N", "n", "O", "o", "P", "p", "Q", "q", "R", "r",
		"S", "s", "T", "t", "U", "u", "V", "v", "W", "w", "X", "x", "Y", "y", "Z", "z")
	words := []string{"shares", "SHARES", "ſhares", "createLink", "createLinK", "CREATELINK", "permiſſions",
		"permissions", "graph.microsoft.com", "GRAPH.MICROSOFT.COM", "graph.microſoft.com", "ｓhares",
		"root:", "ROOT:", "beta", "BETA", "v1.0", "V1.0", "İ", "i", "ı", "I", "ß", "ss", "", "a", "@", "`", "[", "{"}
	for _, a := range words {
		for _, b := range words {
			want := lower.Replace(a) == lower.Replace(b)
			if got := equalFoldASCII(a, b); got != want {
				t.Errorf("equalFoldASCII(%q, %q) = %v, want %v", a, b, got, want)
			}
			if got := EqualFoldASCII(a, b); got != want {
				t.Errorf("EqualFoldASCII(%q, %q) = %v, want %v", a, b, got, want)
			}
			if got := equalFoldASCII([]byte(a), b); got != want {
				t.Errorf("equalFoldASCII([]byte %q, %q) = %v, want %v", a, b, got, want)
			}
		}
		if got, want := toLowerASCII(a), lower.Replace(a); got != want {
			t.Errorf("toLowerASCII(%q) = %q, want %q", a, got, want)
		}
	}
}

// Keywords, versions, the root: form and Graph hosts match in ASCII case
// only: Unicode's folding ('ſ'→s, Kelvin K→k) does not make a keyword.
func TestRouteKeywordsFoldASCIIOnly(t *testing.T) {
	for _, path := range []string{
		"/ſhares/u!aHR0cHM6Ly9jb250b3NvLmNvbS94/permission/grant",
		"/shares/u!aHR0cHM6Ly9jb250b3NvLmNvbS94/permiſſion/grant",
		"/me/drive/items/1/createLin\u212a",
		"/me/drive/items/1/permiſſions",
		"/me/driſe/items/1/createLink",
		"/\u212a/me/drive/items/1/createLink",
		"/drıves/1/root/createLink",
		"/me/drive/ıtems/1/createLink",
		"/me/drive/İtems/1/createLink",
		"/me/drive/ｉtems/1/createLink",
		"/v1.0/me/drive/root\u017f/createLink",
		"https://graph.microſoft.com/v1.0/me/drive/items/1/createLink",
		"https://graph.micro\u017foft.com/v1.0/me/drive/items/1/createLink",
		"https://graph.microsoft.co\u1d0d/v1.0/me/drive/items/1/createLink",
		"\u0068ttps://graph.microsoft.com\u212a/v1.0/me/drive/items/1/createLink",
		"httpſ://graph.microsoft.com/v1.0/me/drive/items/1/createLink",
	} {
		method := "POST"
		if strings.Contains(path, "ermi") && !strings.Contains(path, "grant") {
			method = "GET"
		}
		if r, err := ParseRoute(method, path); err == nil {
			t.Errorf("%s: accepted as %+v", path, r)
		} else if e := AsError(err); e.Status != 400 && e.Status != 404 {
			t.Errorf("%s: %v, want a 400 or 404", path, err)
		}
	}
	for path, up := range map[string]string{
		"/SHARES/u!aHR0cHM6Ly9jb250b3NvLmNvbS94/PERMISSION/GRANT":       "/v1.0/shares/u!aHR0cHM6Ly9jb250b3NvLmNvbS94/permission/grant",
		"/BETA/ME/DRIVE/ITEMS/1/CREATELINK":                             "/beta/me/drive/items/1/createLink",
		"HTTPS://GRAPH.MICROSOFT.COM/V1.0/ME/DRIVE/ROOT:/a:/createlink": "/v1.0/me/drive/root:/a:/createLink",
		"/USERS/u1/DRIVE/ROOT/createLink":                               "/v1.0/users/u1/drive/root/createLink",
	} {
		r, err := ParseRoute("POST", path)
		if err != nil || r.Upstream != up {
			t.Errorf("%s: %q, %v; want %q", path, r.Upstream, err, up)
		}
	}
}

// The policy's domains and a recipient's domain are compared in one
// form; a domain Unicode would fold onto an allowed one is refused as an
// address (400 naming it), for createLink and grant alike.
func TestRecipientDomainsFoldASCIIOnly(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"allowedRecipientDomains":["CONTOSO.com","*.Kaboom.example","xn--bcher-kva.example"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.AllowedRecipientDomains, " "); got != "contoso.com *.kaboom.example xn--bcher-kva.example" {
		t.Fatalf("policy domains %q", got)
	}
	cr, _ := ParseRoute("POST", "/me/drive/items/1/createLink")
	gr, _ := ParseRoute("POST", "/shares/u!aHR0cHM6Ly9jb250b3NvLmNvbS94/permission/grant")
	ctx := &Context{Now: testNow, Policy: p}
	for _, tt := range []struct {
		email  string
		status int
	}{
		{"eve@contoso.com", 0},
		{"eve@CONTOSO.COM", 0},
		{"ſam@contoso.com", 0}, // the local part is not what the policy reads
		{"eve@a.kaboom.example", 0},
		{"eve@A.KABOOM.EXAMPLE", 0},
		{"eve@xn--bcher-kva.example", 0},
		{"eve@XN--BCHER-KVA.EXAMPLE", 0},
		{"eve@contoſo.com", 400},
		{"eve@a.\u212aaboom.example", 400},
		{"eve@\u212aaboom.example", 400},
		{"eve@contoso.co\u1d0d", 400},
		{"eve@ｃontoso.com", 400},
		{"eve@contoso．com", 400},
		{"eve@bücher.example", 400},
		{"eve@BÜCHER.example", 400},
		{"eve@contİso.com", 400},
		{"eve@contıso.com", 400},
		{"eve@straße.example", 400},
		{"eve@cont\u043eso.com", 400},
		{"eve@kaboom.example", 403},
		{"eve@contoso.com.evil.example", 403},
		{"eve@evilcontoso.com", 403},
		{"eve@xcontoso.com", 403},
	} {
		for _, build := range []func() error{
			func() error {
				_, err := BuildCreateLink(&cr, []byte(`{"type":"view","scope":"users","recipients":[{"email":"`+tt.email+`"}]}`), ctx)
				return err
			},
			func() error {
				_, err := BuildGrant(&gr, []byte(`{"recipients":[{"email":"`+tt.email+`"}],"roles":["read"]}`), ctx)
				return err
			},
		} {
			err := build()
			switch e := AsError(err); {
			case tt.status == 0 && err != nil:
				t.Errorf("%s: %v", tt.email, err)
			case tt.status == 400 && (e == nil || e.Status != 400 || e.Target != "recipients[0].email"):
				t.Errorf("%s: %v, want 400 recipients[0].email", tt.email, err)
			case tt.status == 403 && (e == nil || e.Status != 403 || e.Target != "policy.allowedRecipientDomains"):
				t.Errorf("%s: %v, want 403 policy.allowedRecipientDomains", tt.email, err)
			}
		}
	}
	for _, d := range []string{"contoſo.com", "*.\u212aaboom.example", "bücher.example", "ｃontoso.com", "contoso", "*.", "-a.com"} {
		_, err := ParsePolicy([]byte(`{"allowedRecipientDomains":["` + d + `"]}`))
		if e := AsError(err); e == nil || e.Status != 400 || e.Target != "policy.allowedRecipientDomains" {
			t.Errorf("policy domain %q: %v", d, err)
		}
	}
}

// ldhDomain read another way: labels split with strings.Split.
func FuzzDomainKey(f *testing.F) {
	for _, s := range []string{"contoso.com", "a.b", "-a.b", "a-.b", "a..b", ".a.b", "a.b.", "ſ.com", "A.B", "xn--bcher-kva.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		key, problem := domainKey(d)
		labels := strings.Split(d, ".")
		want := len(labels) >= 2 && len(d) <= 253
		for _, l := range labels {
			ok := l != "" && len(l) <= 63 && l[0] != '-' && l[len(l)-1] != '-'
			for _, c := range []byte(l) {
				ok = ok && strings.IndexByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", c) >= 0
			}
			want = want && ok
		}
		if (problem == "") != want {
			t.Fatalf("domainKey(%q) = %q, %q; want valid=%v", d, key, problem, want)
		}
		if want && key != strings.ToLower(d) {
			t.Fatalf("domainKey(%q) = %q, want %q", d, key, strings.ToLower(d))
		}
		_, nonASCII := domainKey("é.com")
		_, notLDH := domainKey("-")
		if !want && (key != "" || problem != nonASCII && problem != notLDH) {
			t.Fatalf("domainKey(%q) = %q, %q", d, key, problem)
		}
	})
}
