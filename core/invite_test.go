package core

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// docNow is a clock before the expiries of the docs' examples (2018).
var docNow = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)

func TestInviteDocExample(t *testing.T) {
	body, err := os.ReadFile("testdata/docs/invite-request.json")
	if err != nil {
		t.Fatal(err)
	}
	// an independent reading of the same bytes
	var doc struct {
		Recipients []struct {
			Email string `json:"email"`
		} `json:"recipients"`
		Message        string   `json:"message"`
		RequireSignIn  bool     `json:"requireSignIn"`
		SendInvitation bool     `json:"sendInvitation"`
		Roles          []string `json:"roles"`
		Password       string   `json:"password"`
		Expiration     string   `json:"expirationDateTime"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, v := range []Version{V1, Beta} {
		in, err := ParseInvite(v, body, &Context{Now: docNow, DriveType: DrivePersonal})
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		want, _ := time.Parse(time.RFC3339Nano, doc.Expiration)
		switch {
		case len(in.Recipients) != 1 || in.Recipients[0].Email != doc.Recipients[0].Email,
			in.Message != doc.Message || !in.HasMessage,
			(in.RequireSignIn == True) != doc.RequireSignIn || (in.SendInvitation == True) != doc.SendInvitation,
			!in.Write || in.Read || len(doc.Roles) != 1,
			in.Password != doc.Password,
			!in.Expiration.Equal(want),
			in.RetainInherited != Unset:
			t.Fatalf("%v: %+v differs from %+v", v, in, doc)
		}
		got := string(in.AppendBody(nil))
		const canon = `{"recipients":[{"email":"ryan@contoso.com"}],"roles":["write"],"requireSignIn":true,"sendInvitation":true,` +
			`"message":"Here's the file that we're collaborating on.","expirationDateTime":"2018-07-15T14:00:00Z","password":"password123"}`
		if got != canon {
			t.Fatalf("body\n%s\nwant\n%s", got, canon)
		}
	}
	// the same example on a business drive: the password is personal only
	_, err = ParseInvite(V1, body, &Context{Now: docNow, DriveType: DriveBusiness})
	wantErr(t, err, "password")
	// after its expiry
	_, err = ParseInvite(V1, body, &Context{Now: testNow})
	wantErr(t, err, "expirationDateTime")
}

func wantErr(t *testing.T, err error, target string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %q", target)
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("%T %v is not an *Error", err, err)
	}
	if e.Status != 400 || e.Code != CodeInvalidRequest || e.Target != target {
		t.Fatalf("%+v; want 400 invalidRequest naming %q", e, target)
	}
}

const r1 = `"recipients":[{"email":"a@contoso.com"}]`

func TestInvite(t *testing.T) {
	ctx := &Context{Now: testNow}
	for _, tt := range []struct {
		name, body string
		ctx        *Context
		target     string // "" when accepted
		canon      string
	}{
		{"minimal", `{` + r1 + `,"roles":["read"]}`, nil, "", `{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`},
		{"both roles, in canonical order", `{"roles":["write","read"],` + r1 + `}`, nil, "", `{"recipients":[{"email":"a@contoso.com"}],"roles":["read","write"]}`},
		{"annotations dropped", `{"@odata.type":"#microsoft.graph.invitePostRequestBody",` + r1[:len(r1)-2] + `,"@odata.type":"microsoft.graph.driveRecipient"}],"roles":["read"]}`, nil, "",
			`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`},
		{"nulls are absent", `{` + r1 + `,"roles":["read"],"message":null,"password":null,"expirationDateTime":null,"requireSignIn":null,"sendInvitation":null,"retainInheritedPermissions":null}`, nil, "",
			`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`},
		{"retain false is kept", `{` + r1 + `,"roles":["read"],"retainInheritedPermissions":false}`, nil, "",
			`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"],"retainInheritedPermissions":false}`},
		{"retain true is kept", `{` + r1 + `,"roles":["read"],"retainInheritedPermissions":true}`, nil, "",
			`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"],"retainInheritedPermissions":true}`},
		{"every property", `{"recipients":[{"alias":"x"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}],"roles":["read"],"requireSignIn":false,"sendInvitation":false,"message":"","expirationDateTime":"2027-01-01T00:03:08.7291689+03:00","password":"p","retainInheritedPermissions":false}`,
			&Context{Now: testNow, DriveType: DrivePersonal}, "",
			`{"recipients":[{"alias":"x"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}],"roles":["read"],"requireSignIn":false,"sendInvitation":false,"message":"","expirationDateTime":"2026-12-31T21:03:08Z","password":"p","retainInheritedPermissions":false}`},
		{"password, drive unknown", `{` + r1 + `,"roles":["read"],"password":"p"}`, nil, "", `{"recipients":[{"email":"a@contoso.com"}],"roles":["read"],"password":"p"}`},
		{"expiry on business is forwarded", `{` + r1 + `,"roles":["read"],"expirationDateTime":"2027-01-01T00:00:00Z"}`, &Context{Now: testNow, DriveType: DriveBusiness}, "",
			`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"],"expirationDateTime":"2027-01-01T00:00:00Z"}`},
		{"message of 2000 characters", `{` + r1 + `,"roles":["read"],"message":"` + strings.Repeat("é", 2000) + `"}`, nil, "", ""},

		{"password on business", `{` + r1 + `,"roles":["read"],"password":"p"}`, &Context{Now: testNow, DriveType: DriveBusiness}, "password", ""},
		{"password on a library", `{` + r1 + `,"roles":["read"],"password":"p"}`, &Context{Now: testNow, DriveType: DriveDocumentLibrary}, "password", ""},
		{"empty password", `{` + r1 + `,"roles":["read"],"password":""}`, nil, "password", ""},
		{"long password", `{` + r1 + `,"roles":["read"],"password":"` + strings.Repeat("x", 257) + `"}`, nil, "password", ""},
		{"message of 2001 characters", `{` + r1 + `,"roles":["read"],"message":"` + strings.Repeat("é", 2001) + `"}`, nil, "message", ""},
		{"no recipients", `{"roles":["read"]}`, nil, "recipients", ""},
		{"empty recipients", `{"recipients":[],"roles":["read"]}`, nil, "recipients", ""},
		{"null recipients", `{"recipients":null,"roles":["read"]}`, nil, "recipients", ""},
		{"bad recipient", `{"recipients":[{"email":"nope"}],"roles":["read"]}`, nil, "recipients[0].email", ""},
		{"two kinds in one recipient", `{"recipients":[{"email":"a@contoso.com","alias":"a"}],"roles":["read"]}`, nil, "recipients[0]", ""},
		{"repeated recipient", `{"recipients":[{"email":"a@contoso.com"},{"email":"A@contoso.com"}],"roles":["read"]}`, nil, "recipients[1]", ""},
		{"no roles", `{` + r1 + `}`, nil, "roles", ""},
		{"null roles", `{` + r1 + `,"roles":null}`, nil, "roles", ""},
		{"empty roles", `{` + r1 + `,"roles":[]}`, nil, "roles", ""},
		{"duplicate role", `{` + r1 + `,"roles":["read","read"]}`, nil, "roles", ""},
		{"owner role", `{` + r1 + `,"roles":["owner"]}`, nil, "roles", ""},
		{"role case", `{` + r1 + `,"roles":["Read"]}`, nil, "roles", ""},
		{"role not a string", `{` + r1 + `,"roles":[1]}`, nil, "roles", ""},
		{"roles a string", `{` + r1 + `,"roles":"read"}`, nil, "roles", ""},
		{"requireSignIn a string", `{` + r1 + `,"roles":["read"],"requireSignIn":"true"}`, nil, "requireSignIn", ""},
		{"sendInvitation a number", `{` + r1 + `,"roles":["read"],"sendInvitation":1}`, nil, "sendInvitation", ""},
		{"retain a string", `{` + r1 + `,"roles":["read"],"retainInheritedPermissions":"false"}`, nil, "retainInheritedPermissions", ""},
		{"message a number", `{` + r1 + `,"roles":["read"],"message":1}`, nil, "message", ""},
		{"expiry a number", `{` + r1 + `,"roles":["read"],"expirationDateTime":1}`, nil, "expirationDateTime", ""},
		{"expiry malformed", `{` + r1 + `,"roles":["read"],"expirationDateTime":"2027-01-01"}`, nil, "expirationDateTime", ""},
		{"expiry now", `{` + r1 + `,"roles":["read"],"expirationDateTime":"2026-01-15T12:00:00Z"}`, nil, "expirationDateTime", ""},
		{"unknown property", `{` + r1 + `,"roles":["read"],"scope":"users"}`, nil, "scope", ""},
		{"unknown null property", `{` + r1 + `,"roles":["read"],"scope":null}`, nil, "scope", ""},
		{"duplicate property", `{` + r1 + `,"roles":["read"],"roles":["write"]}`, nil, "roles", ""},
		{"duplicate after recipients", `{"a@odata.x":1,"b@odata.x":1,"c@odata.x":1,"d@odata.x":1,"e@odata.x":1,"f@odata.x":1,` + r1 + `,"roles":["read"],` + r1 + `}`, nil, "recipients", ""},
		{"not an object", `[]`, nil, "body", ""},
		{"empty", ``, nil, "body", ""},
		{"trailing bytes", `{` + r1 + `,"roles":["read"]} x`, nil, "body", ""},
		{"too deep", `{` + r1 + `,"roles":[["read"]]}`, nil, "roles", ""},
		{"too many members", `{` + distinctAnnotations(200) + r1 + `,"roles":["read"]}`, nil, "body", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.ctx
			if c == nil {
				c = ctx
			}
			in, err := ParseInvite(V1, []byte(tt.body), c)
			if tt.target != "" {
				wantErr(t, err, tt.target)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := in.AppendBody(nil)
			if tt.canon != "" && string(out) != tt.canon {
				t.Fatalf("body\n%s\nwant\n%s", out, tt.canon)
			}
			if !json.Valid(out) {
				t.Fatalf("invalid JSON %s", out)
			}
			again, err := ParseInvite(Beta, out, c)
			if err != nil || !bytes.Equal(again.AppendBody(nil), out) {
				t.Fatalf("not a fixed point: %s, %v", again.AppendBody(nil), err)
			}
		})
	}
}

