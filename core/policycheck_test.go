package core

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyNewKeys(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"requireScope":true,"allowedRoles":["read"],"retainInheritedPermissions":"pin-true",
		"mode":"shadow","modes":{"maxExpiryDays":"enforce","anonymous.requirePassword":"off"},"answer":"report","answers":{"denyAnonymous":"refuse"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !p.RequireScope || len(p.AllowedRoles) != 1 || p.RetainInherited != RetainPinTrue {
		t.Errorf("%+v", p)
	}
	if p.ModeOf(RuleAllowedTypes) != ModeShadow || p.ModeOf(RuleMaxExpiryDays) != ModeEnforce || p.ModeOf(RuleAnonymousRequirePassword) != ModeOff {
		t.Errorf("modes %v", p.Modes)
	}
	if p.Answers[RuleAllowedTypes] != AnswerReport || p.Answers[RuleDenyAnonymous] != AnswerRefuse {
		t.Errorf("answers %v", p.Answers)
	}
	for doc, target := range map[string]string{
		`{"allowedRoles":["owner"]}`:                             "policy.allowedRoles",
		`{"retainInheritedPermissions":"require"}`:               "policy.retainInheritedPermissions",
		`{"retainInheritedPermissions":true}`:                    "policy.retainInheritedPermissions",
		`{"mode":"audit"}`:                                       "policy.mode",
		`{"modes":{"maxExpiry":"off"}}`:                          "policy.modes.maxExpiry",
		`{"modes":{"maxExpiryDays":"warn"}}`:                     "policy.modes.maxExpiryDays",
		`{"modes":[]}`:                                           "policy.modes",
		`{"answers":{"denyAnonymous":"ignore"}}`:                 "policy.answers.denyAnonymous",
		`{"modes":{"denyAnonymous":"off","denyAnonymous":"on"}}`: "policy.modes.denyAnonymous",
		`{"requireScope":"yes"}`:                                 "policy.requireScope",
	} {
		_, err := ParsePolicy([]byte(doc))
		if e := AsError(err); e == nil || e.Target != target {
			t.Errorf("%s: %v, want target %s", doc, err, target)
		}
	}
	for r := Rule(0); r < RuleCount; r++ {
		if !knownTarget(r.Target()) {
			t.Errorf("%s is not a known log target", r.Target())
		}
	}
}

// Shadow: every rule evaluated, the request unchanged, the findings say
// what would have happened.
func TestShadowChangesNothing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p, _ := ParsePolicy([]byte(`{"mode":"shadow","denyAnonymous":true,"maxExpiryDays":10,"expiryAction":"clamp","retainInheritedPermissions":"pin-true","anonymous":{"requirePassword":true}}`))
	c := CreateLink{Type: TypeView, Scope: ScopeAnonymous, Expiration: now.Add(100 * 24 * time.Hour), RetainInherited: False}
	before := c
	adj, found, err := p.checkCreateLink(&c, now)
	if err != nil || len(adj) != 0 {
		t.Fatalf("shadow refused or adjusted: %v %v", err, adj)
	}
	if c.Expiration != before.Expiration || c.RetainInherited != False {
		t.Errorf("shadow changed the request: %+v", c)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.Rule.Name()+"="+f.Effect.String()+"/"+f.Mode.String())
	}
	want := "denyAnonymous=would-refuse/shadow maxExpiryDays=would-clamp/shadow anonymous.requirePassword=would-refuse/shadow retainInheritedPermissions=would-rewrite/shadow"
	if strings.Join(got, " ") != want {
		t.Errorf("findings\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// One rule enforced among shadows: it alone refuses.
	p.Modes[RuleAnonymousRequirePassword] = ModeEnforce
	if _, _, err := p.checkCreateLink(&c, now); err == nil || err.Target != "policy.anonymous.requirePassword" {
		t.Errorf("enforced rule: %v", err)
	}
	// Off: not evaluated at all.
	p.Modes[RuleAnonymousRequirePassword] = ModeOff
	p.Modes[RuleDenyAnonymous] = ModeOff
	_, found, _ = p.checkCreateLink(&c, now)
	for _, f := range found {
		if f.Rule == RuleAnonymousRequirePassword || f.Rule == RuleDenyAnonymous {
			t.Errorf("an off rule fired: %+v", f)
		}
	}
}

func TestCheckAnswerLink(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p, _ := ParsePolicy([]byte(`{"allowedTypes":["view"],"maxExpiryDays":30,"anonymous":{"requirePassword":true},"answers":{"allowedTypes":"report"}}`))
	sh, err := shapePermission(200, []byte(`{"id":"p1","roles":["write"],"link":{"type":"edit","scope":"anonymous","webUrl":"https://x.example/l"},"expirationDateTime":"2027-01-01T00:00:00Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Applied: Terms{Type: TypeView, Scope: ScopeAnonymous}}
	r := Route{Action: ActionCreateLink}
	a, cerr := CheckAnswer(&r, &req, &sh, &Context{Now: now, Policy: p})
	e := AsError(cerr)
	if e == nil || e.Status != 403 || e.Target != "policy.maxExpiryDays" || !strings.Contains(e.Message, "'p1'") {
		t.Fatalf("want a 403 naming maxExpiryDays and p1: %v", cerr)
	}
	if len(a.Findings) != 2 || a.Findings[0].Effect != EffectReported || a.Findings[0].Permission != "p1" {
		t.Errorf("findings %+v", a.Findings)
	}
	if len(a.Returned) != 1 || a.Returned[0].ID != "p1" || a.Returned[0].Scope != "anonymous" || !a.Returned[0].Write {
		t.Errorf("returned %+v", a.Returned)
	}
	if len(a.Adjusted) != 2 || a.Adjusted[0].Property != "type" || a.Adjusted[1].To != "2027-01-01T00:00:00Z" || a.Adjusted[1].By != AdjustedByGraph {
		t.Errorf("adjusted %+v", a.Adjusted)
	}
}
