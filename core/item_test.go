package core

import (
	"bytes"
	"testing"
)

func TestShapeCollectionWrapsASingle(t *testing.T) {
	single := []byte(`{"id":"a","roles":["read"],"link":{"type":"view","scope":"users"}}`)
	s, err := ShapeCollection(201, single)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"value":[{"id":"a","roles":["read"],"link":{"type":"view","scope":"users"}}]}`
	if string(s.Body) != want || !s.Collection || s.Created || s.Link != 0 || len(s.Kinds) != 1 || s.Kinds[0] != KindLink {
		t.Fatalf("got %s %+v", s.Body, s)
	}
	if got := s.Entry(0); !bytes.Equal(got, single) {
		t.Fatalf("Entry(0) = %s", got)
	}
	// A collection is the collection ShapePermission gives, and a wrapped
	// single shapes again to the same bytes.
	for _, in := range [][]byte{[]byte(want), []byte(`{"value":[{"id":"a"},{"id":"b","roles":["sp.owner"]}]}`)} {
		c, err := ShapeCollection(200, in)
		p, _ := ShapePermission(200, in)
		if err != nil || !bytes.Equal(c.Body, p.Body) || !c.Collection {
			t.Fatalf("%s: %s vs %s, %v", in, c.Body, p.Body, err)
		}
	}
	if _, err := ShapeCollection(200, []byte(`{"value":`)); AsError(err).Status != 502 {
		t.Fatalf("malformed: %v", err)
	}
}

func TestCheckItem(t *testing.T) {
	for in, ok := range map[string]bool{
		`{"id":"01AB","name":"Report.docx","file":{"mimeType":"x"}}`: true,
		`[]`:            false,
		`{"id":`:        false,
		"":              false,
		"<html></html>": false,
	} {
		err := CheckItem([]byte(in))
		if (err == nil) != ok {
			t.Errorf("CheckItem(%q) = %v", in, err)
		}
		if err != nil && (AsError(err).Status != 502 || AsError(err).Target != "body") {
			t.Errorf("CheckItem(%q) error %+v", in, AsError(err))
		}
	}
}
