package core

import (
	"bytes"
	"testing"
	"time"
)

var testNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func TestCreateLinkExpiryUsesTheClockPassedIn(t *testing.T) {
	body := []byte(`{"type":"view","expirationDateTime":"2026-01-15T12:00:01Z"}`)
	r, _ := ParseRoute("POST", "/me/drive/items/1/createLink")
	for _, tt := range []struct {
		now time.Time
		ok  bool
	}{
		{testNow, true},
		{testNow.Add(time.Second), false},
		{testNow.Add(time.Hour), false},
	} {
		_, err := BuildCreateLink(&r, body, &Context{Now: tt.now})
		if (err == nil) != tt.ok {
			t.Errorf("now %v: err %v, want ok=%v", tt.now, err, tt.ok)
		}
	}
}

func TestCreateLinkTriStates(t *testing.T) {
	for _, tt := range []struct {
		body string
		want Tri
	}{
		{`{"type":"view"}`, Unset},
		{`{"type":"view","retainInheritedPermissions":null}`, Unset},
		{`{"type":"view","retainInheritedPermissions":false}`, False},
		{`{"type":"view","retainInheritedPermissions":true}`, True},
	} {
		c, err := ParseCreateLink(V1, []byte(tt.body), &Context{Now: testNow})
		if err != nil || c.RetainInherited != tt.want {
			t.Errorf("%s: RetainInherited %v, %v; want %v", tt.body, c.RetainInherited, err, tt.want)
		}
	}
}

func TestBuildCreateLinkRefusesOtherRoutes(t *testing.T) {
	r, _ := ParseRoute("GET", "/me/drive/items/1/permissions")
	if _, err := BuildCreateLink(&r, []byte(`{"type":"view"}`), &Context{Now: testNow}); err == nil {
		t.Fatal("a list route built a createLink request")
	}
	g, _ := ParseRoute("POST", "/me/drive/items/1/createLink")
	if _, err := BuildGrant(&g, []byte(`{"recipients":[{"email":"a@b.co"}],"roles":["read"]}`), &Context{}); err == nil {
		t.Fatal("a createLink route built a grant request")
	}
}

// The canonical body is a fixed point: parsing what core sends gives the
// same body again.
func FuzzCreateLink(f *testing.F) {
	for _, s := range []string{
		`{"type":"view","scope":"anonymous"}`,
		`{"type":"edit","scope":"users","recipients":[{"email":"a@contoso.com"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}],"sendNotification":true,"message":"hi"}`,
		`{"scope":"organization","expirationDateTime":"2027-01-01T00:03:08.7291689+03:00","password":"p","retainInheritedPermissions":false}`,
		`{"type":"view","type":"edit"}`,
		`{"recipients":[[[[]]]]}`,
		`{"@odata.type":"x","type":null}`,
	} {
		f.Add(s, uint8(0), uint8(0))
	}
	f.Fuzz(func(t *testing.T, body string, drive, kind uint8) {
		ctx := &Context{Now: testNow, DriveType: DriveType(drive % 4), ItemKind: ItemKind(kind % 3)}
		for _, v := range []Version{V1, Beta} {
			c, err := ParseCreateLink(v, []byte(body), ctx)
			if err != nil {
				if e := AsError(err); e.Status != 400 || e.Target == "" {
					t.Fatalf("error without 400 or target: %+v", e)
				}
				continue
			}
			out := c.AppendBody(nil)
			c2, err := ParseCreateLink(v, out, ctx)
			if err != nil {
				t.Fatalf("canonical body %s refused: %v", out, err)
			}
			if out2 := c2.AppendBody(nil); !bytes.Equal(out, out2) {
				t.Fatalf("not a fixed point:\n%s\n%s", out, out2)
			}
		}
	})
}

func FuzzGrant(f *testing.F) {
	for _, s := range []string{
		`{"recipients":[{"email":"ryan@contoso.com"},{"email":"helga@contoso.com"}],"roles":["read"]}`,
		`{"recipients":[{"alias":"a"}],"roles":["write","read"]}`,
		`{"recipients":[],"roles":[]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		g, err := ParseGrant([]byte(body))
		if err != nil {
			if e := AsError(err); e.Status != 400 || e.Target == "" {
				t.Fatalf("error without 400 or target: %+v", e)
			}
			return
		}
		out := g.AppendBody(nil)
		g2, err := ParseGrant(out)
		if err != nil {
			t.Fatalf("canonical body %s refused: %v", out, err)
		}
		if out2 := g2.AppendBody(nil); !bytes.Equal(out, out2) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, out2)
		}
	})
}

func FuzzPolicy(f *testing.F) {
	f.Add(`{"allowedTypes":["view"],"denyAnonymous":true,"maxExpiryDays":30,"expiryAction":"clamp","anonymous":{"requirePassword":true},"allowedRecipientDomains":["*.contoso.com"],"maxRecipients":3}`,
		`{"type":"view","scope":"users","recipients":[{"email":"a@x.contoso.com"}],"expirationDateTime":"2026-06-01T00:00:00Z"}`)
	f.Fuzz(func(t *testing.T, policy, body string) {
		p, err := ParsePolicy([]byte(policy))
		if err != nil {
			return
		}
		r, _ := ParseRoute("POST", "/me/drive/items/1/createLink")
		req, err := BuildCreateLink(&r, []byte(body), &Context{Now: testNow, Policy: p})
		if err != nil {
			if e := AsError(err); e.Status != 400 && e.Status != 403 {
				t.Fatalf("policy error with status %d", e.Status)
			}
			return
		}
		// What the policy let through passes it again unchanged.
		again, err := BuildCreateLink(&r, req.Body, &Context{Now: testNow, Policy: p})
		if err != nil || !bytes.Equal(again.Body, req.Body) || len(again.Adjusted) != 0 {
			t.Fatalf("policy output %s not stable: %v %s %v", req.Body, err, again.Body, again.Adjusted)
		}
	})
}

func BenchmarkBuildCreateLink(b *testing.B) {
	body := []byte(`{"type":"edit","scope":"organization","expirationDateTime":"2027-01-01T00:03:08.7291689+03:00","retainInheritedPermissions":true}`)
	ctx := &Context{Now: testNow, DriveType: DriveBusiness, ItemKind: ItemFile}
	b.ReportAllocs()
	for b.Loop() {
		r, err := ParseRoute("POST", "/v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFFZJ5ETFWV5TMJA/createLink")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := BuildCreateLink(&r, body, ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildCreateLinkRecipients(b *testing.B) {
	body := []byte(`{"type":"view","scope":"users","recipients":[{"email":"ryan@contoso.com"},{"email":"helga@contoso.com"}],"sendNotification":true,"message":"Please review"}`)
	ctx := &Context{Now: testNow}
	r, _ := ParseRoute("POST", "/me/drive/items/01ABC/createLink")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildCreateLink(&r, body, ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRoute(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseRoute("POST", "/v1.0/drives/b!YXNkZmFzZGY0NTY3ODkw/root:/Documents/Q3 Plan.docx:/createLink"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeSharingURL200(b *testing.B) {
	u := "https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/EaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijkl?e=4:aB1cD2eF3gH4&at=9"
	u = u[:200]
	dst := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendSharingURL(dst[:0], u)
	}
	b.ReportMetric(float64(len(u)), "url-bytes")
}

func BenchmarkEncodeSharingURL200String(b *testing.B) {
	u := "https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/EaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL?e=4:aB1cD2eF3gH4&at=9"[:200]
	b.ReportAllocs()
	for b.Loop() {
		_ = EncodeSharingURL(u)
	}
}
