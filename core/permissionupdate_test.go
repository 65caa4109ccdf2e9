package core

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

func TestPermissionUpdateDocExample(t *testing.T) {
	body, err := os.ReadFile("testdata/docs/permission-update-request.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Roles []string `json:"roles"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	u, err := ParsePermissionUpdate(body, &Context{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !u.HasRoles || !u.Read || u.Write || len(doc.Roles) != 1 || doc.Roles[0] != "read" || !u.Expiration.IsZero() || u.ClearExpiration {
		t.Fatalf("%+v differs from %+v", u, doc)
	}
	if got := string(u.AppendBody(nil)); got != `{"roles":["read"]}` {
		t.Fatalf("body %s", got)
	}
}

func TestPermissionUpdate(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		target     string
		canon      string
	}{
		{"roles", `{"roles":["write"]}`, "", `{"roles":["write"]}`},
		{"both roles", `{"roles":["write","read"]}`, "", `{"roles":["read","write"]}`},
		{"expiry", `{"expirationDateTime":"2027-01-01T01:00:00.5+01:00"}`, "", `{"expirationDateTime":"2027-01-01T00:00:00Z"}`},
		{"both", `{"expirationDateTime":"2027-01-01T00:00:00Z","roles":["read"]}`, "", `{"roles":["read"],"expirationDateTime":"2027-01-01T00:00:00Z"}`},
		{"expiry null removes it", `{"expirationDateTime":null}`, "", `{"expirationDateTime":null}`},
		{"annotations dropped", `{"@odata.type":"#microsoft.graph.permission","roles":["read"]}`, "", `{"roles":["read"]}`},

		{"empty object", `{}`, "body", ""},
		{"only annotations", `{"@odata.type":"#microsoft.graph.permission"}`, "body", ""},
		{"roles null", `{"roles":null}`, "roles", ""},
		{"roles empty", `{"roles":[]}`, "roles", ""},
		{"roles repeated", `{"roles":["write","write"]}`, "roles", ""},
		{"roles owner", `{"roles":["owner"]}`, "roles", ""},
		{"roles a string", `{"roles":"read"}`, "roles", ""},
		{"expiry past", `{"expirationDateTime":"2020-01-01T00:00:00Z"}`, "expirationDateTime", ""},
		{"expiry a number", `{"expirationDateTime":0}`, "expirationDateTime", ""},
		{"expiry without zone", `{"expirationDateTime":"2027-01-01T00:00:00"}`, "expirationDateTime", ""},
		{"other property", `{"roles":["read"],"link":{"type":"edit"}}`, "link", ""},
		{"other scalar property", `{"roles":["read"],"hasPassword":true}`, "hasPassword", ""},
		{"id", `{"id":"1","roles":["read"]}`, "id", ""},
		{"empty key", `{"":1}`, "body", ""},
		{"duplicate", `{"roles":["read"],"roles":["write"]}`, "roles", ""},
		{"duplicate expiry", `{"expirationDateTime":null,"expirationDateTime":"2027-01-01T00:00:00Z"}`, "expirationDateTime", ""},
		{"not an object", `"roles"`, "body", ""},
		{"malformed", `{"roles":["read"]`, "body", ""},
		{"too many members", `{` + distinctAnnotations(200) + `"roles":["read"]}`, "body", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParsePermissionUpdate([]byte(tt.body), &Context{Now: testNow})
			if tt.target != "" {
				wantErr(t, err, tt.target)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := u.AppendBody(nil)
			if string(out) != tt.canon {
				t.Fatalf("body\n%s\nwant\n%s", out, tt.canon)
			}
			again, err := ParsePermissionUpdate(out, &Context{Now: testNow})
			if err != nil || !bytes.Equal(again.AppendBody(nil), out) {
				t.Fatalf("not a fixed point: %v", err)
			}
		})
	}
}

func FuzzPermissionUpdate(f *testing.F) {
	for _, s := range []string{
		`{"roles":["read"]}`,
		`{"roles":["write","read"],"expirationDateTime":"2027-01-01T00:03:08.7291689+03:00"}`,
		`{"expirationDateTime":null}`,
		`{"roles":null,"x":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ctx := &Context{Now: testNow}
		u, err := ParsePermissionUpdate([]byte(body), ctx)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Status != 400 || e.Target == "" {
				t.Fatalf("error not a 400 *Error with a target: %#v", err)
			}
			return
		}
		out := u.AppendBody(nil)
		u2, err := ParsePermissionUpdate(out, ctx)
		if err != nil {
			t.Fatalf("canonical body %s refused: %v", out, err)
		}
		if u2 != u {
			t.Fatalf("%+v became %+v", u, u2)
		}
	})
}
