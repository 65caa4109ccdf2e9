package graphsim

import "strings"

// The demo tenant's well-known ids (a contract: tests and the README use
// them). Items not listed here are found with Sim.ItemID.
const (
	DemoTenantID   = "8f3d2c1a-4b5e-4f60-9a7b-0c1d2e3f4a5b"
	DemoTenantName = "contoso"

	// DemoAppID is the application of DemoToken and DemoAppToken.
	DemoAppID   = "5e0c8f7a-3d2b-4c1e-9f8a-7b6c5d4e3f21"
	DemoAppName = "sharelink demo"
	// DemoAppObjectID is the oid of DemoAppToken (the app's service principal).
	DemoAppObjectID = "b7a1e2c3-4d5f-4a6b-8c7d-9e0f1a2b3c4d"
	// DemoIntranetAppID made the seeded organization link on Budget.xlsx.
	DemoIntranetAppID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"

	DemoAliceUPN = "alice@contoso.com"
	DemoAliceID  = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	DemoBobUPN   = "bob@contoso.com"
	DemoBobID    = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	DemoCarolUPN = "carol@outlook.com"
	// DemoCarolID is a Microsoft account's oid: zeros, then the account's CID.
	DemoCarolID = "00000000-0000-0000-d464-8f06c91d9d3d"

	DemoAliceDriveID     = "b!wuLifjuL4_L_-n23ADglKIP3olRggknTnIQirUbgfgC9rGBmGwtoQbgtt_-jp_4z"
	DemoBobDriveID       = "b!WIh15RAgxLQqVO9t0eXY8m18r7uzVCpnaM36DTOYvqsb6DblpdrdIsWwz0NK_5tK"
	DemoMarketingDriveID = "b!MJt4uv5te123NnVEQAmOckklW0T64b0UvgG1e0IkFcM3QmkewFqQ43gIDpNodU-Y"
	DemoCarolDriveID     = "d4648f06c91d9d3d"

	// DemoMarketingListID is the list of the marketing site's library:
	// /sites/{site}/lists/{DemoMarketingListID}/items/{id}/driveItem.
	DemoMarketingListID  = "4c1d7e9a-2b3f-4a5e-8d6c-9f0e1a2b3c4d"
	DemoMarketingSiteID  = "contoso.sharepoint.com,2c7a3f1e-8d4b-4e6a-b5c9-1f0e2d3c4b5a,6e5d4c3b-2a19-4f8e-a7d6-c5b4a3928170"
	DemoMarketingGroupID = "02bd9fd6-8f93-4758-87c3-1fb73740a315"
	// DemoGeneralChannelID is the group's General channel; its filesFolder is /General.
	DemoGeneralChannelID = "19:5f3c8e2a1b4d4c6e9a7b0c1d2e3f4a5b@thread.tacv2"

	// alice's drive
	DemoAliceRootID = "01F3OLUSI7N55WO3ZQMUSHH6IX66TTYNYB"
	DemoDocumentsID = "01NYECZRTVNZXI3F7KEGKJCC7PMEZEFYT4" // /Documents (special folder "documents")
	DemoReportID    = "01FOFNWAP6MHRS3LRAAF4O43E3XJ6ZLX2J" // /Documents/Report.docx
	DemoBudgetID    = "01B6HHHXKP7JLQQCBVRJYWR2DU4DWC7EFR" // /Documents/Budget.xlsx (has an organization view link of the intranet app)
	DemoPlansID     = "01VG65ORVQ4XTPA6DQA3EF3C6VK5H2RZS5" // /Documents/Plans/ (bob may write)
	DemoQ3ID        = "013YVY3HF52Z5UTLWWMCZEID5NV4CUAW3B" // /Documents/Plans/Q3.pptx (inherits bob's grant)
	// bob's drive
	DemoBobRootID = "0135GKOZKPYIGZQLAURCPNMA7FSH4R4THA"
	DemoNotesID   = "01KHJCYPBGHK3F5S5IQXT2R5YAM7UIA2JB" // /Notes.txt
	DemoDesignsID = "016OWB5SOTVWJ2HWROMIFALQQ5CYPDDT5N" // /Designs/
	DemoLogoID    = "01I3AUOU4NPUHX67X2YKET4VA2BT3POQNS" // /Designs/Logo.png
	// the marketing site's library
	DemoMarketingRootID = "01QMJWMY4NDQOQLSVXNYOO2SCJSSLDT5D5"
	DemoSharedID        = "01PVYFTQU7MQBTY5EECE74LLOMEVWKBGE5" // /Shared/
	DemoBrandID         = "01HW3NDVH6XXQHHZUWR2C3MDEXXOKDYYAQ" // /Shared/Brand.pdf
	DemoGeneralID       = "01VILTXQ7ZPTHLX5VGQN5DH3OK44DQ4FWP" // /General/ (the General channel's folder)
	// DemoBrandListItemID is Brand.pdf's list item id in the library's
	// list (items are numbered 1, 2, … in tree order: /Shared is 1).
	DemoBrandListItemID = "2"
	// carol's personal drive
	DemoCarolRootID = "D4648F06C91D9D3D!101"
	DemoPhotosID    = "D4648F06C91D9D3D!102" // /Photos/ (special folder "photos")
	DemoTripID      = "D4648F06C91D9D3D!103" // /Photos/Trip.jpg
)

