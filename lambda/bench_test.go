package lambda

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// memUpstream answers createLink from memory, as Graph would: the handler's
// own cost is what is left.
type memUpstream struct{ body string }

func (m *memUpstream) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	return &http.Response{StatusCode: 201, ContentLength: int64(len(m.body)),
		Header: http.Header{"Content-Type": {"application/json"}, "Request-Id": {"0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"}},
		Body:   io.NopCloser(strings.NewReader(m.body)), Request: r}, nil
}

const benchPermission = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#permission","id":"3a8d8e34-7758-4e01-b881-807dc32d5caa","roles":["read"],` +
	`"link":{"type":"view","scope":"organization","webUrl":"https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/EZHX7_UFkGHBdvy9R0YNy-bOkePrZj_tkXcHD2qLWim",` +
	`"preventsDownload":false,"application":{"id":"5e0c8f7a-3d2b-4c1e-9f8a-7b6c5d4e3f21","displayName":"sharelink demo"}},"hasPassword":false,"shareId":"s!EZHX7_UFkGHBdvy9R0YNy-bOkePrZj_tkXcHD2qLWim"}`

// BenchmarkHandleCreateLink is the handler's CPU per createLink: event in,
// route, validation, policy, upstream request built and sent (in memory),
// answer shaped, log line written (to io.Discard).
func BenchmarkHandleCreateLink(b *testing.B) {
	cfg := DefaultConfig()
	h := New(cfg, WithClient(&memUpstream{body: benchPermission}), WithLogger(NewLogger(io.Discard)))
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/v1.0/me/drive/items/01FOFNWAP6MHRS3LRAAF4O43E3XJ6ZLX2J/createLink",
		Headers: map[string]string{"authorization": "Bearer eyJhbGciOiJub25lIn0.eyJ1cG4iOiJhbGljZUBjb250b3NvLmNvbSJ9.", "content-type": "application/json",
			"client-request-id": "6f1c3c51-0b3e-4d3b-9a6e-0c2d6b9c0d11"},
		Body:           `{"type":"view","scope":"organization"}`,
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST"}},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, _ := h.Handle(ctx, ev)
		if resp.StatusCode != 201 {
			b.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	}
}
