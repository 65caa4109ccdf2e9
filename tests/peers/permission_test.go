package peers

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/sharelink/sharelink/core"
)

// editOrganization is core's benchmark body (core/permission_bench_test.go,
// benchEditOrganization), copied byte for byte so the figures compare with
// core's own: seed 000's edit/organization response with three identities
// in grantedToIdentitiesV2.
const editOrganization = `{
  "id": "123ABC",
  "roles": ["write"],
  "link": {
    "type": "edit",
    "scope": "organization",
    "webUrl": "https://contoso-my.sharepoint.com/personal/ellen_contoso_com/...",
    "application": {
      "id": "1234",
      "displayName": "Sample Application"
    }
  },
  "grantedToIdentitiesV2": [
    {"user": {"@odata.type": "#microsoft.graph.sharePointIdentity", "displayName": "Ryan Gregg", "email": "ryan@contoso.com", "id": "56a1c1f5-4f2b-4e0a-9c5d-2a1d0b1c3e4f"}, "siteUser": {"displayName": "Ryan Gregg", "email": "ryan@contoso.com", "id": "12", "loginName": "i:0#.f|membership|ryan@contoso.com"}},
    {"user": {"@odata.type": "#microsoft.graph.sharePointIdentity", "displayName": "Helga Lund", "email": "helga@contoso.com", "id": "8f2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}, "siteUser": {"displayName": "Helga Lund", "email": "helga@contoso.com", "id": "13", "loginName": "i:0#.f|membership|helga@contoso.com"}},
    {"user": {"@odata.type": "#microsoft.graph.sharePointIdentity", "displayName": "Ellen Adams", "email": "ellen@contoso.com", "id": "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"}, "siteUser": {"displayName": "Ellen Adams", "email": "ellen@contoso.com", "id": "14", "loginName": "i:0#.f|membership|ellen@contoso.com"}}
  ]
}`

