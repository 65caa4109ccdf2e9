package lambda

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestRealEventPayloads decodes events as AWS sends them, JSON first: an
// HTTP API (payload 2.0) event and a Function URL event with a base64 body.
func TestRealEventPayloads(t *testing.T) {
	e := newEnv(t)
	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	body := `{"type":"view","scope":"organization"}`
	httpAPI := `{
  "version": "2.0", "routeKey": "ANY /{proxy+}", "rawPath": "` + path + `", "rawQueryString": "",
  "headers": {"accept": "application/json", "authorization": "Bearer ` + e.token + `", "content-length": "39",
    "content-type": "application/json", "host": "abc123.execute-api.eu-west-1.amazonaws.com", "x-forwarded-for": "203.0.113.9"},
  "requestContext": {"accountId": "123456789012", "apiId": "abc123", "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
    "http": {"method": "POST", "path": "` + path + `", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9", "userAgent": "curl/8.5.0"},
    "requestId": "Jx1AbCdEfGhIjKk=", "routeKey": "ANY /{proxy+}", "stage": "$default", "time": "25/Nov/2026:17:00:00 +0000", "timeEpoch": 1795626000000},
  "pathParameters": {"proxy": "` + strings.TrimPrefix(path, "/") + `"},
  "body": ` + jsonString(body) + `, "isBase64Encoded": false
}`
	functionURL := `{
  "version": "2.0", "routeKey": "$default", "rawPath": "` + path + `", "rawQueryString": "",
  "headers": {"authorization": "Bearer ` + e.token + `", "content-type": "application/json; charset=utf-8",
    "host": "xyz.lambda-url.eu-west-1.on.aws", "client-request-id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
  "requestContext": {"accountId": "anonymous", "apiId": "xyz", "domainName": "xyz.lambda-url.eu-west-1.on.aws", "domainPrefix": "xyz",
    "http": {"method": "POST", "path": "` + path + `", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9", "userAgent": "node"},
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "routeKey": "$default", "stage": "$default", "time": "25/Nov/2026:17:00:01 +0000", "timeEpoch": 1795626001000},
  "body": "` + b64(body) + `", "isBase64Encoded": true
}`
	for i, raw := range []string{httpAPI, functionURL} {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal([]byte(raw), &ev); err != nil {
			t.Fatal(err)
		}
		ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "8476a536-e9f4-11e8-9739-2dfe598c3fcd"})
		resp, err := e.h.Handle(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		want := []int{201, 200}[i]
		if resp.StatusCode != want {
			t.Fatalf("event %d: %d %s", i, resp.StatusCode, resp.Body)
		}
		// The response serialises as API Gateway expects it.
		out, err := json.Marshal(resp)
		if err != nil || !strings.Contains(string(out), `"statusCode":`+map[int]string{201: "201", 200: "200"}[want]) {
			t.Fatalf("%v %s", err, out)
		}
	}
	if !strings.Contains(e.logs.String(), `"aws_request_id":"8476a536-e9f4-11e8-9739-2dfe598c3fcd"`) {
		t.Errorf("the Lambda request id is not logged")
	}
	for _, id := range []string{"Jx1AbCdEfGhIjKk=", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"} {
		if !strings.Contains(e.logs.String(), `"apigw_request_id":"`+id+`"`) {
			t.Errorf("the request id %s is not logged", id)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// recordingUpstream keeps the escaped path of each request it answers.
type recordingUpstream struct {
	statusUpstream
	paths []string
}

func (r *recordingUpstream) Do(req *http.Request) (*http.Response, error) {
	r.paths = append(r.paths, req.URL.EscapedPath())
	return r.statusUpstream.Do(req)
}

// TestDecodedRawPath: API Gateway HTTP APIs deliver rawPath percent-decoded,
// Function URLs as sent. Both name the same item upstream.
func TestDecodedRawPath(t *testing.T) {
	up := &recordingUpstream{statusUpstream: statusUpstream{script: []int{201}}}
	h := New(DefaultConfig(), WithClient(up), WithLogger(NewLogger(io.Discard)))
	for _, raw := range []string{
		"/v1.0/me/drive/root:/Team Docs/Präsentation Q3.pptx:/createLink",          // HTTP API
		"/v1.0/me/drive/root:/Team%20Docs/Pr%C3%A4sentation%20Q3.pptx:/createLink", // Function URL
	} {
		ev := (&env{token: "t"}).event(req{method: "POST", path: raw, body: `{"type":"view"}`})
		if resp, _ := h.Handle(context.Background(), ev); resp.StatusCode != 201 {
			t.Fatalf("%s: %d %s", raw, resp.StatusCode, resp.Body)
		}
	}
	want := "/v1.0/me/drive/root:/Team%20Docs/Pr%C3%A4sentation%20Q3.pptx:/createLink"
	if len(up.paths) != 2 || up.paths[0] != want || up.paths[1] != want {
		t.Fatalf("upstream paths %q, want %q twice", up.paths, want)
	}
}
