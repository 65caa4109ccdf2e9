package peers

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sharelink/sharelink/core"
)

// naiveShareID is seed 004's algorithm written the obvious way: standard
// base64, every trailing '=' trimmed, every '/' and '+' mapped. It is
// correct; it only does more passes and copies than core.
func naiveShareID(url string) string {
	s := base64.StdEncoding.EncodeToString([]byte(url))
	s = strings.TrimRight(s, "=")
	s = strings.ReplaceAll(s, "/", "_")
	s = strings.ReplaceAll(s, "+", "-")
	return "u!" + s
}

// onePadFirstSlashShareID ports the shortcut some libraries take, e.g. in
// JavaScript base64.replace(/=$/, "").replace("/", "_").replace("+", "-"),
// where a string pattern replaces only its first match: one trailing '='
// removed, only the first '/' and the first '+' mapped. It agrees with the
// docs only while the base64 has at most one of each.
func onePadFirstSlashShareID(url string) string {
	s := base64.StdEncoding.EncodeToString([]byte(url))
	s = strings.TrimSuffix(s, "=")
	s = strings.Replace(s, "/", "_", 1)
	s = strings.Replace(s, "+", "-", 1)
	return "u!" + s
}

// shareURL200 is a 200-character sharing URL of the kind SharePoint's
// "Copy link" hands out. Its base64 happens to hold no '/' or '+' and one
// '=', the common case, where the replacements find nothing to copy.
const shareURL200 = "https://contoso.sharepoint.com/:w:/r/sites/design/_layouts/15/Doc.aspx?sourcedoc=%7BB7A1C2D3-4E5F-4A6B-9C8D-7E6F5A4B3C2D%7D&file=Product%20Spec%20v3.docx&action=default&mobileredirect=true&wdLOR=c4A2F"

// shareURL200NonASCII is 200 bytes (164 characters) with a Japanese site,
// library and file name: its base64 holds two '/' and two '+', so the
// replacements have work to do.
const shareURL200NonASCII = "https://contoso.sharepoint.com/sites/研究開発/共有ドキュメント/新規事業計画.pptx?d=w6f3e2d1c0b9a4876a5b4c3d2e1f0a9b8&csf=1&web=1&e=4%3aAbCdEf&at=9&CID=6f3e2d1c-0b9a-4876-a5b4-c3d2e1f"

// shareCase is a URL with what its standard base64 holds, so each case
// says which rule it exercises and the test fails if the URL is edited
// into one that no longer does.
type shareCase struct {
	url                string
	pad, slash, plus   int
	buggyPortGoesWrong bool
}

var shareCases = []shareCase{
	// Two padding characters: the port leaves one '='.
	{"https://1drv.ms/w/s!AkE3xUt6Y3kYgQ", 2, 0, 0, true},
	// Several '/': the port leaves the second.
	{"https://contoso.sharepoint.com/sites/Vertrieb/Shared%20Documents/Übersicht.xlsx?web=1", 1, 2, 0, true},
	// Several '+': the port leaves the second and third.
	{"https://contoso.sharepoint.com/sites/研究開発/Shared%20Documents/设计规范.docx", 1, 0, 3, true},
	// All three at once.
	{"https://contoso.sharepoint.com/sites/研究開発/共有ドキュメント/新規事業計画.pptx?d=w6f3e", 2, 2, 2, true},
	{shareURL200NonASCII, 1, 2, 2, true},
	// Controls: at most one of each, where the port happens to agree. They
	// show the test tells the two apart rather than rejecting the port
	// wholesale.
	{"https://contoso.sharepoint.com/sites/営業部/Shared%20Documents/見積書.xlsx?web=1", 1, 1, 1, false},
	{shareURL200, 1, 0, 0, false},
}

func TestOnePadFirstSlashPortGivesWrongIDs(t *testing.T) {
	if len(shareURL200) != 200 || len(shareURL200NonASCII) != 200 {
		t.Fatalf("benchmark URLs are %d and %d bytes, want 200", len(shareURL200), len(shareURL200NonASCII))
	}
	for _, c := range shareCases {
		std := base64.StdEncoding.EncodeToString([]byte(c.url))
		if p, s, q := strings.Count(std, "="), strings.Count(std, "/"), strings.Count(std, "+"); p != c.pad || s != c.slash || q != c.plus {
			t.Errorf("%s: base64 has %d '=', %d '/', %d '+'; the case says %d, %d, %d", c.url, p, s, q, c.pad, c.slash, c.plus)
			continue
		}

		id := core.EncodeSharingURL(c.url)
		if back, err := core.DecodeSharingURL(id); err != nil || back != c.url {
			t.Errorf("%s: core's id %s decodes to %q, %v", c.url, id, back, err)
		}
		if n := naiveShareID(c.url); n != id {
			t.Errorf("%s: the docs' algorithm gives %s, core %s", c.url, n, id)
		}

		buggy := onePadFirstSlashShareID(c.url)
		_, rawErr := base64.RawURLEncoding.DecodeString(buggy[2:])
		_, coreErr := core.DecodeSharingURL(buggy)
		if !c.buggyPortGoesWrong {
			if buggy != id || rawErr != nil || coreErr != nil {
				t.Errorf("%s: control case: port gives %s, core %s", c.url, buggy, id)
			}
			continue
		}
		t.Logf("%s\n\tcore %s\n\tport %s", c.url, id, buggy)
		if buggy == id {
			t.Errorf("%s: the port gave the right id %s", c.url, id)
		}
		if rawErr == nil {
			t.Errorf("%s: the port's id %s decodes as unpadded base64url", c.url, buggy)
		}
		if coreErr == nil {
			t.Errorf("%s: core.DecodeSharingURL accepted the port's id %s", c.url, buggy)
		}
		// What sharelink does with such an id when a caller sends one:
		// NormalizeShareID repairs it to the id Graph expects.
		if fixed, kind, err := core.NormalizeShareID(buggy); err != nil || fixed != id || kind != core.ShareEncodedURL {
			t.Errorf("%s: NormalizeShareID(%s) = %s, %v, %v; want %s", c.url, buggy, fixed, kind, err, id)
		}
	}
}

var (
	sinkString string
	sinkID     []byte
)

// BenchmarkSharingURL encodes each 200-byte URL four ways. core_append
// writes into a buffer the caller keeps, as a path builder does;
// core_encode returns a new string, like the peers.
func BenchmarkSharingURL(b *testing.B) {
	for _, u := range []struct{ name, url string }{
		{"ascii200", shareURL200},
		{"nonascii200", shareURL200NonASCII},
	} {
		b.Run(u.name+"/core_encode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString = core.EncodeSharingURL(u.url)
			}
		})
		b.Run(u.name+"/core_append", func(b *testing.B) {
			buf := make([]byte, 0, 512)
			b.ReportAllocs()
			for b.Loop() {
				buf = core.AppendSharingURL(buf[:0], u.url)
			}
			sinkID = buf
		})
		b.Run(u.name+"/naive", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString = naiveShareID(u.url)
			}
		})
		b.Run(u.name+"/one_pad_first_slash", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString = onePadFirstSlashShareID(u.url)
			}
		})
	}
}
