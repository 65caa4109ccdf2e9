// Package crosscheck sets core against graphsim: two independent readings
// of Graph's sharing docs. Where they disagree, one of them is wrong.
package crosscheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

type target struct {
	name   string
	drive  core.DriveType
	kind   core.ItemKind
	upn    string
	itemID string
}

// TestPlatformRulesAgree sends every link type × scope to a business file
// and folder and a personal file and folder: core (told the drive and item
// kind) and graphsim (which knows them) must accept and refuse alike.
func TestPlatformRulesAgree(t *testing.T) {
	_, base := graphsimtest.Serve(t)
	targets := []target{
		{"business-file", core.DriveBusiness, core.ItemFile, graphsim.DemoAliceUPN, graphsim.DemoReportID},
		{"business-folder", core.DriveBusiness, core.ItemFolder, graphsim.DemoAliceUPN, graphsim.DemoPlansID},
		{"personal-file", core.DrivePersonal, core.ItemFile, graphsim.DemoCarolUPN, graphsim.DemoTripID},
		{"personal-folder", core.DrivePersonal, core.ItemFolder, graphsim.DemoCarolUPN, graphsim.DemoPhotosID},
	}
	types := []string{"view", "edit", "embed", "review", "blocksDownload", "createOnly", "addressBar", "adminDefault"}
	scopes := []string{"", "anonymous", "organization", "users"}
	now := time.Now()
	checked := 0
	for _, tg := range targets {
		token := graphsim.DemoToken(tg.upn)
		for _, typ := range types {
			for _, scope := range scopes {
				body := `{"type":"` + typ + `"`
				if scope != "" {
					body += `,"scope":"` + scope + `"`
				}
				if scope == "users" {
					body += `,"recipients":[{"email":"bob@contoso.com"}]`
				}
				body += "}"
				name := fmt.Sprintf("%s/%s/%s", tg.name, typ, scope)
				route, err := core.ParseRoute("POST", "/v1.0/me/drive/items/"+tg.itemID+"/createLink")
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				req, coreErr := core.BuildCreateLink(&route, []byte(body), &core.Context{Now: now, DriveType: tg.drive, ItemKind: tg.kind})
				sendBody := []byte(body)
				if coreErr == nil {
					sendBody = req.Body
				}
				status, resp := post(t, base+route.Upstream, token, sendBody)
				simOK := status == 200 || status == 201
				switch {
				case coreErr == nil && !simOK:
					t.Errorf("%s: core accepts, graphsim answers %d %s", name, status, resp)
				case coreErr != nil && simOK:
					t.Errorf("%s: core refuses (%v), graphsim answers %d", name, coreErr, status)
				case coreErr != nil && status != core.AsError(coreErr).Status:
					t.Errorf("%s: core refuses with %d, graphsim with %d %s", name, core.AsError(coreErr).Status, status, resp)
				}
				checked++
			}
		}
	}
	if checked != len(targets)*len(types)*len(scopes) {
		t.Fatalf("checked %d combinations", checked)
	}
}

// TestShareIDsResolve encodes graphsim's link URLs with core: graphsim,
// decoding on its own, must find the item.
func TestShareIDsResolve(t *testing.T) {
	_, base := graphsimtest.Serve(t)
	for _, tc := range []struct{ upn, item, body string }{
		{graphsim.DemoAliceUPN, graphsim.DemoReportID, `{"type":"view","scope":"organization"}`},
		{graphsim.DemoAliceUPN, graphsim.DemoPlansID, `{"type":"edit","scope":"anonymous"}`},
		{graphsim.DemoCarolUPN, graphsim.DemoTripID, `{"type":"embed"}`},
	} {
		token := graphsim.DemoToken(tc.upn)
		status, resp := post(t, base+"/v1.0/me/drive/items/"+tc.item+"/createLink", token, []byte(tc.body))
		if status != 201 {
			t.Fatalf("createLink: %d %s", status, resp)
		}
		shaped, err := core.ShapePermission(status, resp)
		if err != nil || !shaped.Created {
			t.Fatalf("shape: %v %+v", err, shaped)
		}
		var p struct {
			Link struct{ WebURL string } `json:"link"`
		}
		if err := json.Unmarshal(shaped.Body, &p); err != nil || p.Link.WebURL == "" {
			t.Fatalf("no webUrl in %s", shaped.Body)
		}
		id := core.EncodeSharingURL(p.Link.WebURL)
		route, err := core.ParseRoute("GET", "/shares/"+id+"/driveItem")
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", base+route.Upstream, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		item, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.Contains(item, []byte(tc.item)) {
			t.Errorf("%s: /shares/%s/driveItem → %d %s", p.Link.WebURL, id, res.StatusCode, item)
		}
	}
}

func post(t *testing.T, url, token string, body []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}
