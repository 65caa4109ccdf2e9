package core

import "testing"

func TestParseQuery(t *testing.T) {
	tests := []struct {
		a      Action
		raw    string
		want   string
		target string // "" when accepted
	}{
		{ActionListPermissions, "", "", ""},
		{ActionListPermissions, "$select=id,roles,link", "?$select=id,roles,link", ""},
		{ActionGetItem, "%24select=name&x=1", "?$select=name", ""},
		{ActionGetPermission, "foo=bar&&", "", ""},
		{ActionListPermissions, "$top=5", "", "$top"},
		{ActionListPermissions, "$expand=children&$top=5", "", "$expand"},
		{ActionListPermissions, "$select=id&$select=roles", "", "$select"},
		{ActionListPermissions, "$select=id,", "", "$select"},
		{ActionListPermissions, "$select=id;drop", "", "$select"},
		{ActionListPermissions, "$select=1id", "", "$select"},
		{ActionCreateLink, "$select=id", "", "$select"},
		{ActionListPermissions, "$select=%zz", "", "query"},
		{ActionListPermissions, "$t%01p=1", "", "$option"},
	}
	for _, tt := range tests {
		got, err := ParseQuery(tt.a, tt.raw)
		if tt.target == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseQuery(%v, %q) = %q, %v; want %q", tt.a, tt.raw, got, err, tt.want)
			}
			continue
		}
		if e := AsError(err); e == nil || e.Target != tt.target || e.Status != 400 {
			t.Errorf("ParseQuery(%v, %q) error %v; want 400 target %q", tt.a, tt.raw, err, tt.target)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add("$select=id,roles&x=%20")
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := ParseQuery(ActionListPermissions, raw)
		if err != nil {
			if AsError(err).Target == "" {
				t.Fatalf("error without target for %q", raw)
			}
			return
		}
		for i := 0; i < len(out); i++ {
			if c := out[i]; c <= ' ' || c == '#' || c == '&' || c >= 0x7f {
				t.Fatalf("forwarded %q for %q", out, raw)
			}
		}
	})
}
