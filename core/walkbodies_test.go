package core

import (
	"strconv"
	"strings"
	"testing"
)

// distinctAnnotations is n annotations with distinct keys and a trailing
// comma: past the walker's member bound without a repeat to stop it first.
func distinctAnnotations(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(`"@odata.a` + strconv.Itoa(i) + `":1,`)
	}
	return b.String()
}

// The bodies of invite, permission update and revokeGrants are read by
// the one walker: a recipient far past the member bound is refused at
// the recipient, in one pass.
func TestWalkerBoundsRecipients(t *testing.T) {
	ann := strings.TrimSuffix(distinctAnnotations(100000), ",")
	_, err := ParseInvite(V1, []byte(`{"recipients":[{`+ann+`,"email":"a@contoso.com"}],"roles":["read"]}`), &Context{Now: testNow})
	wantErr(t, err, "recipients[0]")
	_, err = ParseRevokeGrants([]byte(`{"grantees":[{` + ann + `}]}`))
	wantErr(t, err, "grantees[0]")
	_, err = ParsePermissionUpdate([]byte(`{`+ann+`}`), &Context{Now: testNow})
	wantErr(t, err, "body")
	// a lone surrogate in a role, an email or a key
	_, err = ParsePermissionUpdate([]byte(`{"roles":["\ud800"]}`), &Context{Now: testNow})
	wantErr(t, err, "roles")
	_, err = ParseInvite(V1, []byte(`{"recipients":[{"email":"a\udc00@contoso.com"}],"roles":["read"]}`), &Context{Now: testNow})
	wantErr(t, err, "recipients[0].email")
	_, err = ParseRevokeGrants([]byte(`{"gr\ud800":[]}`))
	wantErr(t, err, "body")
}
