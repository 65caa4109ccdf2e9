package jsontext

import (
	"strings"
	"testing"
)

// benchBody is a permission with three identities, as Graph sends it.
var benchBody = []byte(`{
  "id": "123ABC",
  "roles": ["write"],
  "link": {"type": "edit", "scope": "organization", "webUrl": "https://contoso-my.sharepoint.com/personal/ellen_contoso_com/...", "application": {"id": "1234", "displayName": "Sample Application"}},
  "grantedToIdentitiesV2": [` + strings.Repeat(`{"user": {"@odata.type": "#microsoft.graph.sharePointIdentity", "displayName": "Ryan Gregg", "email": "ryan@contoso.com", "id": "56a1c1f5-4f2b-4e0a-9c5d-2a1d0b1c3e4f"}, "siteUser": {"displayName": "Ryan Gregg", "email": "ryan@contoso.com", "id": "12", "loginName": "i:0#.f|membership|ryan@contoso.com"}},`, 2) + `{}]
}`)

func BenchmarkCheck(b *testing.B) {
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		if p, _ := Check(benchBody, 64); p != OK {
			b.Fatal(p)
		}
	}
}

func BenchmarkCheckOracle(b *testing.B) {
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		if p, _ := oracleCheck(benchBody, 64); p != OK {
			b.Fatal(p)
		}
	}
}

func BenchmarkCanonical(b *testing.B) {
	dst := make([]byte, 0, 2048)
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	var ix Index
	for b.Loop() {
		if p, _ := CheckIndexed(benchBody, 64, &ix); p != OK {
			b.Fatal(p)
		}
		ix.AppendCanonical(dst[:0], ix.Root())
	}
}
