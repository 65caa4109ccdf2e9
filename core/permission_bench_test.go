package core

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// benchEditOrganization is seed 000's edit/organization response (its
// trailing comma removed) with three identities in grantedToIdentitiesV2,
// as SharePoint returns for a link shared with people.
const benchEditOrganization = `{
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

// benchGrantCollection is a grant answer of 20 permissions: the updated
// link first, then user grants, as seed 004 describes.
func benchGrantCollection() []byte {
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

func BenchmarkShapePermission(b *testing.B) {
	body := []byte(benchEditOrganization)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ShapePermission(201, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShapePermissionCompact is the same permission as Graph sends
// it: without the seed's indentation.
func BenchmarkShapePermissionCompact(b *testing.B) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(benchEditOrganization)); err != nil {
		b.Fatal(err)
	}
	body := buf.Bytes()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ShapePermission(201, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShapePermissionCollection20(b *testing.B) {
	body := benchGrantCollection()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ShapePermission(200, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShapePermissionSeed000 is seed 000's edit/organization response
// as is (comma removed): the smallest real createLink answer.
func BenchmarkShapePermissionSeed000(b *testing.B) {
	body := []byte(`{"id":"123ABC","roles":["write"],"link":{"type":"edit","scope":"organization","webUrl":"https://contoso-my.sharepoint.com/personal/ellen_contoso_com/...","application":{"id":"1234","displayName":"Sample Application"}}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ShapePermission(201, body); err != nil {
			b.Fatal(err)
		}
	}
}
