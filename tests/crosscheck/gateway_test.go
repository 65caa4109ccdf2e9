package crosscheck

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

// send is one request to graphsim with extra headers.
func send(t *testing.T, method, url, token string, body []byte, hdr map[string]string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// agree builds method path body with core and sends it to graphsim (core's
// request when core accepts, the caller's body when it refuses): both must
// accept, or both refuse with the same status. An accepted answer must
// shape. It returns graphsim's answer.
func agree(t *testing.T, base, token, method, path, body string, ctx *core.Context, hdr map[string]string) (int, http.Header, []byte, core.Response) {
	t.Helper()
	if ctx == nil {
		ctx = &core.Context{Now: time.Now()}
	}
	if hdr != nil {
		ctx.Header = func(n string) string { return hdr[n] }
	}
	route, err := core.ParseRoute(method, path)
	if err != nil {
		t.Fatalf("%s %s: route: %v", method, path, err)
	}
	var in []byte
	if body != "" {
		in = []byte(body)
	}
	req, coreErr := core.Build(&route, in, ctx)
	sendBody, sendHdr, url := in, hdr, base+route.Upstream
	if coreErr == nil {
		sendBody, sendHdr = req.Body, map[string]string{}
		for _, kv := range req.Headers {
			sendHdr[kv[0]] = kv[1]
		}
	}
	status, h, resp := send(t, method, url, token, sendBody, sendHdr)
	simOK := status >= 200 && status < 300 || status == 304
	switch {
	case coreErr == nil && status == http.StatusPreconditionFailed && sendHdr["If-Match"] != "":
		// a precondition is Graph's state, not a rule core could apply
	case coreErr == nil && !simOK:
		t.Errorf("%s %s %s: core accepts, graphsim answers %d %s", method, path, body, status, resp)
	case coreErr != nil && simOK:
		t.Errorf("%s %s %s: core refuses (%v), graphsim answers %d", method, path, body, coreErr, status)
	case coreErr != nil && status != core.AsError(coreErr).Status:
		t.Errorf("%s %s %s: core refuses with %d (%v), graphsim with %d %s", method, path, body, core.AsError(coreErr).Status, coreErr, status, resp)
	}
	var shaped core.Response
	if coreErr == nil && simOK {
		shaped, err = core.Shape(&route, status, resp)
		if err != nil {
			t.Errorf("%s %s: graphsim's %d answer does not shape: %v\n%s", method, path, status, err, resp)
		}
	}
	return status, h, resp, shaped
}

// TestGatewayActionsAgree sets core's invite, permission update and
// revokeGrants rules against graphsim's, on several item forms: the same
// bodies accepted and refused, conditional headers honoured (304, 412),
// every answer shaped.
func TestGatewayActionsAgree(t *testing.T) {
	_, base := graphsimtest.Serve(t)
	alice := graphsim.DemoToken(graphsim.DemoAliceUPN)
	forms := []string{
		"/v1.0/me/drive/items/" + graphsim.DemoReportID,
		"/v1.0/drives/" + graphsim.DemoAliceDriveID + "/items/" + graphsim.DemoReportID,
		"/beta/me/drive/root:/Documents/Report.docx:",
		"/v1.0/users/" + graphsim.DemoAliceUPN + "/drive/items/" + graphsim.DemoReportID,
		"/v1.0/sites/" + graphsim.DemoMarketingSiteID + "/lists/" + graphsim.DemoMarketingListID + "/items/" + graphsim.DemoBrandListItemID + "/driveItem",
		"/beta/sites/" + graphsim.DemoMarketingSiteID + "/drive/items/" + graphsim.DemoBrandID,
	}
	future := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	invites := []string{
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`,
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["write"],"requireSignIn":true,"sendInvitation":false,"message":"hi","retainInheritedPermissions":true}`,
		`{"recipients":[{"email":"guest@fabrikam.com"}],"roles":["read"],"expirationDateTime":"` + future + `"}`,
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["owner"]}`,
		`{"recipients":[],"roles":["read"]}`,
		`{"recipients":[{"email":"bob@contoso.com"}]}`,
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"],"scope":"users"}`,
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"],"expirationDateTime":"2001-01-01T00:00:00Z"}`,
		`{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"],"message":"` + strings.Repeat("x", 2001) + `"}`,
		`{"recipients":[{"email":"not-an-address"}],"roles":["read"]}`,
	}
	checked := 0
	for _, item := range forms {
		for _, body := range invites {
			agree(t, base, alice, "POST", item+"/invite", body, nil, nil)
			checked++
		}
		// a password on a business drive: core knows when told the drive
		agree(t, base, alice, "POST", item+"/microsoft.graph.invite", `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"],"password":"p"}`,
			&core.Context{Now: time.Now(), DriveType: core.DriveBusiness}, nil)
		checked++

		// bob's grant: update it, with and without preconditions
		status, _, resp, shaped := agree(t, base, alice, "POST", item+"/invite", `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`, nil, nil)
		if status != 200 {
			t.Fatalf("%s: invite %d %s", item, status, resp)
		}
		var coll struct {
			Value []struct {
				ID string `json:"id"`
			} `json:"value"`
		}
		if err := json.Unmarshal(shaped.Body, &coll); err != nil || len(coll.Value) == 0 {
			t.Fatalf("%s: shaped invite answer %s", item, shaped.Body)
		}
		perm := item + "/permissions/" + coll.Value[0].ID
		status, h, resp, _ := agree(t, base, alice, "GET", perm, "", nil, nil)
		tag := h.Get("ETag")
		if status != 200 || tag == "" {
			t.Fatalf("%s: GET %d %s", perm, status, resp)
		}
		if _, err := core.CheckConditional("ETag", tag); err != nil {
			t.Errorf("graphsim's ETag %q is not an entity tag to core: %v", tag, err)
		}
		if status, _, _, r := agree(t, base, alice, "GET", perm, "", nil, map[string]string{"If-None-Match": tag}); status != 304 || r.Status != 304 || r.Body != nil {
			t.Errorf("%s: If-None-Match: graphsim %d, shaped %d %q", perm, status, r.Status, r.Body)
		}
		if status, _, _, _ := agree(t, base, alice, "PATCH", perm, `{"roles":["write"]}`, nil, map[string]string{"If-Match": `"{00000000-0000-0000-0000-000000000000},1"`}); status != 412 {
			t.Errorf("%s: stale If-Match: graphsim %d", perm, status)
		}
		for _, body := range []string{`{"roles":["write"]}`, `{}`, `{"link":{"type":"view"}}`, `{"roles":null}`, `{"roles":["owner"]}`, `{"roles":[]}`, `{"roles":["write"],"id":"x"}`} {
			agree(t, base, alice, "PATCH", perm, body, nil, map[string]string{"If-Match": "*"})
			checked++
		}
		if status, _, resp, r := agree(t, base, alice, "PATCH", perm, `{"roles":["read"]}`, nil, map[string]string{"If-Match": tag}); status != 412 || r.Status != 0 {
			// the tag of before the write: stale
			t.Errorf("%s: If-Match of an older version: %d %s", perm, status, resp)
		}

		// a users link, then its grantee revoked
		link := strings.Replace(item, "/v1.0/", "/beta/", 1) + "/createLink"
		lr, _ := core.ParseRoute("POST", link)
		lq, err := core.Build(&lr, []byte(`{"type":"view","scope":"users","recipients":[{"email":"bob@contoso.com"}]}`), &core.Context{Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		status, resp = post(t, base+lr.Upstream, alice, lq.Body)
		if status != 201 {
			t.Fatalf("%s: createLink %d %s", link, status, resp)
		}
		var p struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(resp, &p)
		// revokeGrants under the item's own version: v1.0 and beta both
		// serve it (permission-revokegrants has a v1.0 page)
		revoke := item + "/permissions/" + p.ID + "/revokeGrants"
		for _, body := range []string{`{"grantees":[]}`, `{}`, `{"grantees":[{"email":"bob@contoso.com","alias":"bob"}]}`, `{"grantees":[{"email":"bob@contoso.com"}],"x":1}`,
			`{"grantees":[{"email":"bob@contoso.com"}]}`} {
			agree(t, base, alice, "POST", revoke, body, nil, nil)
			checked++
		}
		if _, _, _, r := agree(t, base, alice, "POST", strings.Replace(revoke, "/revokeGrants", "/microsoft.graph.revokeGrants", 1), `{"grantees":[{"email":"carol@contoso.com"}]}`, nil, nil); r.Status != 200 {
			t.Errorf("%s: qualified revokeGrants answered %d", revoke, r.Status)
		}
	}
	// the root of a personal drive: core refuses when told, as graphsim does
	carol := graphsim.DemoToken(graphsim.DemoCarolUPN)
	agree(t, base, carol, "POST", "/v1.0/me/drive/root/invite", `{"recipients":[{"email":"bob@contoso.com"}],"roles":["read"]}`, &core.Context{Now: time.Now(), DriveType: core.DrivePersonal}, nil)
	t.Logf("%d bodies checked on %d item forms", checked, len(forms))
}
