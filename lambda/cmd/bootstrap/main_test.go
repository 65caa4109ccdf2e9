package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // in the log line; "" means it starts
	}{
		{"defaults", nil, ""},
		{"policy", map[string]string{"SHARELINK_POLICY": `{"denyAnonymous":true}`}, ""},
		{"bad policy", map[string]string{"SHARELINK_POLICY": `{"denyAnonymous":1}`}, "policy.denyAnonymous"},
		{"missing policy file", map[string]string{"SHARELINK_POLICY_FILE": "/nonexistent/policy.json"}, "SHARELINK_POLICY_FILE"},
		{"bad base URL", map[string]string{"GRAPH_BASE_URL": "graph.microsoft.com"}, "GRAPH_BASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h, err := setup(func(k string) string { return tt.env[k] }, os.ReadFile, &logs)
			if tt.want == "" {
				if err != nil || h == nil {
					t.Fatalf("%v %s", err, logs.String())
				}
				return
			}
			if err == nil {
				t.Fatal("started with a bad configuration")
			}
			var line map[string]any
			if json.Unmarshal(logs.Bytes(), &line) != nil || line["level"] != "ERROR" || !strings.Contains(line["error"].(string), tt.want) {
				t.Fatalf("log %q does not say %q", logs.String(), tt.want)
			}
		})
	}
}
