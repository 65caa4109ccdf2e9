package core

import (
	"strings"
	"testing"
)

// dirty reports a byte that may not appear in a URL, a path or a header
// value core hands a host: a control byte (below 0x20, or 0x7f) or a
// space. Read byte by byte, not with core's own checks.
func dirty(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func TestShareIDsKeepNoLineBreaks(t *testing.T) {
	id := EncodeSharingURL("https://contoso.sharepoint.com/:w:/s/x/E1")
	for _, bad := range []string{
		id[:6] + "\r\n" + id[6:], id[:6] + "\n" + id[6:], id[:6] + "\r" + id[6:], id + "\r\n",
		"u!\r\n" + id[2:], id[:6] + "\t" + id[6:], id[:6] + " " + id[6:], id[:6] + "\x00" + id[6:],
		id[:6] + "=" + id[6:], id + "=\r\n=", "s!ab\r\ncd",
	} {
		if got, _, err := NormalizeShareID(bad); err == nil {
			t.Errorf("NormalizeShareID(%q) = %q", bad, got)
		}
		if strings.HasPrefix(bad, "u!") {
			if got, err := DecodeSharingURL(bad); err == nil {
				t.Errorf("DecodeSharingURL(%q) = %q", bad, got)
			}
		}
	}
	for _, path := range []string{
		"/shares/" + id[:6] + "%0d%0a" + id[6:] + "/permission/grant",
		"/shares/" + id[:6] + "%0A" + id[6:] + "/driveItem",
		"/shares/" + id + "%0D%0A/permission/grant",
		"/shares/" + id[:6] + "\r\n" + id[6:] + "/permission/grant",
	} {
		if r, err := ParseRoute("POST", path); err == nil {
			t.Errorf("%q: accepted, upstream %q", path, r.Upstream)
		} else if AsError(err).Target != "share-id" {
			t.Errorf("%q: %v, want target share-id", path, err)
		}
	}
}

func TestSharingURLsWithUserInfoOrNoHost(t *testing.T) {
	for _, u := range []string{
		"https://admin:s3cret-pw@contoso.sharepoint.com/:w:/s/x/E1",
		"https://admin@contoso.sharepoint.com/x",
		"https://@contoso.sharepoint.com/x",
		"https://@/x", "https://:443/x", "https://:/x", "http://@", "https://?x", "https://#x",
		"https://contoso.sharepoint.com@evil.example/x",
	} {
		for _, try := range []func() error{
			func() error { return CheckSharingURL(u) },
			func() error { _, _, err := NormalizeShareID(u); return err },
			func() error { _, err := DecodeSharingURL(EncodeSharingURL(u)); return err },
			func() error { _, _, err := NormalizeShareID(EncodeSharingURL(u)); return err },
			func() error { _, err := GrantRoute(V1, u); return err },
		} {
			err := try()
			if err == nil {
				t.Errorf("%q accepted", u)
				continue
			}
			if msg := string(AsError(err).JSON()); strings.Contains(msg, "s3cret") || strings.Contains(msg, "admin") {
				t.Errorf("%q: the error holds the user info: %s", u, msg)
			}
		}
	}
	for _, u := range []string{"https://contoso.sharepoint.com:443/x", "https://contoso.sharepoint.com/x@y", "https://1drv.ms/u/s!Ab?e=x@y", "https://[::1]/x"} {
		if err := CheckSharingURL(u); err != nil {
			t.Errorf("%q: %v", u, err)
		}
	}
}

// Nothing core writes into a URL, a path or a header value holds a
// control byte or a space, whatever the input.
func FuzzEmittedTextIsClean(f *testing.F) {
	id := EncodeSharingURL("https://contoso.sharepoint.com/:w:/s/x/E1")
	for _, s := range [][3]string{
		{"/me/drive/items/01AB/createLink", id, `{"type":"view"}`},
		{"/shares/" + id[:6] + "%0d%0a" + id[6:] + "/permission/grant", id[:6] + "\r\n" + id[6:], `{"recipients":[{"email":"a@b.co"}],"roles":["read"]}`},
		{"/me/drive/root:/a b/c%0d%0a.docx:/createLink", "https://a.com/x\r\n", `{"type":"view","scope":"anonymous"}`},
		{"/me/drive/items/1/permissions/a%0Db", "u!aHR0cHM6Ly9hLmNvbS94\n", ""},
		{"/shares/https%3A%2F%2Fa.com%2Fx%0A/driveItem", "s!ab cd", ""},
		{"https://graph.microsoft.com/v1.0/drives/b!x%09y/items/1/createLink", "u!aHR0cHM6Ly9hLmNvbS94\t", `{"type":"edit"}`},
	} {
		f.Add(s[0], s[1], s[2])
	}
	ctx := &Context{Now: testNow}
	f.Fuzz(func(t *testing.T, path, share, body string) {
		check := func(what, s string) {
			if dirty(s) {
				t.Fatalf("%s = %q holds a control byte or a space (path %q, share %q)", what, s, path, share)
			}
		}
		for _, m := range [...]string{"POST", "GET", "DELETE"} {
			r, err := ParseRoute(m, path)
			if err != nil {
				continue
			}
			check("Upstream", r.Upstream)
			check("Item", r.Item)
			check("ShareID", r.ShareID)
			check("PermissionID", r.PermissionID)
			check("PermissionsPath", r.PermissionsPath())
			var req Request
			switch r.Action {
			case ActionCreateLink:
				req, err = BuildCreateLink(&r, []byte(body), ctx)
			case ActionGrant:
				req, err = BuildGrant(&r, []byte(body), ctx)
			default:
				continue
			}
			if err == nil {
				check("Request.Path", req.Path)
				check("Request.ContentType", req.ContentType)
				check("Request.Method", req.Method)
			}
		}
		if id, _, err := NormalizeShareID(share); err == nil {
			check("NormalizeShareID", id)
		}
		if r, err := GrantRoute(Beta, share); err == nil {
			check("GrantRoute.Upstream", r.Upstream)
		}
		check("EncodeSharingURL", EncodeSharingURL(share))
	})
}
