// Package hostile_test sends a corpus of hostile requests (corpus*.json) to
// the Lambda handler's net/http front over loopback, with graphsim as its
// upstream, and the applicable part of it through the WASM plugin in the Go
// host. Every request must be refused by sharelink itself: a 4xx with a
// Graph-shaped error naming the problem, and nothing sent to graphsim.
package hostile_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
	"github.com/sharelink/sharelink/tests/graphsim"
)

// entry is one hostile request and the answer it must get.
type entry struct {
	Category string `json:"-"`
	Name     string `json:"name"`
	Method   string `json:"method"`
	// Path is sent as the request target byte for byte (placeholders
	// replaced), so that no client library normalises what the attacker
	// wrote.
	Path  string `json:"path"`
	Query string `json:"query"`
	// Headers are added to or replace the defaults (Host, Authorization
	// with a real token, Content-Type: application/json when there is a
	// body, Content-Length, Connection: close); null removes one. A value
	// holding CR LF is written as is: that is the header-splitting attack.
	Headers map[string]*string `json:"headers"`
	Body    *string            `json:"body"`
	// BodyHex is a body that JSON text cannot hold (invalid UTF-8).
	BodyHex string `json:"bodyHex"`
	// Gen makes a value too big to keep literally (or compressed: the
	// gzip and zlib generators); it replaces {{gen}} in the path, the
	// body (the whole body when Body is absent) and the header values.
	Gen  *generator `json:"gen"`
	Want want       `json:"want"`
	// Plugin says how the same input reaches the plugin: "route"
	// (parse_route on method and path), "createLink" (build_create_link on
	// path and body), "grant" (build_grant on the path's share id and the
	// body), "share" (the share id slot: parse_route, build_grant and, for
	// u! ids, decode_sharing_url), "request" (build_request on method,
	// path, body and headers: any action of the table). Empty: the refusal belongs to the HTTP
	// front (auth, media type, size, query, headers), which the plugin
	// does not have.
	Plugin string `json:"plugin"`
	// Policy is the organisation policy (core's JSON form) the server and
	// the plugin run with for this entry; absent: none.
	Policy json.RawMessage `json:"policy"`
	// Note says why an entry expects what it does, where that is not plain.
	Note string `json:"note"`
}

// want is the refusal: status, Graph code, target ("" when core gives
// none) and, optionally, words the message must contain.
type want struct {
	Status int     `json:"status"`
	Code   string  `json:"code"`
	Target *string `json:"target"`
	Msg    string  `json:"msg"`
}

// generator is a deterministic recipe for a value: a name and parameters.
type generator struct {
	Name   string `json:"name"`
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
	Unit   string `json:"unit"` // repeat: the repeated text; nest: the opening
	// UnitHex is Unit as hex, for bytes JSON text cannot hold.
	UnitHex string `json:"unitHex"`
	Close   string `json:"close"` // nest: the closing text
	Count   int    `json:"count"`
	Sep     string `json:"sep"` // recipients: between entries
	Form    string `json:"form"`
}

// maxGen bounds every generated value: the corpus may not make the test
// allocate without limit.
const maxGen = 16 << 20

