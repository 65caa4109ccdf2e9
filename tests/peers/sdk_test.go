package peers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/drives"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// tokenProvider hands the SDK graphsim's demo token, the way an
// application's credential would hand it Entra ID's.
type tokenProvider struct{ token string }

func (p tokenProvider) GetAuthorizationToken(context.Context, *url.URL, map[string]interface{}) (string, error) {
	return p.token, nil
}

func (tokenProvider) GetAllowedHostsValidator() *absauth.AllowedHostsValidator {
	v, _ := absauth.NewAllowedHostsValidatorErrorCheck([]string{"127.0.0.1"})
	return v
}

// seen records what reached sharelink, to show the SDK's defaults were in
// force (a gzip body) and nothing fell back to an uncompressed retry.
type seen struct {
	mu        sync.Mutex
	encodings []string
	statuses  []int
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(s int) { r.status = s; r.ResponseWriter.WriteHeader(s) }

// sdkAgainstSharelink starts graphsim, sharelink's handler in front of it,
// and Microsoft's Go SDK with its default middleware (compression,
// retries, redirects, telemetry) pointed at sharelink.
func sdkAgainstSharelink(t *testing.T) (*msgraphsdk.GraphServiceClient, *msgraphsdk.GraphRequestAdapter, *seen) {
	t.Helper()
	sim := graphsim.New(graphsim.DemoSeed())
	simURL, closeSim, err := graphsim.Serve(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = closeSim() })
	cfg, err := lambda.LoadConfig(func(k string) string {
		if k == lambda.EnvGraphBaseURL {
			return simURL
		}
		return ""
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := lambda.New(cfg, lambda.WithLogger(lambda.NewLogger(testWriter{t})))
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		s.mu.Lock()
		s.encodings = append(s.encodings, r.Header.Get("Content-Encoding"))
		s.statuses = append(s.statuses, rec.status)
		s.mu.Unlock()
	}))
	t.Cleanup(srv.Close)

	adapter, err := msgraphsdk.NewGraphRequestAdapter(absauth.NewBaseBearerTokenAuthenticationProvider(
		tokenProvider{graphsim.DemoToken(graphsim.DemoAliceUPN)}))
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(srv.URL + "/v1.0")
	return msgraphsdk.NewGraphServiceClient(adapter), adapter, s
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

