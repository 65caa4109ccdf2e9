package core

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/internal/jsontext"
)

func TestShapePermission(t *testing.T) {
	type want struct {
		body       string // canonical bytes; "" when an error is expected
		kinds      string // space-separated kind names
		link       int
		created    bool
		collection bool
	}
	tests := []struct {
		name   string
		status int
		in     string
		want   want
		err    string // "status code target" when an error is expected
	}{
		{
			name:   "seed000 view anonymous, comma removed",
			status: 201,
			in:     `{"id":"123ABC","roles":["write"],"link":{"type":"view","scope":"anonymous","webUrl":"https://1drv.ms/A6913278E564460AA616C71B28AD6EB6","application":{"id":"1234","displayName":"Sample Application"}}}`,
			want:   want{body: `{"id":"123ABC","roles":["write"],"link":{"type":"view","scope":"anonymous","webUrl":"https://1drv.ms/A6913278E564460AA616C71B28AD6EB6","application":{"id":"1234","displayName":"Sample Application"}}}`, kinds: "link", link: 0, created: true},
		},
		{
			name:   "seed000 view anonymous, trailing comma as printed",
			status: 201,
			in:     `{"id":"123ABC","roles":["write"],"link":{"type":"view","scope":"anonymous","webUrl":"https://1drv.ms/A6","application":{"id":"1234","displayName":"Sample Application"},}}`,
			err:    "502 badGateway body",
		},
		{
			name:   "embed link keeps webHtml raw, keys reordered",
			status: 200,
			in:     `{"link":{"application":{"id":"1234"},"webUrl":"https://onedive.live.com/...","webHtml":"<IFRAME src=\"https://onedrive.live.com/...\"></IFRAME>","type":"embed"},"roles":["read"],"id":"123ABC"}`,
			want:   want{body: `{"id":"123ABC","roles":["read"],"link":{"type":"embed","webUrl":"https://onedive.live.com/...","webHtml":"<IFRAME src=\"https://onedrive.live.com/...\"></IFRAME>","application":{"id":"1234"}}}`, kinds: "link", link: -1},
		},
		{
			name:   "beta wrapper is a single; annotations dropped; legacy identities fill V2",
			status: 200,
			in:     `{"@odata.context":"x","value":{"@odata.type":"#microsoft.graph.permission","id":"p","grantedTo":{"@odata.type":"microsoft.graph.identitySet","user":{"id":"u"}},"grantedToIdentities":[{"user":{"id":"u"}}],"roles":["write"]}}`,
			want:   want{body: `{"id":"p","roles":["write"],"grantedToV2":{"user":{"id":"u"}},"grantedToIdentitiesV2":[{"user":{"id":"u"}}],"grantedTo":{"user":{"id":"u"}},"grantedToIdentities":[{"user":{"id":"u"}}]}`, kinds: "userGrant", link: -1},
		},
		{
			name:   "V2 only fills legacy",
			status: 200,
			in:     `{"id":"p","grantedToV2":{"siteUser":{"id":"7","loginName":"i:0#.f|membership|ryan@contoso.com"}},"grantedToIdentitiesV2":[],"roles":["read"]}`,
			want:   want{body: `{"id":"p","roles":["read"],"grantedToV2":{"siteUser":{"id":"7","loginName":"i:0#.f|membership|ryan@contoso.com"}},"grantedToIdentitiesV2":[],"grantedTo":{"siteUser":{"id":"7","loginName":"i:0#.f|membership|ryan@contoso.com"}},"grantedToIdentities":[]}`, kinds: "userGrant", link: -1},
		},
		{
			name:   "both present and different: both kept",
			status: 200,
			in:     `{"grantedTo":{"user":{"id":"a"}},"grantedToV2":{"user":{"id":"a"},"siteUser":{"id":"9"}}}`,
			want:   want{body: `{"grantedToV2":{"user":{"id":"a"},"siteUser":{"id":"9"}},"grantedTo":{"user":{"id":"a"}}}`, kinds: "userGrant", link: -1},
		},
		{
			name:   "roles: sp names mapped, repeats dropped, order kept",
			status: 200,
			in:     `{"roles":["read","sp.member","member","sp.owner","read","owner"],"grantedTo":{"user":{"id":"o"}}}`,
			want:   want{body: `{"roles":["read","member","owner"],"grantedToV2":{"user":{"id":"o"}},"grantedTo":{"user":{"id":"o"}}}`, kinds: "owner", link: -1},
		},
		{
			name:   "never expiry removed, fractional zeros too",
			status: 200,
			in:     `{"id":"a","expirationDateTime":"0001-01-01T00:00:00.0000000Z","link":{"type":"view"}}`,
			want:   want{body: `{"id":"a","link":{"type":"view"}}`, kinds: "link", link: -1},
		},
		{
			name:   "real expiry kept verbatim",
			status: 200,
			in:     `{"id":"a","expirationDateTime":"2017-01-01T00:03:08.7291689+03:00"}`,
			want:   want{body: `{"id":"a","expirationDateTime":"2017-01-01T00:03:08.7291689+03:00"}`, kinds: "other", link: -1},
		},
		{
			name:   "null known properties are absent, unknown nulls kept",
			status: 200,
			in:     `{"id":"a","hasPassword":null,"link":{"type":"view","scope":null},"extra":null}`,
			want:   want{body: `{"id":"a","link":{"type":"view"},"extra":null}`, kinds: "link", link: -1},
		},
		{
			name:   "unknown properties kept in input order after known ones, nested annotations dropped",
			status: 201,
			in:     `{"zeta":{"b":1,"a@odata.type":"x","a":[true,false]},"id":"a","alpha":"é\u00e9\/","link":{"custom":1,"type":"view"}}`,
			want:   want{body: `{"id":"a","link":{"type":"view","custom":1},"zeta":{"b":1,"a":[true,false]},"alpha":"éé/"}`, kinds: "link", link: -1, created: true},
		},
		{
			name:   "invitation facet wins over link",
			status: 200,
			in:     `{"grantedToIdentities":[{"user":{"email":"helga@contoso.com"}}],"invitation":{"signInRequired":true},"roles":["read"],"link":{"type":"view","webUrl":"https://contoso.sharepoint.com/i"}}`,
			want:   want{body: `{"roles":["read"],"link":{"type":"view","webUrl":"https://contoso.sharepoint.com/i"},"grantedToIdentitiesV2":[{"user":{"email":"helga@contoso.com"}}],"grantedToIdentities":[{"user":{"email":"helga@contoso.com"}}],"invitation":{"signInRequired":true}}`, kinds: "invitation", link: -1},
		},
		{
			name:   "empty grantedTo is not a user grant",
			status: 200,
			in:     `{"id":"x","grantedTo":{"@odata.type":"microsoft.graph.identitySet"}}`,
			want:   want{body: `{"id":"x","grantedToV2":{},"grantedTo":{}}`, kinds: "other", link: -1},
		},
		{
			name:   "empty object",
			status: 200,
			in:     `{}`,
			want:   want{body: `{}`, kinds: "other", link: -1},
		},
		{
			name:   "collection: link index is the first link with a scope",
			status: 200,
			in:     `{"value":[{"id":"i","invitation":{},"link":{"type":"view"}},{"id":"g","grantedTo":{"user":{"id":"u"}},"roles":["read"]},{"id":"l","link":{"scope":"existingAccess","type":"view"}},{"id":"m","link":{"scope":"users"}}]}`,
			want: want{body: `{"value":[{"id":"i","link":{"type":"view"},"invitation":{}},{"id":"g","roles":["read"],"grantedToV2":{"user":{"id":"u"}},"grantedTo":{"user":{"id":"u"}}},{"id":"l","link":{"type":"view","scope":"existingAccess"}},{"id":"m","link":{"scope":"users"}}]}`,
				kinds: "invitation userGrant link link", link: 2, collection: true},
		},
		{
			name:   "empty collection",
			status: 200,
			in:     `{"@odata.context":"c","value":[]}`,
			want:   want{body: `{"value":[]}`, collection: true, link: -1},
		},
		{
			name:   "collection with 201 is not created",
			status: 201,
			in:     `{"value":[{"id":"a"}]}`,
			want:   want{body: `{"value":[{"id":"a"}]}`, kinds: "other", collection: true, link: -1},
		},

		{name: "status 204", status: 204, in: `{}`, err: "502 badGateway status"},
		{name: "status 404", status: 404, in: `{"error":{"code":"itemNotFound"}}`, err: "502 badGateway status"},
		{name: "empty body", status: 200, in: ``, err: "502 badGateway body"},
		{name: "array body", status: 200, in: `[{}]`, err: "502 badGateway body"},
		{name: "string body", status: 200, in: `"x"`, err: "502 badGateway body"},
		{name: "bad utf8", status: 200, in: "{\"id\":\"\xff\"}", err: "502 badGateway body"},
		{name: "trailing bytes", status: 200, in: `{} {}`, err: "502 badGateway body"},
		{name: "too deep", status: 200, in: `{"x":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, err: "502 badGateway x"},
		{name: "duplicate top key", status: 200, in: `{"id":"a","id":"b"}`, err: "502 badGateway id"},
		{name: "duplicate escaped key", status: 200, in: `{"id":"a","\u0069d":"b"}`, err: "502 badGateway id"},
		{name: "duplicate unknown key", status: 200, in: `{"x":1,"x":2}`, err: "502 badGateway x"},
		{name: "duplicate nested key", status: 200, in: `{"grantedToV2":{"user":{"id":"a","id":"b"}}}`, err: "502 badGateway grantedToV2"},
		{name: "duplicate in link", status: 200, in: `{"link":{"type":"view","type":"edit"}}`, err: "502 badGateway link.type"},
		{name: "duplicate in link application", status: 200, in: `{"link":{"application":{"id":"1","id":"2"}}}`, err: "502 badGateway link.application"},
		{name: "duplicate in unknown", status: 200, in: `{"x":[{"a":1,"a":1}]}`, err: "502 badGateway x"},
		{name: "duplicate in collection entry", status: 200, in: `{"value":[{},{"roles":["read"],"roles":["write"]}]}`, err: "502 badGateway value[1].roles"},
		{name: "duplicate value", status: 200, in: `{"value":[],"value":[]}`, err: "502 badGateway value"},
		{name: "roles not array", status: 200, in: `{"roles":"read"}`, err: "502 badGateway roles"},
		{name: "role not string", status: 200, in: `{"roles":["read",2]}`, err: "502 badGateway roles[1]"},
		{name: "id not string", status: 200, in: `{"id":1}`, err: "502 badGateway id"},
		{name: "hasPassword not bool", status: 200, in: `{"hasPassword":"true"}`, err: "502 badGateway hasPassword"},
		{name: "link not object", status: 200, in: `{"link":"x"}`, err: "502 badGateway link"},
		{name: "link scope not string", status: 200, in: `{"link":{"scope":1}}`, err: "502 badGateway link.scope"},
		{name: "link preventsDownload not bool", status: 200, in: `{"link":{"preventsDownload":0}}`, err: "502 badGateway link.preventsDownload"},
		{name: "link application not object", status: 200, in: `{"link":{"application":"a"}}`, err: "502 badGateway link.application"},
		{name: "grantedToIdentities not array", status: 200, in: `{"grantedToIdentities":{}}`, err: "502 badGateway grantedToIdentities"},
		{name: "value null", status: 200, in: `{"value":null}`, err: "502 badGateway value"},
		{name: "value string", status: 200, in: `{"value":"x"}`, err: "502 badGateway value"},
		{name: "wrapper with other member", status: 200, in: `{"value":{},"id":"a"}`, err: "502 badGateway id"},
		{name: "permission with value", status: 200, in: `{"value":{"value":{}}}`, err: "502 badGateway value.value"},
		{name: "collection entry not object", status: 200, in: `{"value":[{},3]}`, err: "502 badGateway value[1]"},
		{name: "collection entry with value", status: 200, in: `{"value":[{"value":1}]}`, err: "502 badGateway value[0].value"},
		{name: "wrapped type error", status: 200, in: `{"value":{"link":{"webUrl":false}}}`, err: "502 badGateway value.link.webUrl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ShapePermission(tc.status, []byte(tc.in))
			if tc.err != "" {
				e := AsError(err)
				if e == nil {
					t.Fatalf("want error %s, got %s", tc.err, s.Body)
				}
				if got := strconv.Itoa(e.Status) + " " + e.Code + " " + e.Target; got != tc.err {
					t.Fatalf("want error %s, got %s (%s)", tc.err, got, e.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(s.Body) != tc.want.body {
				t.Fatalf("body\n got %s\nwant %s", s.Body, tc.want.body)
			}
			if got := kindNames(s.Kinds); got != tc.want.kinds {
				t.Errorf("kinds %q, want %q", got, tc.want.kinds)
			}
			if s.Link != tc.want.link || s.Created != tc.want.created || s.Collection != tc.want.collection {
				t.Errorf("link %d created %v collection %v, want %d %v %v", s.Link, s.Created, s.Collection, tc.want.link, tc.want.created, tc.want.collection)
			}
			checkShaped(t, s)
		})
	}
}

func kindNames(ks []PermissionKind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.String()
	}
	return strings.Join(names, " ")
}

// checkShaped asserts the properties every successful shaping has: valid
// canonical JSON, entries that slice it exactly, and a fixed point.
func checkShaped(t testing.TB, s Shaped) {
	t.Helper()
	if p, _ := jsontext.Check(s.Body, permissionDepth); p != jsontext.OK {
		t.Fatalf("output is not a JSON object (%v): %s", p, s.Body)
	}
	// encoding/json reads it (numbers as written, 1E700 too) without an
	// annotation or a repeated key.
	v, err := decodeOrdered(s.Body)
	if err != nil {
		t.Fatalf("output %s: %v", s.Body, err)
	}
	if clean, ok := stripped(v); !ok || !reflect.DeepEqual(clean, v) {
		t.Fatalf("output keeps an annotation or repeats a key: %s", s.Body)
	}
	n := 1
	if s.Collection {
		n = len(s.ends)
		var parts [][]byte
		for i := range n {
			parts = append(parts, s.Entry(i))
		}
		if got := `{"value":[` + string(bytes.Join(parts, []byte(","))) + `]}`; got != string(s.Body) {
			t.Fatalf("entries do not make up the body:\n%s\n%s", got, s.Body)
		}
	}
	if len(s.Kinds) != n {
		t.Fatalf("%d kinds for %d permissions", len(s.Kinds), n)
	}
	again, err := ShapePermission(200, s.Body)
	if err != nil {
		t.Fatalf("shaping the output again: %v\n%s", err, s.Body)
	}
	if !bytes.Equal(again.Body, s.Body) {
		t.Fatalf("not idempotent:\n once %s\ntwice %s", s.Body, again.Body)
	}
	if kindNames(again.Kinds) != kindNames(s.Kinds) || again.Link != s.Link || again.Collection != s.Collection {
		t.Fatalf("classification changed on the second pass: %v/%d vs %v/%d", s.Kinds, s.Link, again.Kinds, again.Link)
	}
}

func TestPermissionKindString(t *testing.T) {
	for k, want := range map[PermissionKind]string{KindLink: "link", KindUserGrant: "userGrant", KindInvitation: "invitation", KindOwner: "owner", KindOther: "other", 99: "other"} {
		if k.String() != want {
			t.Errorf("%d: %q, want %q", k, k.String(), want)
		}
	}
}

func TestIsNeverExpiry(t *testing.T) {
	for s, want := range map[string]bool{
		"0001-01-01T00:00:00Z":           true,
		"0001-01-01T00:00:00.000Z":       true,
		"0001-01-01T00:00:00.0000000Z":   true,
		"0001-01-01T00:00:00+00:00":      true,
		"0001-01-01T00:00:00-00:00":      true,
		"0001-01-01T00:00:00z":           true,
		"0001-01-01T00:00:00.Z":          false,
		"0001-01-01T00:00:00.001Z":       false,
		"0001-01-01T00:00:01Z":           false,
		"0001-01-01T00:00:00":            false,
		"0001-01-01T00:00:00+01:00":      false,
		"2017-01-01T00:03:08.7291689Z":   false,
		"":                               false,
		"0001-01-01T00:00:00.000Z extra": false,
	} {
		if got := isNeverExpiry(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

// shapeOracleSeeds reach the corners where the shaping and its model
// could part: escaped keys and annotations, repeats only equal decoded, a
// repeated "" inside a value, nulls, white space, deep values.
var shapeOracleSeeds = []string{
	`{"i\u0064":"a","\u0072oles":["sp.\u006fwner","owner","r\u00e9ad"],"link":{"typ\u0065":"view","sc\u006fpe":"users","x":{"@odata.a":1,"b":"\u2028"}}}`,
	`{"id":"a","\u0069d":"b"}`, `{"link":{"type":"view","\u0074ype":"edit"}}`, `{"link":{"type":"view","x":{"a":1,"\u0061":2}}}`,
	`{"invitation":{"":1,"":2,"z":3},"id":"a"}`, `{"inheritedFrom":{"a":{"":1,"":2},"b":1}}`, `{"grantedTo":{"user":{"id":"a","id":"b"}}}`,
	`{"grantedTo":{"user":{"id":"a"}},"grantedToV2":{"user":{"id":"a"}}}`, `{"grantedTo":{"user":{"id":"a"}},"grantedToV2":{ "user":{"id":"a"}}}`,
	`{"grantedToIdentities":[{"user":{"id":"a"}}],"grantedToIdentitiesV2":null}`, `{"value":null}`, `{"value":1}`, `{"value":[1]}`, `{"value":[{"value":1}]}`,
	`{"value":{"id":"a"},"":1}`, `{"value":[{"id":"a"}],"@odata.context":"x","x":1}`, `{"\u0040odata.type":"x","id":"a","x@\u006fdata.y":1}`,
	`{"expirationDateTime":"0001-01-01T00:00:00\u005a"}`, `{"expirationDateTime":"0001-01-01T00:00:00.000000000000000000000000000000Z"}`,
	`{"roles":["read",1]}`, `{"roles":["read","read","sp.member","member"]}`, `{"hasPassword":"yes"}`, `{"link":{"preventsDownload":null,"application":[]}}`,
	` { "id" : "a" , "unknown" : [ 1 , 2.50e+3 , true , false , null , { } , [ ] ] } `, `{"grantedTo":{"@odata.type":"x"}}`,
	`{"x":"\ud800\udc00\ud800\u0000\"\\\/\b\f\n\r\t"}`, `{"value":[{"id":"a","link":{"scope":"users"}},{"id":"b","link":{"scope":"anonymous"}},{"invitation":{}}]}`,
}

func TestShapePermissionMatchesModel(t *testing.T) {
	statuses, bodies := permissionVectorBodies(t)
	for _, b := range append(shapeOracleSeeds, benchEditOrganization, string(benchGrantCollection())) {
		for _, status := range []int{200, 201, 404} {
			statuses, bodies = append(statuses, status), append(bodies, []byte(b))
		}
	}
	for i := range bodies {
		s, err := ShapePermission(statuses[i], bodies[i])
		sameAsModel(t, statuses[i], bodies[i], s, err)
		if err == nil {
			checkShaped(t, s)
		}
	}
}

// The names the shaper writes without escaping must need none.
func TestKnownNamesNeedNoEscaping(t *testing.T) {
	for _, n := range append(append(permissionKeys[:], linkKeys[:]...), "roles", "link") {
		if got := string(jsontext.AppendString(nil, n)); got != `"`+n+`"` {
			t.Errorf("%s needs escaping: %s", n, got)
		}
	}
}

func TestShapedEntry(t *testing.T) {
	s, err := ShapePermission(200, []byte(`{"value":[{"id":"a"},{"id":"b","link":{"scope":"users"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`{"id":"a"}`, `{"id":"b","link":{"scope":"users"}}`, "", ""} {
		if got := string(s.Entry(i)); got != want {
			t.Errorf("Entry(%d) = %s, want %s", i, got, want)
		}
	}
	if s.Entry(-1) != nil {
		t.Error("Entry(-1) is not nil")
	}
	single, _ := ShapePermission(201, []byte(`{"id":"a"}`))
	if string(single.Entry(0)) != `{"id":"a"}` || single.Entry(1) != nil {
		t.Error("single Entry")
	}
}

// TestShapePermissionCollection20 shapes a grant answer of 20 entries and
// checks each against the same entry shaped alone.
func TestShapePermissionCollection20(t *testing.T) {
	s, err := ShapePermission(200, benchGrantCollection())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Kinds) != 20 || s.Link != 0 || s.Kinds[0] != KindLink {
		t.Fatalf("kinds %v link %d", s.Kinds, s.Link)
	}
	for i := 1; i < 20; i++ {
		if s.Kinds[i] != KindUserGrant {
			t.Fatalf("entry %d is %v", i, s.Kinds[i])
		}
		one, err := ShapePermission(200, s.Entry(i))
		if err != nil || !bytes.Equal(one.Body, s.Entry(i)) {
			t.Fatalf("entry %d shaped alone differs: %v\n%s\n%s", i, err, one.Body, s.Entry(i))
		}
	}
	checkShaped(t, s)
}

// permissionVectorBodies returns the status and raw body of every
// shape_permission vector, to seed the fuzzer.
func permissionVectorBodies(t testing.TB) (statuses []int, bodies [][]byte) {
	b, err := os.ReadFile(filepath.Join("..", "tests", "vectors", "permission.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []struct {
		Op    string `json:"op"`
		Input struct {
			Status any             `json:"status"`
			Body   json.RawMessage `json:"body"`
		} `json:"input"`
	}
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Op != "shape_permission" || v.Input.Body == nil {
			continue
		}
		body := []byte(v.Input.Body)
		var s string
		if json.Unmarshal(body, &s) == nil {
			body = []byte(s)
		}
		status, _ := v.Input.Status.(float64) // some vectors hold a wrong status on purpose
		statuses = append(statuses, int(status))
		bodies = append(bodies, body)
	}
	return statuses, bodies
}

func FuzzShapePermission(f *testing.F) {
	statuses, bodies := permissionVectorBodies(f)
	for i := range bodies {
		f.Add(statuses[i], bodies[i])
	}
	f.Add(200, []byte(benchEditOrganization))
	f.Add(200, benchGrantCollection())
	for _, b := range shapeOracleSeeds {
		f.Add(200, []byte(b))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		s, err := ShapePermission(status, body)
		sameAsModel(t, status, body, s, err)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Status != 502 || e.Code != CodeBadGateway || e.Target == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		checkShaped(t, s)
	})
}
