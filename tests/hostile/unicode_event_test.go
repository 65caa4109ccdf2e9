package hostile_test

import "testing"

// TestDecodedUnicodePaths covers what the HTTP corpus cannot carry: API
// Gateway hands the function its path already percent-decoded, so a
// keyword spelled with 'ſ' (U+017F) or the Kelvin sign (U+212A) arrives
// as UTF-8, and so does a Graph host in a full-URL path. Unicode's case
// folding matches them to ASCII keywords and hosts; sharelink's must not.
// Each must be a 4xx Graph error with nothing sent upstream.
func TestDecodedUnicodePaths(t *testing.T) {
	send := eventSender(t)
	create := `{"type":"view","scope":"organization"}`
	grant := `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`
	for _, c := range []struct {
		name, method, path, body string
		status                   int
	}{
		{"long s in shares", "POST", "/v1.0/ſhares/" + shareID + "/permission/grant", grant, 404},
		{"long s in permission", "POST", "/v1.0/shares/" + shareID + "/permiſſion/grant", grant, 404},
		{"Kelvin sign in createLink", "POST", "/v1.0/me/drive/items/" + item + "/createLin\u212a", create, 404},
		{"long s in permissions", "GET", "/v1.0/me/drive/items/" + item + "/permiſſions", "", 404},
		{"long s in shares of a driveItem", "GET", "/ſhares/" + shareID + "/driveItem", "", 404},
		{"Kelvin sign in workbooks", "POST", "/v1.0/workbook\u212as/w1/createLink", create, 404},
		{"long s in users", "POST", "/v1.0/uſers/u1/drive/root/createLink", create, 404},
		{"long s in root:", "POST", "/v1.0/me/drive/rooſ:/Documents/Report.docx:/createLink", create, 404},
		{"dotless i in items", "POST", "/v1.0/me/drive/ıtems/" + item + "/createLink", create, 404},
		{"Turkish I in items", "POST", "/v1.0/me/drive/İtems/" + item + "/createLink", create, 404},
		{"fullwidth me", "POST", "/v1.0/ｍｅ/drive/items/" + item + "/createLink", create, 404},
		{"long s in the Graph host", "POST", "https://graph.microſoft.com/v1.0/me/drive/items/" + item + "/createLink", create, 400},
		{"Kelvin sign in a Graph host", "POST", "https://dod-graph.microsoft.u\u017f/v1.0/me/drive/items/" + item + "/createLink", create, 400},
		{"long s in https", "POST", "httpſ://graph.microsoft.com/v1.0/me/drive/items/" + item + "/createLink", create, 400},
		{"fullwidth Graph host", "POST", "https://ｇraph.microsoft.com/v1.0/me/drive/items/" + item + "/createLink", create, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			hd := map[string]string{"authorization": "Bearer " + token}
			if c.body != "" {
				hd["content-type"] = "application/json"
			}
			resp, _ := send(t, c.method, c.path, hd, c.body)
			if resp.StatusCode != c.status {
				t.Errorf("%d, want %d: %.300s", resp.StatusCode, c.status, resp.Body)
			}
		})
	}
}