// TestGoSDKDefaultsThroughSharelink: Microsoft's Go SDK, configured as an
// application configures it (only its base URL changed), creates a link,
// lists and deletes it through sharelink. Its default pipeline gzips
// request bodies; sharelink must read them, not refuse them.
func TestGoSDKDefaultsThroughSharelink(t *testing.T) {
	client, _, s := sdkAgainstSharelink(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	item := client.Drives().ByDriveId(graphsim.DemoAliceDriveID).Items().ByDriveItemId(graphsim.DemoReportID)

	typ, scope := "view", "organization"
	body := drives.NewItemItemsItemCreateLinkPostRequestBody()
	body.SetTypeEscaped(&typ)
	body.SetScope(&scope)
	perm, err := item.CreateLink().Post(ctx, body, nil)
	if err != nil {
		t.Fatalf("createLink through sharelink: %v", describe(err))
	}
	if perm.GetId() == nil || perm.GetLink() == nil || perm.GetLink().GetWebUrl() == nil {
		t.Fatalf("createLink answered a permission without id or link: %+v", perm)
	}
	if got := *perm.GetLink().GetScope(); got != "organization" {
		t.Errorf("link scope %q, want organization", got)
	}
	s.mu.Lock()
	if len(s.encodings) == 0 || s.encodings[0] != "gzip" || s.statuses[0] != http.StatusCreated {
		t.Errorf("the SDK's first request: Content-Encoding %q, answered %d; want a gzip body answered 201 (encodings %q, statuses %v)",
			first(s.encodings), firstInt(s.statuses), s.encodings, s.statuses)
	}
	s.mu.Unlock()

	list, err := item.Permissions().Get(ctx, nil)
	if err != nil {
		t.Fatalf("list permissions: %v", describe(err))
	}
	found := false
	for _, p := range list.GetValue() {
		found = found || (p.GetId() != nil && *p.GetId() == *perm.GetId())
	}
	if !found {
		t.Fatalf("the new link %s is not in the item's permissions", *perm.GetId())
	}
	if err := item.Permissions().ByPermissionId(*perm.GetId()).Delete(ctx, nil); err != nil {
		t.Fatalf("delete permission: %v", describe(err))
	}
	if _, err := item.Permissions().ByPermissionId(*perm.GetId()).Get(ctx, nil); err == nil {
		t.Fatalf("the deleted permission is still there")
	}

	// An invalid request is refused by sharelink with a Graph error the
	// SDK parses into its ODataError, naming the property.
	bad := "embedded"
	body.SetTypeEscaped(&bad)
	_, err = item.CreateLink().Post(ctx, body, nil)
	oe, ok := err.(*odataerrors.ODataError)
	if !ok || oe.GetErrorEscaped() == nil || oe.GetErrorEscaped().GetCode() == nil {
		t.Fatalf("an invalid type: want an ODataError, got %T %v", err, err)
	}
	if code := *oe.GetErrorEscaped().GetCode(); code != "invalidRequest" || oe.ResponseStatusCode != 400 {
		t.Errorf("an invalid type: %d %s, want 400 invalidRequest", oe.ResponseStatusCode, code)
	}
	if tg := oe.GetErrorEscaped().GetTarget(); tg == nil || *tg != "type" {
		t.Errorf("an invalid type: target %v, want type", tg)
	}
}

func describe(err error) string {
	if oe, ok := err.(*odataerrors.ODataError); ok && oe.GetErrorEscaped() != nil {
		m := oe.GetErrorEscaped()
		s := oe.Error()
		if m.GetCode() != nil {
			s += " code=" + *m.GetCode()
		}
		if m.GetMessage() != nil {
			s += " message=" + *m.GetMessage()
		}
		return s
	}
	return err.Error()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func firstInt(s []int) int {
	if len(s) == 0 {
		return 0
	}
	return s[0]
}

// TestGoSDKBatchThroughSharelink: the SDK's BatchRequestCollection, as an
// application batches its sharing, through sharelink's $batch: a
// createLink step, a createLink step with a link type that does not
// exist, and a list step. Each step comes back with its own status, the
// refused one answered by sharelink inside the batch; the SDK sends the
// batch gzipped, in one request.
func TestGoSDKBatchThroughSharelink(t *testing.T) {
	client, adapter, s := sdkAgainstSharelink(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	item := client.Drives().ByDriveId(graphsim.DemoAliceDriveID).Items().ByDriveItemId(graphsim.DemoReportID)

	batch := msgraphcore.NewBatchRequestCollection(adapter)
	typ, scope := "edit", "organization"
	body := drives.NewItemItemsItemCreateLinkPostRequestBody()
	body.SetTypeEscaped(&typ)
	body.SetScope(&scope)
	info, err := item.CreateLink().ToPostRequestInformation(ctx, body, nil)
	if err != nil {
		t.Fatal(err)
	}
	create, err := batch.AddBatchRequestStep(*info)
	if err != nil {
		t.Fatal(err)
	}
	bad := "editable"
	badBody := drives.NewItemItemsItemCreateLinkPostRequestBody()
	badBody.SetTypeEscaped(&bad)
	info, err = item.CreateLink().ToPostRequestInformation(ctx, badBody, nil)
	if err != nil {
		t.Fatal(err)
	}
	refused, err := batch.AddBatchRequestStep(*info)
	if err != nil {
		t.Fatal(err)
	}
	info, err = item.Permissions().ToGetRequestInformation(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := batch.AddBatchRequestStep(*info)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := batch.Send(ctx, adapter)
	if err != nil {
		t.Fatalf("$batch through sharelink: %v", describe(err))
	}
	codes := resp.GetStatusCodes()
	if c := codes[*create.GetId()]; c != 201 {
		t.Errorf("createLink step: %d, want 201 (all: %v)", c, codes)
	}
	if c := codes[*refused.GetId()]; c != 400 {
		t.Errorf("invalid createLink step: %d, want 400 (all: %v)", c, codes)
	}
	if c := codes[*list.GetId()]; c != 200 {
		t.Errorf("list step: %d, want 200 (all: %v)", c, codes)
	}
	perm, err := msgraphcore.GetBatchResponseById[models.Permissionable](resp, *create.GetId(), models.CreatePermissionFromDiscriminatorValue)
	if err != nil {
		t.Fatalf("the createLink step's permission: %v", describe(err))
	}
	if perm.GetLink() == nil || perm.GetLink().GetTypeEscaped() == nil || *perm.GetLink().GetTypeEscaped() != "edit" {
		t.Errorf("the createLink step's answer is not an edit link: %+v", perm)
	}
	s.mu.Lock()
	if n := len(s.encodings); n != 1 || s.encodings[0] != "gzip" || s.statuses[0] != 200 {
		t.Errorf("the SDK sent %d requests (encodings %q, statuses %v); want one gzip $batch answered 200", n, s.encodings, s.statuses)
	}
	s.mu.Unlock()
}

// TestGoSDKInviteUpdateDeleteThroughSharelink: the SDK invites a user,
// changes the grant's role with a PATCH and deletes it, through
// sharelink, each body gzipped as its defaults send it; the SDK's
// ODataError names the property sharelink refused.
func TestGoSDKInviteUpdateDeleteThroughSharelink(t *testing.T) {
	client, _, s := sdkAgainstSharelink(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	item := client.Drives().ByDriveId(graphsim.DemoAliceDriveID).Items().ByDriveItemId(graphsim.DemoReportID)

	email := graphsim.DemoBobUPN
	r := models.NewDriveRecipient()
	r.SetEmail(&email)
	signIn, send := true, false
	body := drives.NewItemItemsItemInvitePostRequestBody()
	body.SetRecipients([]models.DriveRecipientable{r})
	body.SetRoles([]string{"read"})
	body.SetRequireSignIn(&signIn)
	body.SetSendInvitation(&send)
	invited, err := item.Invite().PostAsInvitePostResponse(ctx, body, nil)
	if err != nil {
		t.Fatalf("invite through sharelink: %v", describe(err))
	}
	if len(invited.GetValue()) != 1 || invited.GetValue()[0].GetId() == nil {
		t.Fatalf("invite answered %d permissions, want one with an id", len(invited.GetValue()))
	}
	id := *invited.GetValue()[0].GetId()
	if roles := invited.GetValue()[0].GetRoles(); len(roles) != 1 || roles[0] != "read" {
		t.Errorf("invited roles %v, want [read]", roles)
	}

	patch := models.NewPermission()
	patch.SetRoles([]string{"write"})
	updated, err := item.Permissions().ByPermissionId(id).Patch(ctx, patch, nil)
	if err != nil {
		t.Fatalf("PATCH permission through sharelink: %v", describe(err))
	}
	if roles := updated.GetRoles(); len(roles) != 1 || roles[0] != "write" {
		t.Errorf("updated roles %v, want [write]", roles)
	}
	if err := item.Permissions().ByPermissionId(id).Delete(ctx, nil); err != nil {
		t.Fatalf("delete permission: %v", describe(err))
	}

	// A role Graph does not have is refused by sharelink, naming it.
	patch.SetRoles([]string{"owner"})
	_, err = item.Permissions().ByPermissionId(id).Patch(ctx, patch, nil)
	oe, ok := err.(*odataerrors.ODataError)
	if !ok || oe.ResponseStatusCode != 400 || oe.GetErrorEscaped() == nil || oe.GetErrorEscaped().GetTarget() == nil ||
		*oe.GetErrorEscaped().GetTarget() != "roles" {
		t.Fatalf("PATCH with roles [owner]: want a 400 ODataError naming roles, got %T %v", err, describe(err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.encodings) < 2 || s.encodings[0] != "gzip" || s.encodings[1] != "gzip" {
		t.Errorf("the invite and PATCH bodies were sent with Content-Encoding %q; the SDK's defaults gzip them", s.encodings)
	}
}