func (g *generator) make() (string, error) {
	if g.UnitHex != "" {
		u, err := hex.DecodeString(g.UnitHex)
		if err != nil {
			return "", fmt.Errorf("unitHex: %v", err)
		}
		g.Unit = string(u)
	}
	switch g.Name {
	case "gzip", "zlib":
		// The bytes of Prefix + Unit×Count + Suffix, compressed: a bomb
		// (10 MB of one byte is 10 KB of gzip) or a small body, sent
		// with the Content-Encoding the entry gives.
		if len(g.Unit)*g.Count > maxGen {
			return "", fmt.Errorf("%s: %d bytes is over the bound", g.Name, len(g.Unit)*g.Count)
		}
		var z bytes.Buffer
		var w io.WriteCloser = gzip.NewWriter(&z)
		if g.Name == "zlib" {
			w = zlib.NewWriter(&z)
		}
		_, _ = io.WriteString(w, g.Prefix+strings.Repeat(g.Unit, g.Count)+g.Suffix) // writes to memory do not fail
		if err := w.Close(); err != nil {
			return "", err
		}
		return z.String(), nil
	}
	var b strings.Builder
	b.WriteString(g.Prefix)
	switch g.Name {
	case "repeat":
		if len(g.Unit)*g.Count > maxGen {
			return "", fmt.Errorf("repeat: %d bytes is over the bound", len(g.Unit)*g.Count)
		}
		b.WriteString(strings.Repeat(g.Unit, g.Count))
	case "nest":
		if (len(g.Unit)+len(g.Close))*g.Count > maxGen {
			return "", fmt.Errorf("nest: over the bound")
		}
		b.WriteString(strings.Repeat(g.Unit, g.Count))
		b.WriteString(strings.Repeat(g.Close, g.Count))
	case "recipients":
		// Count distinct driveRecipient objects, joined by Sep (default
		// ","): email u0@contoso.com…, alias user0…, or objectId GUIDs.
		if g.Count > 1<<20 {
			return "", fmt.Errorf("recipients: count over the bound")
		}
		sep := g.Sep
		if sep == "" {
			sep = ","
		}
		for i := range g.Count {
			if i > 0 {
				b.WriteString(sep)
			}
			switch g.Form {
			case "email":
				fmt.Fprintf(&b, `{"email":"u%d@contoso.com"}`, i)
			case "alias":
				fmt.Fprintf(&b, `{"alias":"user%d"}`, i)
			case "objectId":
				fmt.Fprintf(&b, `{"objectId":"00000000-0000-4000-8000-%012d"}`, i)
			default:
				return "", fmt.Errorf("recipients: unknown form %q", g.Form)
			}
		}
	case "keys":
		// Count distinct members "{Unit}0":{Form},"{Unit}1":{Form},…
		// (Form a JSON value, default 0), joined by Sep (default ",").
		if g.Count > 1<<20 {
			return "", fmt.Errorf("keys: count over the bound")
		}
		sep, val := g.Sep, g.Form
		if sep == "" {
			sep = ","
		}
		if val == "" {
			val = "0"
		}
		for i := range g.Count {
			if i > 0 {
				b.WriteString(sep)
			}
			fmt.Fprintf(&b, `"%s%d":%s`, g.Unit, i, val)
		}
	default:
		return "", fmt.Errorf("unknown generator %q", g.Name)
	}
	b.WriteString(g.Suffix)
	return b.String(), nil
}

// group is how corpus.json is written: a category, the fields its cases
// share, and the cases, each overriding what it sets.
type group struct {
	Category string                     `json:"category"`
	Defaults map[string]json.RawMessage `json:"defaults"`
	Cases    []map[string]json.RawMessage
}

// The fixed values placeholders stand for. The share id is a well-formed
// u! id of a link URL: grant cases that are refused for their body name a
// share that would resolve.
var (
	shareURL = "https://contoso-my.sharepoint.com/:w:/g/personal/alice_contoso_com/EaBcD"
	shareID  = core.EncodeSharingURL(shareURL)
	token    = graphsim.DemoToken(graphsim.DemoAliceUPN)
	item     = graphsim.DemoReportID
	folder   = graphsim.DemoPlansID

	placeholders = strings.NewReplacer(
		"{{create}}", "/v1.0/me/drive/items/"+item+"/createLink",
		"{{createBeta}}", "/beta/me/drive/items/"+item+"/createLink",
		"{{grant}}", "/v1.0/shares/"+shareID+"/permission/grant",
		"{{perms}}", "/v1.0/me/drive/items/"+item+"/permissions",
		"{{item}}", item,
		"{{folder}}", folder,
		"{{share}}", shareID,
		"{{token}}", token,
	)
)

