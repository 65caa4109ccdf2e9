package peers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/drives"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/sharelink/sharelink/core"
)

// createLinkBody sets every createLink property a business "users" link
// can carry, so both sides write the whole schema (password is left out:
// Graph takes it only for personal-drive links).
const createLinkBody = `{"type":"edit","scope":"users","expirationDateTime":"2027-01-01T00:00:00Z","recipients":[{"email":"ryan@contoso.com"},{"email":"helga@contoso.com"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}],"retainInheritedPermissions":true,"sendNotification":true,"message":"Please review the design before Friday."}`

// createLinkNow is core's clock: the expiry above must lie after it.
var createLinkNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func createLinkRoute(tb testing.TB) core.Route {
	r, err := core.ParseRoute("POST", "/me/drive/items/01ABCDEF/createLink")
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// sdkCreateLinkBody is the SDK body a caller builds for the same request:
// each setter takes a pointer, as the generated API demands.
func sdkCreateLinkBody() *drives.ItemItemsItemCreateLinkPostRequestBody {
	typ, scope := "edit", "users"
	exp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	retain, notify := true, true
	msg := "Please review the design before Friday."
	emails := [...]string{"ryan@contoso.com", "helga@contoso.com"}
	oid := "47aecee2-d061-4730-8ecb-4c61360441ae"

	rs := make([]models.DriveRecipientable, 0, 3)
	for i := range emails {
		r := models.NewDriveRecipient()
		r.SetEmail(&emails[i])
		rs = append(rs, r)
	}
	r := models.NewDriveRecipient()
	r.SetObjectId(&oid)
	rs = append(rs, r)

	body := drives.NewItemItemsItemCreateLinkPostRequestBody()
	body.SetTypeEscaped(&typ)
	body.SetScope(&scope)
	body.SetExpirationDateTime(&exp)
	body.SetRecipients(rs)
	body.SetRetainInheritedPermissions(&retain)
	body.SetSendNotification(&notify)
	body.SetMessage(&msg)
	return body
}

// kiotaSerialize is what RequestInformation.SetContentFromParsable does
// with a body: a JSON writer, WriteObjectValue("", body), the content, and
// Close, which hands the writer's buffer back to Kiota's pool.
func kiotaSerialize(body *drives.ItemItemsItemCreateLinkPostRequestBody) ([]byte, error) {
	w := jsonserialization.NewJsonSerializationWriter()
	defer w.Close()
	if err := w.WriteObjectValue("", body); err != nil {
		return nil, err
	}
	return w.GetSerializedContent()
}

// TestSDKCreateLinkDefaults records what msgraph-sdk-go writes for
// createLink, byte for byte. The question behind it: does the SDK send
// retainInheritedPermissions (false) when the caller never set it, which
// would remove inherited access on the first share? In v1.89.0 it does not:
// the backing store holds nil for an unset property and Kiota's writer skips
// nil values. The SDK also writes properties in alphabetical order and the
// expiry with time.RFC3339 (so fractional seconds are dropped).
func TestSDKCreateLinkDefaults(t *testing.T) {
	typ, scope := "view", "organization"
	onlyTypeScope := drives.NewItemItemsItemCreateLinkPostRequestBody()
	onlyTypeScope.SetTypeEscaped(&typ)
	onlyTypeScope.SetScope(&scope)

	retain := false
	explicitFalse := drives.NewItemItemsItemCreateLinkPostRequestBody()
	explicitFalse.SetTypeEscaped(&typ)
	explicitFalse.SetRetainInheritedPermissions(&retain)

	withFraction := drives.NewItemItemsItemCreateLinkPostRequestBody()
	exp := time.Date(2027, 1, 1, 0, 3, 8, 729168900, time.FixedZone("", 3*3600))
	withFraction.SetExpirationDateTime(&exp)

	for _, tt := range []struct {
		name string
		body *drives.ItemItemsItemCreateLinkPostRequestBody
		want string
	}{
		{"nothing set", drives.NewItemItemsItemCreateLinkPostRequestBody(), `{}`},
		{"type and scope only", onlyTypeScope, `{"scope":"organization","type":"view"}`},
		{"retainInheritedPermissions false set explicitly", explicitFalse, `{"retainInheritedPermissions":false,"type":"view"}`},
		{"expiry with fraction and offset", withFraction, `{"expirationDateTime":"2027-01-01T00:03:08+03:00"}`},
		{"every property", sdkCreateLinkBody(), `{"expirationDateTime":"2027-01-01T00:00:00Z","message":"Please review the design before Friday.","recipients":[{"email":"ryan@contoso.com"},{"email":"helga@contoso.com"},{"objectId":"47aecee2-d061-4730-8ecb-4c61360441ae"}],"retainInheritedPermissions":true,"scope":"users","sendNotification":true,"type":"edit"}`},
	} {
		got, err := kiotaSerialize(tt.body)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s", tt.name, got)
		if string(got) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestCreateLinkContendersAgree checks that the benchmarks build the same
// request: core's body and the SDK's hold the same JSON object (their key
// order differs: core writes its canonical order, the SDK alphabetical).
func TestCreateLinkContendersAgree(t *testing.T) {
	r := createLinkRoute(t)
	req, err := core.BuildCreateLink(&r, []byte(createLinkBody), &core.Context{Now: createLinkNow})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(req.Body, []byte(createLinkBody)) {
		t.Errorf("core rewrote the body:\n got %s\nwant %s", req.Body, createLinkBody)
	}
	sdk, err := kiotaSerialize(sdkCreateLinkBody())
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := json.Unmarshal(req.Body, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(sdk, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("core and SDK bodies differ:\ncore %s\n sdk %s", req.Body, sdk)
	}
}

var (
	sinkRequest core.Request
	sinkBytes   []byte
)

// BenchmarkCreateLinkBody pairs like with like: core_parse_build (read a
// caller's JSON, validate, write the body) against kiota_set_serialize
// (build the SDK object with its setters, serialise it); core_append
// (write an already validated core.CreateLink) against kiota_serialize
// (serialise an already built SDK object).
func BenchmarkCreateLinkBody(b *testing.B) {
	body := []byte(createLinkBody)
	ctx := &core.Context{Now: createLinkNow}
	r := createLinkRoute(b)

	b.Run("core_parse_build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req, err := core.BuildCreateLink(&r, body, ctx)
			if err != nil {
				b.Fatal(err)
			}
			sinkRequest = req
		}
	})
	b.Run("core_append", func(b *testing.B) {
		c, err := core.ParseCreateLink(r.Version, body, ctx)
		if err != nil {
			b.Fatal(err)
		}
		// A fresh slice per call, as BuildCreateLink makes: reusing one
		// buffer would hide the body's own allocation.
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes = c.AppendBody(make([]byte, 0, 64+len(body)))
		}
	})
	b.Run("kiota_set_serialize", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := kiotaSerialize(sdkCreateLinkBody())
			if err != nil {
				b.Fatal(err)
			}
			sinkBytes = out
		}
	})
	b.Run("kiota_serialize", func(b *testing.B) {
		sdk := sdkCreateLinkBody()
		b.ReportAllocs()
		for b.Loop() {
			out, err := kiotaSerialize(sdk)
			if err != nil {
				b.Fatal(err)
			}
			sinkBytes = out
		}
	})
}
