package core

import "testing"

func TestPolicySetFor(t *testing.T) {
	ps, err := ParsePolicySet([]byte(`{"default":{"denyAnonymous":true},"overrides":[
		{"name":"app","match":{"appid":"AA"},"policy":{"maxRecipients":1}},
		{"name":"host","match":{"site":"Contoso.sharepoint.com"},"policy":{"maxRecipients":2}},
		{"name":"host-app","match":{"site":"contoso.sharepoint.com","appid":"aa"},"policy":{"maxRecipients":3}},
		{"name":"site","match":{"site":"contoso.sharepoint.com,S1"},"policy":{"maxRecipients":4}},
		{"name":"drive","match":{"driveId":"b!D"},"policy":{"maxRecipients":5}},
		{"name":"drive-app","match":{"driveId":"b!D","appid":"aa"},"policy":{"maxRecipients":6}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    Subject
		want string
	}{
		{Subject{}, "default"},
		{Subject{AppID: "aa"}, "app"},
		{Subject{AppID: "bb", Host: "contoso.sharepoint.com"}, "host"},
		{Subject{AppID: "aa", Host: "contoso.sharepoint.com"}, "host-app"},
		{Subject{AppID: "aa", Host: "contoso.sharepoint.com", SiteID: "s1"}, "site"},
		{Subject{DriveID: "b!D"}, "drive"},
		{Subject{DriveID: "b!d"}, "default"}, // drive ids are compared exactly
		{Subject{DriveID: "b!D", AppID: "AA"}, "drive-app"},
	} {
		if _, name := ps.For(c.s); name != c.want {
			t.Errorf("%+v: %s, want %s", c.s, name, c.want)
		}
	}
	for path, want := range map[string]Subject{
		"/v1.0/drives/b!D/items/X/createLink":                            {DriveID: "b!D"},
		"/v1.0/sites/Contoso.SharePoint.com,S1,W1/drive/root/createLink": {Host: "contoso.sharepoint.com", SiteID: "s1"},
		"/v1.0/sites/marketing/drive/root/createLink":                    {},
		"/v1.0/me/drive/items/X/createLink":                              {},
	} {
		r, err := ParseRouteVersion("POST", path, V1)
		if err != nil {
			t.Fatal(err)
		}
		if got := RouteSubject(&r); got != want {
			t.Errorf("%s: %+v, want %+v", path, got, want)
		}
	}
	flat, err := ParsePolicySet([]byte(`{"denyAnonymous":true}`))
	if err != nil || !flat.Default.DenyAnonymous || len(flat.Overrides) != 0 {
		t.Errorf("flat: %v", err)
	}
}
