package ops

import (
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
)

// A link Graph returned that breaks a rule in refuse mode is check_answer's
// error: a 403 naming the rule, its message the permission's id.
func TestCheckAnswerRefusalNamesPermission(t *testing.T) {
	p, err := core.ParsePolicy([]byte(`{"denyAnonymous":true}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{GraphBaseURL: DefaultGraphBaseURL, Policy: p}
	in := `{"method":"POST","path":"/me/drive/items/01ABC/createLink","body":{"type":"view","scope":"organization"},` +
		`"status":200,"answer":{"id":"old-anon","roles":["read"],"link":{"type":"view","scope":"anonymous"}}}`
	_, err = Do("check_answer", []byte(in), &cfg)
	e := core.AsError(err)
	if e.Status != 403 || e.Target != "policy.denyAnonymous" || !strings.Contains(e.Message, "'old-anon'") {
		t.Fatalf("check_answer: %s", ErrorText(err))
	}
}