// grantCollection is core's benchGrantCollection, copied: a grant answer of
// 20 permissions, the updated link first, then user grants.
func grantCollection() []byte {
	var b strings.Builder
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.permission)","value":[`)
	b.WriteString(`{"@odata.type":"#microsoft.graph.permission","hasPassword":false,"id":"5fab944a-47ec-48d0-a9b5-5178a926d00f","link":{"preventsDownload":false,"scope":"users","type":"view","webUrl":"https://contoso.sharepoint.com/:w:/t/design/a577ghg9hgh737613bmbjf839026561fmzhsr85ng9f3hjck2t5s"},"roles":["read"]}`)
	for i := 1; i < 20; i++ {
		n := strconv.Itoa(i)
		b.WriteString(`,{"grantedTo":{"user":{"displayName":"User ` + n + `","email":"user` + n + `@contoso.com","id":"47aecee2-d061-4730-8ecb-4c61360441` + n + `"}},"id":"aTowIy5mfG1lbWJlcnNoaXB8dXNlci` + n + `","roles":["read"]}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// The plain-struct peer: what a Go program without the SDK would declare,
// covering the permission properties core knows (see core.ShapePermission).
type identity struct {
	OdataType   string `json:"@odata.type,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Email       string `json:"email,omitempty"`
	ID          string `json:"id,omitempty"`
	LoginName   string `json:"loginName,omitempty"`
}

type identitySet struct {
	Application *identity `json:"application,omitempty"`
	Device      *identity `json:"device,omitempty"`
	User        *identity `json:"user,omitempty"`
	Group       *identity `json:"group,omitempty"`
	SiteUser    *identity `json:"siteUser,omitempty"`
	SiteGroup   *identity `json:"siteGroup,omitempty"`
}

type sharingLink struct {
	Type             string    `json:"type,omitempty"`
	Scope            string    `json:"scope,omitempty"`
	WebURL           string    `json:"webUrl,omitempty"`
	WebHTML          string    `json:"webHtml,omitempty"`
	PreventsDownload *bool     `json:"preventsDownload,omitempty"`
	Application      *identity `json:"application,omitempty"`
}

type permission struct {
	ID                    string        `json:"id,omitempty"`
	Roles                 []string      `json:"roles,omitempty"`
	Link                  *sharingLink  `json:"link,omitempty"`
	HasPassword           *bool         `json:"hasPassword,omitempty"`
	ExpirationDateTime    *time.Time    `json:"expirationDateTime,omitempty"`
	GrantedToV2           *identitySet  `json:"grantedToV2,omitempty"`
	GrantedToIdentitiesV2 []identitySet `json:"grantedToIdentitiesV2,omitempty"`
	GrantedTo             *identitySet  `json:"grantedTo,omitempty"`
	GrantedToIdentities   []identitySet `json:"grantedToIdentities,omitempty"`
	Invitation            *struct {
		Email          string       `json:"email,omitempty"`
		SignInRequired *bool        `json:"signInRequired,omitempty"`
		InvitedBy      *identitySet `json:"invitedBy,omitempty"`
	} `json:"invitation,omitempty"`
	InheritedFrom *struct {
		DriveID string `json:"driveId,omitempty"`
		ID      string `json:"id,omitempty"`
		Path    string `json:"path,omitempty"`
	} `json:"inheritedFrom,omitempty"`
	ShareID string `json:"shareId,omitempty"`
}

type permissionCollection struct {
	Value []permission `json:"value"`
}

// Sinks keep every result alive so the compiler cannot drop the work.
var (
	sinkShaped     core.Shaped
	sinkKiota      models.Permissionable
	sinkKiotaColl  models.PermissionCollectionResponseable
	sinkStruct     permission
	sinkStructColl permissionCollection
)

// kiotaPermission is what the SDK's request adapter does with a 200/201
// body: a root JSON parse node over the bytes, then the model's factory.
func kiotaPermission(body []byte) (models.Permissionable, error) {
	n, err := jsonserialization.NewJsonParseNode(body)
	if err != nil {
		return nil, err
	}
	v, err := n.GetObjectValue(models.CreatePermissionFromDiscriminatorValue)
	if err != nil {
		return nil, err
	}
	return v.(models.Permissionable), nil
}

func kiotaPermissionCollection(body []byte) (models.PermissionCollectionResponseable, error) {
	n, err := jsonserialization.NewJsonParseNode(body)
	if err != nil {
		return nil, err
	}
	v, err := n.GetObjectValue(models.CreatePermissionCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return nil, err
	}
	return v.(models.PermissionCollectionResponseable), nil
}

// TestPeersReadTheBenchmarkBodies checks that every contender really reads
// the bodies the benchmarks give it, so no benchmark times an early error
// or an empty result.
func TestPeersReadTheBenchmarkBodies(t *testing.T) {
	one, coll := []byte(editOrganization), grantCollection()

	s, err := core.ShapePermission(201, one)
	if err != nil || s.Collection || len(s.Kinds) != 1 || s.Kinds[0] != core.KindLink {
		t.Fatalf("core single: %+v, %v", s, err)
	}
	s, err = core.ShapePermission(200, coll)
	if err != nil || !s.Collection || len(s.Kinds) != 20 || s.Link != 0 {
		t.Fatalf("core collection: kinds %v link %d, %v", s.Kinds, s.Link, err)
	}

	p, err := kiotaPermission(one)
	if err != nil {
		t.Fatal(err)
	}
	if *p.GetId() != "123ABC" || *p.GetLink().GetScope() != "organization" || len(p.GetGrantedToIdentitiesV2()) != 3 ||
		*p.GetGrantedToIdentitiesV2()[2].GetSiteUser().GetLoginName() != "i:0#.f|membership|ellen@contoso.com" {
		t.Fatalf("kiota single: id %v link %v identities %d", p.GetId(), p.GetLink(), len(p.GetGrantedToIdentitiesV2()))
	}
	c, err := kiotaPermissionCollection(coll)
	if err != nil {
		t.Fatal(err)
	}
	if v := c.GetValue(); len(v) != 20 || *v[0].GetLink().GetScope() != "users" || *v[19].GetGrantedTo().GetUser().GetDisplayName() != "User 19" {
		t.Fatalf("kiota collection: %d entries", len(v))
	}

	var sp permission
	if err := json.Unmarshal(one, &sp); err != nil {
		t.Fatal(err)
	}
	if sp.ID != "123ABC" || sp.Link.Scope != "organization" || len(sp.GrantedToIdentitiesV2) != 3 {
		t.Fatalf("encoding/json single: %+v", sp)
	}
	var sc permissionCollection
	if err := json.Unmarshal(coll, &sc); err != nil {
		t.Fatal(err)
	}
	if len(sc.Value) != 20 || sc.Value[0].Link.Scope != "users" || sc.Value[19].GrantedTo.User.DisplayName != "User 19" {
		t.Fatalf("encoding/json collection: %d entries", len(sc.Value))
	}
}

// The contenders do different amounts of work and the table should be read
// with that in mind: core validates strictly (duplicate keys, types, UTF-8,
// depth) and writes canonical bytes; Kiota builds a backing-store object
// graph; encoding/json fills plain structs and checks nothing beyond types.
func BenchmarkShapePermission(b *testing.B) {
	benchPermission(b, 201, []byte(editOrganization))
}

func BenchmarkShapePermissionCollection20(b *testing.B) {
	benchPermission(b, 200, grantCollection())
}

func benchPermission(b *testing.B, status int, body []byte) {
	collection := status == 200
	b.Run("core", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			s, err := core.ShapePermission(status, body)
			if err != nil {
				b.Fatal(err)
			}
			sinkShaped = s
		}
	})
	b.Run("kiota", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if collection {
				sinkKiotaColl, err = kiotaPermissionCollection(body)
			} else {
				sinkKiota, err = kiotaPermission(body)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var err error
			// Fresh values each time, as a caller decoding a response has.
			if collection {
				var v permissionCollection
				err = json.Unmarshal(body, &v)
				sinkStructColl = v
			} else {
				var v permission
				err = json.Unmarshal(body, &v)
				sinkStruct = v
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