func TestInviteNilContext(t *testing.T) {
	if _, err := ParseInvite(V1, []byte(`{`+r1+`,"roles":["read"],"expirationDateTime":"2027-01-01T00:00:00Z"}`), nil); err != nil {
		t.Fatal(err)
	}
}

// FuzzInvite: no panic; every error a 400 *Error with a target; the
// canonical body a fixed point.
func FuzzInvite(f *testing.F) {
	if b, err := os.ReadFile("testdata/docs/invite-request.json"); err == nil {
		f.Add(string(b), uint8(1))
	}
	for _, s := range []string{
		`{"recipients":[{"email":"a@contoso.com"}],"roles":["read"]}`,
		`{"recipients":[{"alias":"x"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}],"roles":["write","read"],"requireSignIn":false,"sendInvitation":true,"message":"m","expirationDateTime":"2027-01-01T00:03:08.7291689+03:00","password":"p","retainInheritedPermissions":false}`,
		`{"recipients":null,"roles":["read","read"]}`,
		`{"@odata.type":"x","roles":[[]]}`,
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, body string, drive uint8) {
		ctx := &Context{Now: docNow, DriveType: DriveType(drive % 4)}
		in, err := ParseInvite(V1, []byte(body), ctx)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Status != 400 || e.Target == "" {
				t.Fatalf("error not a 400 *Error with a target: %#v", err)
			}
			return
		}
		out := in.AppendBody(nil)
		in2, err := ParseInvite(Beta, out, ctx)
		if err != nil {
			t.Fatalf("canonical body %s refused: %v", out, err)
		}
		if out2 := in2.AppendBody(nil); !bytes.Equal(out, out2) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, out2)
		}
	})
}
