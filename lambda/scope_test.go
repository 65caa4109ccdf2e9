package lambda

import (
	"strings"
	"testing"

	"github.com/sharelink/sharelink/tests/graphsim"
)

// appToken is a delegated token of upn (alice or bob) through app.
func appToken(upn, oid, app string) string {
	return graphsim.Token(map[string]any{
		"aud": "00000003-0000-0000-c000-000000000000", "ver": "1.0", "idtyp": "user",
		"tid": graphsim.DemoTenantID, "appid": app, "scp": graphsim.DemoScopes,
		"upn": upn, "preferred_username": upn, "oid": oid,
	})
}

var scopedPolicy = `{
  "default": {"denyAnonymous": true},
  "overrides": [
    {"name": "intranet-app", "match": {"appid": "` + graphsim.DemoIntranetAppID + `"}, "policy": {}},
    {"name": "marketing", "match": {"site": "contoso.sharepoint.com,2c7a3f1e-8d4b-4e6a-b5c9-1f0e2d3c4b5a"}, "policy": {"allowedTypes": ["view"]}},
    {"name": "marketing-intranet", "match": {"site": "contoso.sharepoint.com", "appid": "` + strings.ToUpper(graphsim.DemoIntranetAppID) + `"}, "policy": {"requireScope": true}},
    {"name": "alice-drive", "match": {"driveId": "` + graphsim.DemoAliceDriveID + `"}, "policy": {"maxExpiryDays": 1}}
  ]
}`

// The most specific override wins: drive (8), site with a site id (4),
// hostname (2), appid (1), summed; none matching, the default.
func TestScopedPolicies(t *testing.T) {
	e := newPolicyEnv(t, scopedPolicy)
	intranetAlice := appToken(graphsim.DemoAliceUPN, graphsim.DemoAliceID, graphsim.DemoIntranetAppID)
	intranetBob := appToken(graphsim.DemoBobUPN, graphsim.DemoBobID, graphsim.DemoIntranetAppID)
	budget := "/v1.0/me/drive/items/" + graphsim.DemoBudgetID + "/createLink"
	byDrive := "/v1.0/drives/" + graphsim.DemoAliceDriveID + "/items/" + graphsim.DemoBudgetID + "/createLink"
	for _, c := range []struct {
		name, token, path, body string
		status                  int
		rule                    string
	}{
		{"default", e.token, budget, `{"type":"view","scope":"anonymous"}`, 403, "policy.denyAnonymous"},
		{"appid override", intranetAlice, budget, `{"type":"view","scope":"anonymous"}`, 201, ""},
		{"site override", bobToken, brandLinks, `{"type":"edit","scope":"organization"}`, 403, "policy.allowedTypes"},
		{"site id beats hostname and appid", intranetBob, brandLinks, `{"type":"edit","scope":"organization"}`, 403, "policy.allowedTypes"},
		{"site override allows what it lists", intranetBob, strings.Replace(brandLinks, "/v1.0/", "/beta/", 1), `{"type":"view"}`, 201, ""},
		{"drive override", intranetAlice, byDrive, `{"type":"view","scope":"organization","expirationDateTime":"` + days(2) + `"}`, 403, "policy.maxExpiryDays"},
		{"the same drive by /me: not named, the appid's", intranetAlice, budget, `{"type":"edit","scope":"organization","expirationDateTime":"` + days(2) + `"}`, 201, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.as(c.token, req{method: "POST", path: c.path, body: c.body})
			if r.StatusCode != c.status || r.errTarget() != c.rule {
				t.Fatalf("%d %s, want %d %s", r.StatusCode, r.Body, c.status, c.rule)
			}
		})
	}
}

// A bad override stops the function, naming it.
func TestScopedPolicyConfigErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`{"default":{},"overrides":[{"match":{"appid":"a"},"policy":{"maxExpiryDays":0}}]}`:                    "policy.overrides[0].policy.maxExpiryDays",
		`{"default":{},"overrides":[{"match":{},"policy":{}}]}`:                                                "policy.overrides[0].match",
		`{"default":{},"overrides":[{"match":{"tenant":"x"},"policy":{}}]}`:                                    "policy.overrides[0].match.tenant",
		`{"default":{},"overrides":[{"match":{"site":"marketing"},"policy":{}}]}`:                              "policy.overrides[0].match.site",
		`{"default":{},"overrides":[{"match":{"appid":"a"},"policy":{}},{"match":{"appid":"A"},"policy":{}}]}`: "policy.overrides[1].match",
		`{"default":{"denyAnonymus":true}}`:                                                                    "policy.default.denyAnonymus",
		`{"default":{},"maxExpiryDays":3}`:                                                                     "policy.maxExpiryDays",
		`{"overrides":[{"name":"a b","match":{"appid":"a"},"policy":{}}]}`:                                     "policy.overrides[0].name",
		`{"overrides":[{"match":{"appid":"a"}}]}`:                                                              "policy.overrides[0].policy",
	} {
		_, err := LoadConfig(func(k string) string {
			if k == EnvPolicy {
				return doc
			}
			return ""
		}, nil)
		if err == nil || !strings.Contains(err.Error(), EnvPolicy) || !strings.Contains(err.Error(), "("+want+")") {
			t.Errorf("%s: %v, want an error naming %s", doc, err, want)
		}
	}
	// The flat document is still the default with no overrides.
	c, err := LoadConfig(func(k string) string {
		if k == EnvPolicy {
			return `{"denyAnonymous":true}`
		}
		return ""
	}, nil)
	if err != nil || c.Policy == nil || !c.Policy.DenyAnonymous || c.Policies == nil || len(c.Policies.Overrides) != 0 {
		t.Fatalf("flat policy: %v %+v", err, c.Policy)
	}
}
