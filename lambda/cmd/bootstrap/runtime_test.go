package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharelink/sharelink/internal/logcapture"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// TestBootstrapUnderRuntimeAPI builds the bootstrap as make lambda does
// (-tags lambda.norpc) and runs it against a fake Lambda Runtime API with
// graphsim upstream: one HTTP API event in, one API Gateway response out.
func TestBootstrapUnderRuntimeAPI(t *testing.T) {
	bin := buildBootstrap(t)
	sim := graphsim.New(graphsim.DemoSeed())
	simURL, closeSim, err := graphsim.Serve(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	defer closeSim()

	path := "/v1.0/me/drive/items/" + graphsim.DemoReportID + "/createLink"
	event, _ := json.Marshal(map[string]any{
		"version": "2.0", "routeKey": "$default", "rawPath": path,
		"headers":        map[string]string{"authorization": "Bearer " + graphsim.DemoToken(graphsim.DemoAliceUPN), "content-type": "application/json"},
		"requestContext": map[string]any{"requestId": "apigw-1", "http": map[string]string{"method": "POST", "path": path}},
		"body":           `{"type":"view","scope":"organization"}`, "isBase64Encoded": false,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	responses := make(chan []byte, 1)
	var served atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/2018-06-01/runtime/invocation/next":
			if served.Swap(true) {
				<-ctx.Done() // one invocation; then the runtime waits, as Lambda's would
				return
			}
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "lambda-req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(10*time.Second).UnixMilli(), 10))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:sharelink")
			_, _ = w.Write(event)
		case r.Method == "POST" && r.URL.Path == "/2018-06-01/runtime/invocation/lambda-req-1/response":
			b, _ := io.ReadAll(r.Body)
			responses <- b
			w.WriteHeader(http.StatusAccepted)
		default:
			t.Errorf("unexpected runtime API call %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer api.Close()
	defer cancel() // runs before api.Close: releases the parked next call

	logs := &logcapture.Buffer{}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"), "GRAPH_BASE_URL="+simURL,
		"AWS_LAMBDA_FUNCTION_NAME=sharelink", "SHARELINK_POLICY=")
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case b := <-responses:
		var resp struct {
			StatusCode int               `json:"statusCode"`
			Headers    map[string]string `json:"headers"`
			Body       string            `json:"body"`
		}
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		if resp.StatusCode != 201 || !strings.Contains(resp.Body, `"webUrl"`) || resp.Headers["request-id"] == "" {
			t.Fatalf("response %s", b)
		}
	case <-ctx.Done():
		t.Fatalf("no response from the bootstrap; its log: %s", logs.String())
	}
	// The log line is written after the response is returned.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), `"aws_request_id":"lambda-req-1"`); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line with the Lambda request id: %s", logs.String())
		}
	}
}

// TestBootstrapRefusesBadPolicy: the process exits 1 at init with a JSON
// line naming what is wrong.
func TestBootstrapRefusesBadPolicy(t *testing.T) {
	cmd := exec.Command(buildBootstrap(t))
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9", `SHARELINK_POLICY={"allowedScopes":["everyone"]}`)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1; output %s", err, out)
	}
	if !strings.Contains(string(out), `"level":"ERROR"`) || !strings.Contains(string(out), "policy.allowedScopes") {
		t.Fatalf("the log does not say what is wrong: %s", out)
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildBootstrap builds the bootstrap once per test binary, as make
// lambda does for the host's architecture.
func buildBootstrap(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "sharelink-bootstrap-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(buildDir, "bootstrap"), ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "bootstrap")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