// DemoScopes is the scp of DemoToken.
const DemoScopes = "Files.ReadWrite.All Sites.ReadWrite.All"

// DemoSeed is the built-in demo tenant: contoso with alice and bob (OneDrive
// for Business), the marketing site and its group, and carol's personal
// OneDrive. Seeded sharing: bob may write in alice's /Documents/Plans/, and
// /Documents/Budget.xlsx has an organization view link made by another app
// (DemoIntranetAppID).
func DemoSeed() Seed {
	file := func(id, name string, size int64) SeedItem { return SeedItem{ID: id, Name: name, Size: size} }
	return Seed{
		Tenant: SeedTenant{ID: DemoTenantID, Name: DemoTenantName},
		Users: []SeedUser{
			{ID: DemoAliceID, UPN: DemoAliceUPN, DisplayName: "Alice Smith"},
			{ID: DemoBobID, UPN: DemoBobUPN, DisplayName: "Bob Jones"},
			{ID: DemoCarolID, UPN: DemoCarolUPN, DisplayName: "Carol Lee", Personal: true},
		},
		Sites: []SeedSite{{
			ID: DemoMarketingSiteID, Name: "marketing", DisplayName: "Marketing",
			Members: []SeedMember{{User: DemoAliceUPN, Role: roleWrite}, {User: DemoBobUPN, Role: roleWrite}},
		}},
		Groups: []SeedGroup{{
			ID: DemoMarketingGroupID, DisplayName: "Marketing Team", Site: DemoMarketingSiteID,
			Members:  []string{DemoAliceUPN, DemoBobUPN},
			Channels: []SeedChannel{{ID: DemoGeneralChannelID, DisplayName: "General", Folder: "/General"}},
		}},
		Drives: []SeedDrive{
			{
				ID: DemoAliceDriveID, DriveType: driveBusiness, Owner: DemoAliceUPN,
				Special: map[string]string{"documents": "/Documents"},
				Root: SeedItem{ID: DemoAliceRootID, Children: []SeedItem{{
					ID: DemoDocumentsID, Name: "Documents", Children: []SeedItem{
						file(DemoReportID, "Report.docx", 48213),
						{ID: DemoBudgetID, Name: "Budget.xlsx", Size: 20417, Permissions: []SeedPermission{{
							ID:   "c1a5e0b2-7d4f-4e3a-9b8c-2f1e0d9c8b7a",
							Link: &SeedLink{Type: "view", Scope: scopeOrganization, Application: &SeedApp{ID: DemoIntranetAppID, DisplayName: "Contoso Intranet"}},
						}}},
						{ID: DemoPlansID, Name: "Plans", Folder: true,
							Permissions: []SeedPermission{{GrantedTo: DemoBobUPN, Roles: []string{roleWrite}}},
							Children:    []SeedItem{file(DemoQ3ID, "Q3.pptx", 1583322)}},
					},
				}}},
			},
			{
				ID: DemoBobDriveID, DriveType: driveBusiness, Owner: DemoBobUPN,
				Root: SeedItem{ID: DemoBobRootID, Children: []SeedItem{
					file(DemoNotesID, "Notes.txt", 912),
					{ID: DemoDesignsID, Name: "Designs", Children: []SeedItem{file(DemoLogoID, "Logo.png", 68120)}},
				}},
			},
			{
				ID: DemoMarketingDriveID, DriveType: driveLibrary, Site: DemoMarketingSiteID, ListID: DemoMarketingListID,
				Special: map[string]string{"documents": "/Shared"},
				Root: SeedItem{ID: DemoMarketingRootID, Children: []SeedItem{
					{ID: DemoSharedID, Name: "Shared", Children: []SeedItem{file(DemoBrandID, "Brand.pdf", 734003)}},
					{ID: DemoGeneralID, Name: "General", Folder: true},
				}},
			},
			{
				ID: DemoCarolDriveID, DriveType: drivePersonal, Owner: DemoCarolUPN,
				Special: map[string]string{"photos": "/Photos"},
				Root: SeedItem{ID: DemoCarolRootID, Children: []SeedItem{
					{ID: DemoPhotosID, Name: "Photos", Children: []SeedItem{file(DemoTripID, "Trip.jpg", 2291507)}},
				}},
			},
		},
	}
}

