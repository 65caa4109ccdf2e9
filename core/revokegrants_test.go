package core

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestRevokeGrantsDocExample(t *testing.T) {
	body, err := os.ReadFile("testdata/docs/revokegrants-request.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Grantees []struct {
			Email string `json:"email"`
		} `json:"grantees"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	r, err := ParseRevokeGrants(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Grantees) != 1 || r.Grantees[0].Email != doc.Grantees[0].Email {
		t.Fatalf("%+v differs from %+v", r, doc)
	}
	if got := string(r.AppendBody(nil)); got != `{"grantees":[{"email":"ryan@contoso.com"}]}` {
		t.Fatalf("body %s", got)
	}
}

func TestRevokeGrants(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		target     string
		canon      string
	}{
		{"three kinds", `{"grantees":[{"email":"a@contoso.com"},{"alias":"b"},{"@odata.type":"microsoft.graph.driveRecipient","objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}]}`, "",
			`{"grantees":[{"email":"a@contoso.com"},{"alias":"b"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}]}`},
		{"annotation", `{"@odata.context":"x","grantees":[{"email":"a@contoso.com"}]}`, "", `{"grantees":[{"email":"a@contoso.com"}]}`},

		{"no grantees", `{}`, "grantees", ""},
		{"null grantees", `{"grantees":null}`, "grantees", ""},
		{"empty grantees", `{"grantees":[]}`, "grantees", ""},
		{"grantees an object", `{"grantees":{"email":"a@contoso.com"}}`, "grantees", ""},
		{"bad email", `{"grantees":[{"email":"a@"}]}`, "grantees[0].email", ""},
		{"bad objectId", `{"grantees":[{"email":"a@contoso.com"},{"objectId":"x"}]}`, "grantees[1].objectId", ""},
		{"unknown recipient property", `{"grantees":[{"mail":"a@contoso.com"}]}`, "grantees[0].mail", ""},
		{"repeated grantee", `{"grantees":[{"alias":"b"},{"alias":"b"}]}`, "grantees[1]", ""},
		{"too many", `{"grantees":[` + strings.TrimSuffix(strings.Repeat(`{"alias":"b"},`, 101), ",") + `]}`, "grantees", ""},
		{"recipients is not grantees", `{"recipients":[{"email":"a@contoso.com"}]}`, "recipients", ""},
		{"duplicate", `{"grantees":[{"alias":"b"}],"grantees":[{"alias":"c"}]}`, "grantees", ""},
		{"too deep", `{"grantees":[{"alias":["b"]}]}`, "grantees", ""},
		{"not JSON", `grantees`, "body", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRevokeGrants([]byte(tt.body))
			if tt.target != "" {
				wantErr(t, err, tt.target)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := r.AppendBody(nil)
			if string(out) != tt.canon {
				t.Fatalf("body\n%s\nwant\n%s", out, tt.canon)
			}
		})
	}
}

func FuzzRevokeGrants(f *testing.F) {
	for _, s := range []string{
		`{"grantees":[{"email":"ryan@contoso.com"}]}`,
		`{"grantees":[{"alias":"x"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}]}`,
		`{"grantees":[]}`,
		`{"grantees":[{"email":null,"alias":"a"}],"@odata.type":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := ParseRevokeGrants([]byte(body))
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Status != 400 || e.Target == "" {
				t.Fatalf("error not a 400 *Error with a target: %#v", err)
			}
			return
		}
		out := r.AppendBody(nil)
		r2, err := ParseRevokeGrants(out)
		if err != nil {
			t.Fatalf("canonical body %s refused: %v", out, err)
		}
		if !reflect.DeepEqual(r, r2) || !bytes.Equal(out, r2.AppendBody(nil)) {
			t.Fatalf("%+v became %+v", r, r2)
		}
	})
}
