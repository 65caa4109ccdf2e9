package hostile_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/lambda"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

// TestEventHeadersWithControlBytes covers what the HTTP corpus cannot
// carry: header values with control bytes. net/http refuses them before
// any handler runs, but API Gateway and Function URLs deliver events that
// lambda.Handle reads directly, so the handler must refuse them itself:
// a 4xx Graph error, nothing sent upstream, never a 5xx.
func TestEventHeadersWithControlBytes(t *testing.T) {
	send := eventSender(t)

	valid := `{"type":"view","scope":"organization"}`
	for _, c := range []struct {
		name, header, value, body string
		status                    int
		code                      string
	}{
		{"CR LF in Authorization", "authorization", "Bearer " + token + "\r\nX-Injected: evil", valid, 401, "unauthenticated"},
		{"LF in Authorization", "authorization", "Bearer " + token + "\nX-Injected: evil", valid, 401, "unauthenticated"},
		{"NUL in Authorization", "authorization", "Bearer " + token + "\x00", valid, 401, "unauthenticated"},
		{"SOH in Authorization", "authorization", "Bearer a\x01b", valid, 401, "unauthenticated"},
		{"DEL in Authorization", "authorization", "Bearer " + token + "\x7f", valid, 401, "unauthenticated"},
		{"CR LF in client-request-id", "client-request-id", "abc\r\nX-Injected: evil", `{"scope":"anonymous"}`, 400, "invalidRequest"},
		{"CR LF in Content-Type", "content-type", "application/json\r\nX-Injected: evil", valid, 415, "unsupportedMediaType"},
	} {
		t.Run(c.name, func(t *testing.T) {
			hd := map[string]string{"authorization": "Bearer " + token, "content-type": "application/json"}
			hd[c.header] = c.value
			resp, g := send(t, "POST", placeholders.Replace("{{create}}"), hd, c.body)
			if resp.StatusCode != c.status || *g.Error.Code != c.code {
				t.Errorf("%d %s, want %d %s: %.300s", resp.StatusCode, *g.Error.Code, c.status, c.code, resp.Body)
			}
			if v := resp.Headers["client-request-id"]; !plainToken(v) {
				t.Errorf("client-request-id %q echoed", v)
			}
		})
	}
}

// eventSender is a handler in front of a fresh graphsim, and a function
// that sends it one API Gateway event and checks what every hostile event
// must get: a Graph error, and nothing sent upstream.
func eventSender(t *testing.T) func(t *testing.T, method, path string, hd map[string]string, body string) (events.APIGatewayV2HTTPResponse, graphError) {
	sim, base := graphsimtest.Serve(t)
	cfg := lambda.DefaultConfig()
	cfg.GraphBaseURL = base
	cfg.AttemptTimeout = 5 * time.Second
	h := lambda.New(cfg, lambda.WithLogger(lambda.NewLogger(&logcapture.Buffer{})))
	return func(t *testing.T, method, path string, hd map[string]string, body string) (events.APIGatewayV2HTTPResponse, graphError) {
		t.Helper()
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "$default", RawPath: path, Headers: hd, Body: body,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path}},
		}
		before := sim.Total()
		resp, err := h.Handle(context.Background(), ev)
		if err != nil {
			t.Fatalf("Handle returned an error: %v", err)
		}
		if d := sim.Total() - before; d != 0 {
			t.Errorf("reached graphsim (%d requests)", d)
		}
		var g graphError
		if json.Unmarshal([]byte(resp.Body), &g) != nil || g.Error == nil || g.Error.Code == nil {
			t.Fatalf("%d, not a Graph error: %.300s", resp.StatusCode, resp.Body)
		}
		return resp, g
	}
}