// The policy demo's settings and seeded links (DemoPolicySeed).
const (
	DemoPolicyMaxExpiryDays = 30
	// DemoLegacyAnonymousLinkID is an anonymous view link of DemoAppID on
	// /Documents/Report.docx without expiry or password.
	DemoLegacyAnonymousLinkID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
	// DemoLegacyEditLinkID is an organization edit link of DemoAppID on
	// /Documents/Report.docx expiring DemoLegacyEditLinkExpiry.
	DemoLegacyEditLinkID     = "1a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c5d"
	DemoLegacyEditLinkExpiry = "2099-12-31T00:00:00Z"
)

// DemoPolicySeed is DemoSeed with the tenant settings a sharing policy
// has to see through: anonymous links clamped to DemoPolicyMaxExpiryDays,
// anonymous as the default scope, existing links reused by type and scope
// alone (LinkReuseTypeAndScope), and two links on /Documents/Report.docx
// made by DemoAppID before any policy (DemoLegacyAnonymousLinkID,
// DemoLegacyEditLinkID) that createLink returns with 200.
func DemoPolicySeed() Seed {
	sd := DemoSeed()
	sd.Tenant.MaxLinkExpiryDays = DemoPolicyMaxExpiryDays
	sd.Tenant.DefaultLinkScope = scopeAnonymous
	sd.Tenant.LinkReuse = LinkReuseTypeAndScope
	app := &SeedApp{ID: DemoAppID, DisplayName: DemoAppName}
	docs := &sd.Drives[0].Root.Children[0]
	for i := range docs.Children {
		if docs.Children[i].ID == DemoReportID {
			docs.Children[i].Permissions = []SeedPermission{
				{ID: DemoLegacyAnonymousLinkID, Link: &SeedLink{Type: "view", Scope: scopeAnonymous, Application: app}},
				{ID: DemoLegacyEditLinkID, Link: &SeedLink{Type: "edit", Scope: scopeOrganization, Application: app, ExpirationDateTime: DemoLegacyEditLinkExpiry}},
			}
		}
	}
	return sd
}

// DemoToken is a delegated token for a demo user (by UPN, case-insensitive):
// scp DemoScopes, appid DemoAppID, and the user's tid, oid, upn and name.
// carol@outlook.com gets a Microsoft account token (tid MSATenantID). An
// unknown UPN still gets a token with that upn, in the demo tenant, for a
// user the Sim will not know.
func DemoToken(upn string) string {
	claims := map[string]any{
		"aud":             "00000003-0000-0000-c000-000000000000",
		"ver":             "1.0",
		"idtyp":           "user",
		"tid":             DemoTenantID,
		"iss":             "https://sts.windows.net/" + DemoTenantID + "/",
		"appid":           DemoAppID,
		"app_displayname": DemoAppName,
		"scp":             DemoScopes,
		"upn":             upn,
	}
	for _, u := range DemoSeed().Users {
		if !strings.EqualFold(u.UPN, upn) {
			continue
		}
		claims["oid"] = u.ID
		claims["name"] = u.DisplayName
		claims["preferred_username"] = u.UPN
		claims["upn"] = u.UPN
		if u.Personal {
			delete(claims, "upn") // Microsoft account tokens carry no upn
			claims["tid"] = MSATenantID
			claims["iss"] = "https://sts.windows.net/" + MSATenantID + "/"
		}
	}
	return Token(claims)
}

// DemoAppToken is an application token of DemoAppID in the demo tenant with
// roles Files.ReadWrite.All and Sites.ReadWrite.All.
func DemoAppToken() string {
	return Token(map[string]any{
		"aud":             "00000003-0000-0000-c000-000000000000",
		"ver":             "1.0",
		"idtyp":           "app",
		"tid":             DemoTenantID,
		"iss":             "https://sts.windows.net/" + DemoTenantID + "/",
		"appid":           DemoAppID,
		"app_displayname": DemoAppName,
		"oid":             DemoAppObjectID,
		"roles":           []string{"Files.ReadWrite.All", "Sites.ReadWrite.All"},
	})
}