// loadCorpus reads every corpus*.json file of the folder (corpus.json and
// one file per defect class added since) and expands their groups and
// generators. It refuses entries that do not say what they expect.
func loadCorpus(t testing.TB) []*entry {
	t.Helper()
	files, err := filepath.Glob("corpus*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus*.json files: %v", err)
	}
	var groups []group
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var gs []group
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&gs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		groups = append(groups, gs...)
	}
	var out []*entry
	names := map[string]bool{}
	for _, g := range groups {
		for i, c := range g.Cases {
			merged := map[string]json.RawMessage{}
			for k, v := range g.Defaults {
				merged[k] = v
			}
			for k, v := range c {
				merged[k] = v
			}
			b, _ := json.Marshal(merged)
			e := &entry{Category: g.Category}
			d := json.NewDecoder(bytes.NewReader(b))
			d.DisallowUnknownFields()
			if err := d.Decode(e); err != nil {
				t.Fatalf("corpus.json: %s case %d: %v", g.Category, i, err)
			}
			if err := e.expand(); err != nil {
				t.Fatalf("corpus.json: %s/%s: %v", g.Category, e.Name, err)
			}
			key := g.Category + "/" + e.Name
			if e.Name == "" || names[key] {
				t.Fatalf("corpus.json: %s case %d: empty or repeated name %q", g.Category, i, e.Name)
			}
			names[key] = true
			out = append(out, e)
		}
	}
	return out
}

// expand replaces placeholders, runs the generator and checks the entry
// says what it expects.
func (e *entry) expand() error {
	w := &e.Want
	switch {
	case w.Status < 400 || w.Status > 499:
		return fmt.Errorf("want.status %d is not a 4xx", w.Status)
	case w.Code == "":
		return fmt.Errorf("want.code is missing")
	case w.Target == nil:
		return fmt.Errorf(`want.target is missing (write "" when core gives none)`)
	case *w.Target == "" && w.Msg == "":
		return fmt.Errorf("without a target, want.msg must say what the message names")
	}
	if e.Method == "" {
		e.Method = "POST"
	}
	gen := ""
	if e.Gen != nil {
		var err error
		if gen, err = e.Gen.make(); err != nil {
			return err
		}
		if e.Body == nil && e.BodyHex == "" {
			s := "{{gen}}"
			e.Body = &s
		}
	}
	rep := func(s string) string {
		s = placeholders.Replace(s)
		if gen != "" {
			s = strings.ReplaceAll(s, "{{gen}}", gen)
		}
		return s
	}
	e.Path = rep(e.Path)
	e.Method = rep(e.Method)
	e.Query = rep(e.Query)
	if e.Body != nil {
		s := rep(*e.Body)
		e.Body = &s
	}
	for k, v := range e.Headers {
		if v != nil {
			s := rep(*v)
			e.Headers[k] = &s
		}
	}
	if e.BodyHex != "" {
		b, err := hex.DecodeString(strings.ReplaceAll(e.BodyHex, " ", ""))
		if err != nil {
			return fmt.Errorf("bodyHex: %v", err)
		}
		s := string(b)
		e.Body = &s
	}
	switch e.Plugin {
	case "", "route", "createLink", "grant", "share", "request":
	default:
		return fmt.Errorf("unknown plugin mode %q", e.Plugin)
	}
	return nil
}

func (e *entry) id() string { return e.Category + "/" + e.Name }

// body is the request body ("" when none).
func (e *entry) body() string {
	if e.Body == nil {
		return ""
	}
	return *e.Body
}

// describe is a short form of the entry for failure messages: huge
// bodies are not printed.
func (e *entry) describe() string {
	b := e.body()
	if len(b) > 200 {
		b = b[:200] + "…(" + strconv.Itoa(len(b)) + " bytes)"
	}
	p := e.Path
	if len(p) > 200 {
		p = p[:200] + "…"
	}
	return fmt.Sprintf("%s %s?%s body=%q", e.Method, p, e.Query, b)
}
