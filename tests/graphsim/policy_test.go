package graphsim_test

import (
	"testing"
	"time"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

// The tenant settings Graph applies silently, and links older than a
// policy, as a policy must find them in Graph's answers.
func TestPolicyQuirks(t *testing.T) {
	e := newEnvSeed(t, gs.DemoPolicySeed())
	if err := gs.DemoPolicySeed().Validate(); err != nil {
		t.Fatal(err)
	}
	report := "/me/drive/items/" + gs.DemoReportID
	now := time.Now().UTC()
	y, m, d := now.Date()
	limit := time.Date(y, m, d+gs.DemoPolicyMaxExpiryDays, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	far := now.Add(365 * 24 * time.Hour).Format(time.RFC3339)
	near := now.Add(48 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
	brand := "/sites/marketing/drive/items/" + gs.DemoBrandID
	for _, c := range []struct {
		name, token, path string
		body              map[string]any
		status            int
		id, scope, exp    string
		password          bool
	}{
		// existing links of the app come back (200) whatever expiry or password is asked
		{"legacy anonymous, longer-lived and passwordless", alice, report, map[string]any{"type": "view", "scope": "anonymous", "expirationDateTime": near, "password": "p"}, 200, gs.DemoLegacyAnonymousLinkID, "anonymous", "", false},
		{"legacy edit, expiry later than asked", alice, report, map[string]any{"type": "edit", "scope": "organization", "expirationDateTime": near}, 200, gs.DemoLegacyEditLinkID, "organization", gs.DemoLegacyEditLinkExpiry, false},
		// the default scope is the tenant's: anonymous, with the legacy link
		{"default scope", alice, "/beta" + report, map[string]any{"type": "view"}, 200, gs.DemoLegacyAnonymousLinkID, "anonymous", "", false},
		// new anonymous links: the expiry is clamped silently, or set when none is asked
		{"clamped", bob, brand, map[string]any{"type": "view", "scope": "anonymous", "expirationDateTime": far}, 201, "", "anonymous", limit, false},
		{"expiry set", bob, brand, map[string]any{"type": "edit"}, 201, "", "anonymous", limit, false},
		{"shorter kept", bob, brand, map[string]any{"type": "blocksDownload", "scope": "anonymous", "expirationDateTime": near}, 201, "", "anonymous", near, false},
		{"organization not clamped", bob, brand, map[string]any{"type": "view", "scope": "organization", "expirationDateTime": far}, 201, "", "organization", far, false},
		// personal drives keep their own rules
		{"personal", carol, "/me/drive/items/" + gs.DemoTripID, map[string]any{"type": "view", "expirationDateTime": far}, 201, "", "anonymous", far, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.link(c.token, c.path, c.body, c.status)
			if (c.id != "" && r.s("id") != c.id) || r.s("link.scope") != c.scope || r.s("expirationDateTime") != c.exp || (r.get("hasPassword") == true) != c.password {
				t.Fatalf("answer: %s", r.raw)
			}
		})
	}
	// PATCH of an anonymous link's expiry is clamped too
	l := e.link(bob, "/sites/marketing/drive/items/"+gs.DemoSharedID, map[string]any{"type": "view", "scope": "anonymous"}, 201)
	p := e.do("PATCH", "/sites/marketing/drive/items/"+gs.DemoSharedID+"/permissions/"+l.s("id"), bob, map[string]any{"expirationDateTime": far}).must(t, 200)
	if p.s("expirationDateTime") != limit {
		t.Fatalf("PATCH not clamped: %s", p.raw)
	}
	// bad settings are refused by Validate
	for _, tn := range []gs.SeedTenant{
		{ID: "t", Name: "n", MaxLinkExpiryDays: -1}, {ID: "t", Name: "n", DefaultLinkScope: "users"}, {ID: "t", Name: "n", LinkReuse: "always"},
	} {
		if (gs.Seed{Tenant: tn}).Validate() == nil {
			t.Errorf("accepted %+v", tn)
		}
	}
}
