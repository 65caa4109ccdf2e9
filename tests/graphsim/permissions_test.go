package graphsim_test

import (
	"testing"

	gs "github.com/sharelink/sharelink/tests/graphsim"
)

// byID indexes a permission list.
func byID(r *resp) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, p := range r.values() {
		out[str(p, "id")] = p
	}
	return out
}

func TestPermissionsOwnerAndInheritance(t *testing.T) {
	e := newEnv(t)
	q3 := "/me/drive/items/" + gs.DemoQ3ID
	r := e.do("GET", q3+"/permissions", alice, nil).must(t, 200)
	v := r.values()
	if len(v) != 2 {
		t.Fatalf("want owner + bob's inherited grant: %s", r.raw)
	}
	if roles(v[0]) != "owner" || str(v[0], "grantedToV2.user.id") != gs.DemoAliceID || str(v[0], "grantedTo.user.displayName") != "Alice Smith" || v[0]["inheritedFrom"] != nil {
		t.Fatalf("owner: %v", v[0])
	}
	if str(v[1], "grantedToV2.user.id") != gs.DemoBobID || roles(v[1]) != "write" ||
		str(v[1], "inheritedFrom.id") != gs.DemoPlansID || str(v[1], "inheritedFrom.driveId") != gs.DemoAliceDriveID ||
		str(v[1], "inheritedFrom.path") != "/drives/"+gs.DemoAliceDriveID+"/root:/Documents/Plans" {
		t.Fatalf("inherited grant: %v", v[1])
	}
	// a link on /Documents shows on its children, inherited
	l := e.link(alice, "/me/drive/items/"+gs.DemoDocumentsID, view("organization"), 201)
	for _, id := range []string{gs.DemoReportID, gs.DemoQ3ID, gs.DemoPlansID} {
		p := byID(e.do("GET", "/me/drive/items/"+id+"/permissions", alice, nil).must(t, 200))[l.s("id")]
		if p == nil || str(p, "inheritedFrom.id") != gs.DemoDocumentsID || str(p, "link.webUrl") != l.s("link.webUrl") {
			t.Fatalf("%s: inherited link missing: %v", id, p)
		}
	}
	// one permission, read alone
	one := e.do("GET", q3+"/permissions/"+str(v[1], "id"), alice, nil).must(t, 200)
	if one.s("inheritedFrom.id") != gs.DemoPlansID {
		t.Fatalf("single permission: %s", one.raw)
	}
	e.do("GET", q3+"/permissions/nope", alice, nil).graphErr(t, 404, "itemNotFound")
	// site libraries show their site groups
	lib := e.do("GET", "/sites/marketing/drive/items/"+gs.DemoBrandID+"/permissions", bob, nil).must(t, 200).values()
	if len(lib) != 1 || str(lib[0], "grantedToV2.siteGroup.displayName") != "Marketing Members" || roles(lib[0]) != "write" {
		t.Fatalf("library permissions: %v", lib)
	}
}

func TestRetainInheritedPermissionsFalse(t *testing.T) {
	e := newEnv(t)
	q3 := "/me/drive/items/" + gs.DemoQ3ID
	docLink := e.link(alice, "/me/drive/items/"+gs.DemoDocumentsID, view("organization"), 201)
	// bob sees Q3 through his inherited grant
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoQ3ID, bob, nil).must(t, 200)
	r := e.link(alice, q3, map[string]any{"type": "edit", "scope": "anonymous", "retainInheritedPermissions": false}, 201)
	perms := byID(e.do("GET", q3+"/permissions", alice, nil).must(t, 200))
	if len(perms) != 2 || perms[r.s("id")] == nil || perms[docLink.s("id")] != nil {
		t.Fatalf("after retainInheritedPermissions:false, want owner + new link only: %v", perms)
	}
	// bob lost Q3 (and so did the /Documents link) but keeps the folder
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoQ3ID, bob, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoPlansID, bob, nil).must(t, 200)
	kids := e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoPlansID+"/children", bob, nil).must(t, 200)
	if len(kids.values()) != 0 {
		t.Fatalf("bob still lists Q3: %s", kids.raw)
	}
	// only the first share breaks inheritance
	report := "/me/drive/items/" + gs.DemoReportID
	e.link(alice, report, view("anonymous"), 201)
	e.link(alice, report, map[string]any{"type": "edit", "scope": "anonymous", "retainInheritedPermissions": false}, 201)
	if byID(e.do("GET", report+"/permissions", alice, nil).must(t, 200))[docLink.s("id")] == nil {
		t.Fatal("a later share must not remove inherited permissions")
	}
	// true (the default) keeps them
	e.link(alice, "/me/drive/items/"+gs.DemoBudgetID, map[string]any{"type": "edit", "scope": "anonymous", "retainInheritedPermissions": true}, 201)
	if byID(e.do("GET", "/me/drive/items/"+gs.DemoBudgetID+"/permissions", alice, nil).must(t, 200))[docLink.s("id")] == nil {
		t.Fatal("retainInheritedPermissions:true removed inherited permissions")
	}
}

