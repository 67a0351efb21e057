package survey

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadEmbeddedInstruments(t *testing.T) {
	set, err := LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := set.Latest("counter")
	if !ok {
		t.Fatal("no counter instrument")
	}
	if in.ID() != "counter@1" {
		t.Errorf("counter id = %s", in.ID())
	}
	elements := map[string]bool{}
	for _, it := range in.Items {
		if it.Satisfaction() && !it.Overall {
			elements[it.Element] = true
		}
		if it.Text.EN == "" {
			t.Errorf("item %s has no English text", it.Code)
		}
	}
	if len(elements) != 5 {
		t.Errorf("counter covers elements %v, want A–E", elements)
	}
}

const goodInstrument = `
code: t
version: 1
title: {vi: "Thử", en: "Test"}
items:
  - code: q
    type: scale
    scale: satisfaction5
    element: A
    text: {vi: "Câu hỏi"}
`

func TestParseInstrumentErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"valid", goodInstrument, ""},
		{"broken yaml", "code: [", "yaml"},
		{"unknown key", strings.Replace(goodInstrument, "element: A", "element: A\n    elemnt: B", 1), "field elemnt not found"},
		{"unknown scale", strings.Replace(goodInstrument, "satisfaction5", "stars7", 1), `unknown scale "stars7"`},
		{"satisfaction without element", strings.Replace(goodInstrument, "    element: A\n", "", 1), "must name a SIPAS element"},
		{"bad element", strings.Replace(goodInstrument, "element: A", "element: F", 1), "must name a SIPAS element"},
		{"duplicate code", goodInstrument + `  - code: q
    type: text
    max: 10
    text: {vi: "Lần hai"}
`, "duplicate code"},
		{"no version", strings.Replace(goodInstrument, "version: 1", "version: 0", 1), "version must be a positive integer"},
		{"no vietnamese", strings.Replace(goodInstrument, `{vi: "Câu hỏi"}`, `{en: "Question"}`, 1), "text.vi is required"},
		{"na on points scale", strings.Replace(goodInstrument, "scale: satisfaction5\n    element: A", "scale: points3\n    na: true", 1), "reserved"},
		{"choice with one option", goodInstrument + `  - code: c
    type: choice
    text: {vi: "Chọn"}
    options:
      - {code: 1, label: {vi: "Một"}}
`, "at least two options"},
		{"text without max", goodInstrument + `  - code: x
    type: text
    text: {vi: "Góp ý"}
`, "max between"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseInstrument([]byte(tt.yaml))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadInstrumentsFSNamesTheFile(t *testing.T) {
	fsys := fstest.MapFS{
		"ok.yaml":     {Data: []byte(goodInstrument)},
		"broken.yaml": {Data: []byte("code: x\nversion: 1\ntitle: {vi: X}\nitems: []\n")},
	}
	_, err := LoadInstrumentsFS(fsys)
	if err == nil || !strings.Contains(err.Error(), "broken.yaml") || !strings.Contains(err.Error(), "no items") {
		t.Fatalf("error = %v, want it to name broken.yaml and the problem", err)
	}
	fsys = fstest.MapFS{"a.yaml": {Data: []byte(goodInstrument)}, "b.yaml": {Data: []byte(goodInstrument)}}
	if _, err := LoadInstrumentsFS(fsys); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("duplicate version: error = %v", err)
	}
}
