package ops

import (
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
)

// A scoped policy document works in the plugin's config as in the
// Lambda's: the route's drive and the host's appid choose the override.
func TestConfigScopedPolicy(t *testing.T) {
	doc := `{"default":{"denyAnonymous":true},"overrides":[` +
		`{"name":"open-drive","match":{"driveId":"b!open"},"policy":{}},` +
		`{"name":"kiosk-app","match":{"appid":"11111111-2222-4333-8444-555555555555"},"policy":{"allowedTypes":["view"]}}]}`
	config := func(appid string) *Config {
		keys := map[string]string{"policy": doc, "now": "2026-01-15T12:00:00Z", "appid": appid}
		cfg, err := ParseConfig(func(k string) (string, bool) { v, ok := keys[k]; return v, ok && v != "" }, nil)
		if err != nil {
			t.Fatal(err)
		}
		return &cfg
	}
	build := func(cfg *Config, path, body string) error {
		_, err := Do("build_request", []byte(`{"method":"POST","path":"`+path+`","body":`+body+`}`), cfg)
		return err
	}
	anon := `{"type":"view","scope":"anonymous"}`
	edit := `{"type":"edit","scope":"organization"}`
	for _, c := range []struct {
		name, appid, path, body, target string
	}{
		{"default refuses anonymous", "", "/drives/b!other/items/X/createLink", anon, "policy.denyAnonymous"},
		{"the drive's override allows it", "", "/drives/b!open/items/X/createLink", anon, ""},
		{"a route naming no drive gets the default", "", "/me/drive/items/X/createLink", anon, "policy.denyAnonymous"},
		{"the app's override", "11111111-2222-4333-8444-555555555555", "/me/drive/items/X/createLink", edit, "policy.allowedTypes"},
		{"the drive outranks the app", "11111111-2222-4333-8444-555555555555", "/drives/b!open/items/X/createLink", edit, ""},
	} {
		err := build(config(c.appid), c.path, c.body)
		got := ""
		if e := core.AsError(err); e != nil {
			got = e.Target
		}
		if got != c.target {
			t.Errorf("%s: %v, want target %q", c.name, err, c.target)
		}
	}
	keys := map[string]string{"appid": "bob@contoso.com"}
	if _, err := ParseConfig(func(k string) (string, bool) { v, ok := keys[k]; return v, ok }, nil); err == nil || !strings.Contains(err.Error(), "appid") {
		t.Errorf("an appid that is not an id: %v", err)
	}
}
