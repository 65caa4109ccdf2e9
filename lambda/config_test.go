package lambda

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
)

func TestLoadConfig(t *testing.T) {
	files := map[string]string{"/etc/policy.json": `{"denyAnonymous":true}`, "/etc/bad.json": `{"denyAnonymous":"yes"}`}
	readFile := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("open " + name + ": no such file or directory")
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // substring; "" means no error
		check   func(t *testing.T, c Config)
	}{
		{"defaults", nil, "", func(t *testing.T, c Config) {
			if c.GraphBaseURL != "https://graph.microsoft.com" || c.Policy != nil || c.MaxAttempts != 4 || c.MaxBody != 1<<20 {
				t.Errorf("%+v", c)
			}
		}},
		{"base URL with a path and a slash", map[string]string{"GRAPH_BASE_URL": "http://127.0.0.1:9000/graph/"}, "", func(t *testing.T, c Config) {
			if c.GraphBaseURL != "http://127.0.0.1:9000/graph" {
				t.Errorf("%q", c.GraphBaseURL)
			}
		}},
		{"policy inline", map[string]string{"SHARELINK_POLICY": `{"maxExpiryDays":30}`}, "", func(t *testing.T, c Config) {
			if c.Policy == nil || c.Policy.MaxExpiry != 30*24*time.Hour {
				t.Errorf("%+v", c.Policy)
			}
		}},
		{"policy file", map[string]string{"SHARELINK_POLICY_FILE": "/etc/policy.json"}, "", func(t *testing.T, c Config) {
			if c.Policy == nil || !c.Policy.DenyAnonymous {
				t.Errorf("%+v", c.Policy)
			}
		}},
		{"all knobs", map[string]string{"SHARELINK_API_VERSION": "beta", "SHARELINK_BASE_PATH": "/prod", "SHARELINK_UPSTREAM_TIMEOUT": "3s",
			"SHARELINK_REQUEST_TIMEOUT": "20s", "SHARELINK_MAX_ATTEMPTS": "2", "SHARELINK_MAX_BODY_BYTES": "65536"}, "", func(t *testing.T, c Config) {
			if c.DefaultVersion != core.Beta || c.BasePath != "/prod" || c.AttemptTimeout != 3*time.Second || c.RequestTimeout != 20*time.Second || c.MaxAttempts != 2 || c.MaxBody != 65536 {
				t.Errorf("%+v", c)
			}
		}},
		{"bad policy JSON", map[string]string{"SHARELINK_POLICY": `{"denyAnonymous":true`}, "SHARELINK_POLICY", nil},
		{"unknown rule", map[string]string{"SHARELINK_POLICY": `{"denyAnonymus":true}`}, "policy.denyAnonymus", nil},
		{"bad rule value in a file", map[string]string{"SHARELINK_POLICY_FILE": "/etc/bad.json"}, "SHARELINK_POLICY_FILE (/etc/bad.json)", nil},
		{"missing policy file", map[string]string{"SHARELINK_POLICY_FILE": "/etc/none.json"}, "no such file", nil},
		{"both policies", map[string]string{"SHARELINK_POLICY": `{}`, "SHARELINK_POLICY_FILE": "/etc/policy.json"}, "both set", nil},
		{"base URL scheme", map[string]string{"GRAPH_BASE_URL": "ftp://graph"}, "GRAPH_BASE_URL", nil},
		{"base URL query", map[string]string{"GRAPH_BASE_URL": "https://graph.microsoft.com/?x=1"}, "GRAPH_BASE_URL", nil},
		{"base URL no host", map[string]string{"GRAPH_BASE_URL": "https:///v1.0"}, "no host", nil},
		{"version", map[string]string{"SHARELINK_API_VERSION": "v2"}, "SHARELINK_API_VERSION", nil},
		{"base path", map[string]string{"SHARELINK_BASE_PATH": "prod"}, "SHARELINK_BASE_PATH", nil},
		{"timeout", map[string]string{"SHARELINK_UPSTREAM_TIMEOUT": "10"}, "SHARELINK_UPSTREAM_TIMEOUT", nil},
		{"attempts", map[string]string{"SHARELINK_MAX_ATTEMPTS": "0"}, "SHARELINK_MAX_ATTEMPTS", nil},
		{"body", map[string]string{"SHARELINK_MAX_BODY_BYTES": "1e9"}, "SHARELINK_MAX_BODY_BYTES", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(func(k string) string { return tt.env[k] }, readFile)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, c)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
			}
		})
	}
}

// TestBasePath: a stage prefix is stripped before the route is parsed.
func TestBasePath(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BasePath = "/prod" })
	resp := e.do(req{path: "/prod/v1.0/me/drive/items/01MISSING/permissions"})
	if resp.StatusCode != 404 || e.sim.Total() != 1 {
		t.Fatalf("%d %s (upstream %d)", resp.StatusCode, resp.Body, e.sim.Total())
	}
	if resp := e.do(req{path: "/production/v1.0/me/drive"}); resp.StatusCode != 404 || e.sim.Total() != 1 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
}

// TestZeroConfig: a Config built by hand with only the base URL works.
func TestZeroConfig(t *testing.T) {
	e := newEnv(t)
	h := New(Config{GraphBaseURL: e.base + "/"}, WithLogger(NewLogger(io.Discard)))
	resp, _ := h.Handle(context.Background(), e.event(req{path: "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/permissions"}))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
}
