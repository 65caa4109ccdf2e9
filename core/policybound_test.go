package core

import (
	"strings"
	"testing"
)

// A policy document past the bound is refused before it is parsed, in
// either form.
func TestPolicyDocumentBound(t *testing.T) {
	big := []byte(`{"allowedRecipientDomains":["` + strings.Repeat("a", maxPolicyBytes) + `.com"]}`)
	if _, err := ParsePolicy(big); AsError(err) == nil || AsError(err).Target != "policy" {
		t.Errorf("ParsePolicy of %d bytes: %v", len(big), err)
	}
	if _, err := ParsePolicySet(big); AsError(err) == nil || AsError(err).Target != "policy" {
		t.Errorf("ParsePolicySet of %d bytes: %v", len(big), err)
	}
	if _, err := ParsePolicySet([]byte(`{"denyAnonymous":true}`)); err != nil {
		t.Errorf("a small policy: %v", err)
	}
}
