package pluginhost_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharelink/sharelink/core/ops"
	"github.com/sharelink/sharelink/tests/graphsim"
	"github.com/sharelink/sharelink/tests/pluginhost"
)

// TestBatchThroughHost runs a JSON batch the way a host does with the
// plugin: build_batch, the upstream request sent by the host to graphsim,
// shape_batch with Graph's answer. Each export's bytes are native core's
// for the same input, and the caller's answer holds every step.
func TestBatchThroughHost(t *testing.T) {
	_, base, p := graph(t)
	alice := graphsim.DemoToken(graphsim.DemoAliceUPN)
	cfg, err := ops.ParseConfig(func(k string) (string, bool) {
		if k == "graph_base_url" {
			return base, true
		}
		return "", false
	}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	item := "/me/drive/items/" + graphsim.DemoReportID
	batch := map[string]any{"requests": []any{
		map[string]any{"id": "link", "method": "POST", "url": item + "/createLink",
			"headers": map[string]string{"Content-Type": "application/json"},
			"body":    map[string]any{"type": "view", "scope": "organization"}},
		map[string]any{"id": "list", "method": "GET", "url": item + "/permissions", "dependsOn": []string{"link"}},
		map[string]any{"id": "bad", "method": "POST", "url": item + "/createLink",
			"headers": map[string]string{"Content-Type": "application/json"},
			"body":    map[string]any{"type": "view", "scope": "everyone"}},
		map[string]any{"id": "after-bad", "method": "GET", "url": item + "/permissions", "dependsOn": []string{"bad"}},
		map[string]any{"id": "mail", "method": "GET", "url": "/me/messages"},
	}}
	// same runs an export in the plugin and natively: the same bytes.
	same := func(export string, in []byte) []byte {
		t.Helper()
		r := call(t, p, export, in)
		if r.Err != nil {
			t.Fatalf("%s: %s", export, r.Err)
		}
		native, err := ops.Do(export, in, &cfg)
		if err != nil {
			t.Fatalf("native %s: %s", export, ops.ErrorText(err))
		}
		if !bytes.Equal(r.Output, native) {
			t.Fatalf("%s: plugin and native differ\nplugin: %s\nnative: %s", export, r.Output, native)
		}
		return r.Output
	}

	out := same("build_batch", input(t, map[string]any{"body": batch}))
	var built struct {
		Request *struct {
			Method, URL string
			Headers     map[string]string
			Body        string
		}
		Pending []string
		Local   []struct {
			ID     string
			Status int
		}
	}
	if err := json.Unmarshal(out, &built); err != nil {
		t.Fatal(err)
	}
	if built.Request == nil || built.Request.URL != base+"/v1.0/$batch" || strings.Join(built.Pending, ",") != "link,list" || len(built.Local) != 3 {
		t.Fatalf("build_batch: %s", out)
	}
	req, _ := http.NewRequest(built.Request.Method, built.Request.URL, strings.NewReader(built.Request.Body))
	req.Header.Set("Authorization", "Bearer "+alice)
	req.Header.Set("Content-Type", built.Request.Headers["Content-Type"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	out = same("shape_batch", input(t, map[string]any{"body": batch, "status": resp.StatusCode, "answer": string(answer)}))
	var shaped struct {
		Status int
		Body   struct {
			Responses []struct {
				ID     string
				Status int
			}
		}
		Retry *json.RawMessage
	}
	if err := json.Unmarshal(out, &shaped); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range shaped.Body.Responses {
		got = append(got, r.ID+"="+strconv.Itoa(r.Status))
	}
	if shaped.Status != 200 || shaped.Retry != nil || strings.Join(got, " ") != "link=201 list=200 bad=400 after-bad=424 mail=404" {
		t.Fatalf("shape_batch: %s (graph answered %d %s)", out, resp.StatusCode, answer)
	}
}

// TestCreateLinkPolicyChecksAnswer: with a policy configured, create_link
// holds Graph's answer to it, as check_answer does and as ops.Answer does
// natively: Graph returns (200) a link made before the policy, anonymous
// and without an expiry, and the call fails with a 403 naming the rule and
// the permission, the same error text natively.
func TestCreateLinkPolicyChecksAnswer(t *testing.T) {
	sim := graphsim.New(graphsim.DemoPolicySeed())
	base, closeFn, err := graphsim.Serve(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = closeFn() })
	conf := map[string]string{"graph_base_url": base, "policy": `{"anonymous":{"requireExpiry":true}}`}
	p, err := pluginhost.Instance(context.Background(), compiled, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	p.AllowedHosts = []string{"127.0.0.1"}
	alice := graphsim.DemoToken(graphsim.DemoAliceUPN)
	link := map[string]any{
		"path":  "/me/drive/items/" + graphsim.DemoReportID + "/createLink",
		"body":  map[string]any{"type": "view", "scope": "anonymous", "expirationDateTime": time.Now().AddDate(0, 0, 3).UTC().Format(time.RFC3339)},
		"token": alice,
	}
	r := call(t, p, "create_link", input(t, link))
	parts, err := pluginhost.ErrParts(r.Err)
	if err != nil {
		t.Fatalf("%v (output %s)", err, r.Output)
	}
	if parts.Status != 403 || parts.Target != "policy.anonymous.requireExpiry" || !bytes.Contains(r.Err, []byte(graphsim.DemoLegacyAnonymousLinkID)) {
		t.Fatalf("create_link answered with a legacy link: %s", r.Err)
	}
	noToken(t, alice, r)

	cfg, err := ops.ParseConfig(func(k string) (string, bool) { v, ok := conf[k]; return v, ok }, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := ops.Lookup("create_link")
	s, err := op.Send(input(t, link), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(s.Request.Method, base+s.Request.Path, bytes.NewReader(s.Request.Body))
	req.Header.Set("Authorization", "Bearer "+alice)
	req.Header.Set("Content-Type", s.Request.ContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, nerr := ops.Answer(&s, resp.StatusCode, resp.Header.Get("Retry-After"), body, cfg.Now)
	if native := ops.ErrorText(nerr); nerr == nil || !bytes.Equal(r.Err, native) {
		t.Fatalf("plugin and native differ\nplugin: %s\nnative: %s", r.Err, native)
	}
}
