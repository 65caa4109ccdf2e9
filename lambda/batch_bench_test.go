package lambda

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/graphsim/graphsimtest"
)

// The cost of a 20-step batch, against graphsim on loopback: through
// sharelink as one $batch, through sharelink as 20 requests alone, and
// the same batch sent to graphsim directly. Each operation is the 20
// steps: 10 createLink (the caller's existing link, 200, after the first)
// and 10 permission lists, alternating.

func benchSteps() (batch string, singles []events.APIGatewayV2HTTPRequest) {
	item := "/me/drive/items/" + graphsim.DemoReportID
	token := graphsim.DemoToken(graphsim.DemoAliceUPN)
	var steps []string
	for i := range 20 {
		id := strconv.Itoa(i + 1)
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", Headers: map[string]string{"authorization": "Bearer " + token}}
		if i%2 == 0 {
			steps = append(steps, `{"id":"`+id+`","method":"POST","url":"`+item+`/createLink","headers":{"Content-Type":"application/json"},"body":{"type":"view","scope":"organization"}}`)
			ev.RawPath, ev.Body = "/v1.0"+item+"/createLink", `{"type":"view","scope":"organization"}`
			ev.Headers["content-type"] = "application/json"
			ev.RequestContext.HTTP.Method = "POST"
		} else {
			steps = append(steps, `{"id":"`+id+`","method":"GET","url":"`+item+`/permissions"}`)
			ev.RawPath = "/v1.0" + item + "/permissions"
			ev.RequestContext.HTTP.Method = "GET"
		}
		singles = append(singles, ev)
	}
	return `{"requests":[` + strings.Join(steps, ",") + `]}`, singles
}

func benchHandler(b *testing.B) *Handler {
	_, base := graphsimtest.Serve(b)
	cfg := DefaultConfig()
	cfg.GraphBaseURL = base
	client := NewHTTPClient(cfg)
	b.Cleanup(client.CloseIdleConnections)
	return New(cfg, WithClient(client), WithLogger(NewLogger(io.Discard)))
}

func BenchmarkBatch20Sharelink(b *testing.B) {
	h := benchHandler(b)
	body, singles := benchSteps()
	ev := singles[0]
	ev.RawPath, ev.Body = "/v1.0/$batch", body
	ev.Headers = map[string]string{"authorization": singles[1].Headers["authorization"], "content-type": "application/json"}
	ev.RequestContext.HTTP.Method = "POST"
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, _ := h.Handle(ctx, ev)
		if resp.StatusCode != 200 || strings.Count(resp.Body, `"status":20`) != 20 {
			b.Fatalf("%d %.300s", resp.StatusCode, resp.Body)
		}
	}
}

func BenchmarkBatch20SingleRequestsSharelink(b *testing.B) {
	h := benchHandler(b)
	_, singles := benchSteps()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for _, ev := range singles {
			if resp, _ := h.Handle(ctx, ev); resp.StatusCode > 201 {
				b.Fatalf("%d %.300s", resp.StatusCode, resp.Body)
			}
		}
	}
}

func BenchmarkBatch20GraphsimDirect(b *testing.B) {
	_, base := graphsimtest.Serve(b)
	body, singles := benchSteps()
	client := NewHTTPClient(DefaultConfig())
	b.Cleanup(client.CloseIdleConnections)
	auth := singles[1].Headers["authorization"]
	b.ReportAllocs()
	for b.Loop() {
		r, _ := http.NewRequest("POST", base+"/v1.0/$batch", strings.NewReader(body))
		r.Header.Set("Authorization", auth)
		r.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Count(string(out), `"status":20`) != 20 {
			b.Fatalf("%d %.300s", resp.StatusCode, out)
		}
	}
}
