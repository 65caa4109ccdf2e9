package core

import (
	"strings"
	"testing"
)

// A permission id is Graph's text: one holding the header's separators
// must not add an entry to sharelink-reported.
func TestFormatFindingsKeepsOneEntryPerFinding(t *testing.T) {
	fs := []Finding{{Rule: RuleDenyAnonymous, Effect: EffectReported, Stage: StageAnswer, Permission: "x,policy.maxExpiryDays=reported"}}
	got := FormatFindings(fs, false)
	if strings.Count(got, ",") != 0 || !strings.Contains(got, "permission=(redacted)") {
		t.Fatalf("FormatFindings = %q", got)
	}
	fs[0].Permission = "3a8d8e34-7758-4e01-b881-807dc32d5caa"
	if got := FormatFindings(fs, false); !strings.HasSuffix(got, ";permission=3a8d8e34-7758-4e01-b881-807dc32d5caa") {
		t.Fatalf("FormatFindings = %q", got)
	}
}