// A user who can share only through an inherited grant keeps that right
// when breaking inheritance.
func TestRetainFalseKeepsSharer(t *testing.T) {
	e := newEnv(t)
	q3 := "/drives/" + gs.DemoAliceDriveID + "/items/" + gs.DemoQ3ID
	e.link(bob, q3, map[string]any{"type": "view", "scope": "organization", "retainInheritedPermissions": false}, 201)
	perms := e.do("GET", q3+"/permissions", bob, nil).must(t, 200).values()
	if len(perms) != 3 || str(perms[1], "grantedToV2.user.id") != gs.DemoBobID || perms[1]["inheritedFrom"] != nil {
		t.Fatalf("bob's direct grant: %v", perms)
	}
}

func TestDeletePermission(t *testing.T) {
	e := newEnv(t)
	report := "/me/drive/items/" + gs.DemoReportID
	l := e.link(alice, report, view("anonymous"), 201)
	e.do("GET", "/shares/"+l.s("shareId")+"/driveItem", bob, nil).must(t, 200)
	r := e.do("DELETE", report+"/permissions/"+l.s("id"), alice, nil).must(t, 204)
	if len(r.raw) != 0 {
		t.Fatalf("204 with a body: %s", r.raw)
	}
	if byID(e.do("GET", report+"/permissions", alice, nil).must(t, 200))[l.s("id")] != nil {
		t.Fatal("deleted link still listed")
	}
	e.do("GET", "/shares/"+l.s("shareId")+"/driveItem", bob, nil).graphErr(t, 404, "itemNotFound")
	e.do("GET", "/shares/"+gs.EncodeSharingURL(l.s("link.webUrl"))+"/driveItem", alice, nil).graphErr(t, 404, "itemNotFound")
	e.do("DELETE", report+"/permissions/"+l.s("id"), alice, nil).graphErr(t, 404, "itemNotFound")
	// a new link of the same kind is created afresh
	if n := e.link(alice, report, view("anonymous"), 201); n.s("id") == l.s("id") {
		t.Fatal("reused a deleted id")
	}
	// owner: 403; inherited: 400; someone else's item: 404
	perms := e.do("GET", "/me/drive/items/"+gs.DemoQ3ID+"/permissions", alice, nil).must(t, 200).values()
	e.do("DELETE", "/me/drive/items/"+gs.DemoQ3ID+"/permissions/"+str(perms[0], "id"), alice, nil).graphErr(t, 403, "accessDenied")
	e.do("DELETE", "/me/drive/items/"+gs.DemoQ3ID+"/permissions/"+str(perms[1], "id"), alice, nil).graphErr(t, 400, "invalidRequest")
	e.do("DELETE", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoReportID+"/permissions/"+str(perms[0], "id"), bob, nil).graphErr(t, 404, "itemNotFound")
	// deleting bob's grant where it is set takes Q3 from him
	e.do("DELETE", "/me/drive/items/"+gs.DemoPlansID+"/permissions/"+str(perms[1], "id"), alice, nil).must(t, 204)
	e.do("GET", "/drives/"+gs.DemoAliceDriveID+"/items/"+gs.DemoQ3ID, bob, nil).graphErr(t, 404, "itemNotFound")
	// the seeded link of another app can be deleted by the owner, through any address form
	e.do("DELETE", "/me/drive/root:/Documents/Budget.xlsx:/permissions/c1a5e0b2-7d4f-4e3a-9b8c-2f1e0d9c8b7a", alice, nil).must(t, 204)
	counts := e.sim.Requests()
	if counts["DELETE permission"] != 7 || counts["GET permissions"] != 2 {
		t.Fatalf("counters: %v", counts)
	}
}
