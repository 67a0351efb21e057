package survey

import (
	"reflect"
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

// pointsItem is a TT 01/2018 indicator: codes are points and may be 0.
const pointsItem = `  - code: p
    type: points
    required: true
    text: {vi: "Tổng thời gian giải quyết"}
    options:
      - {code: 2, label: {vi: "Đúng hạn"}}
      - {code: 1, label: {vi: "Quá hạn, có xin lỗi"}}
      - {code: 0, label: {vi: "Quá hạn"}}
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
		{"points with code 0", goodInstrument + pointsItem, ""},
		{"points negative code", goodInstrument + strings.Replace(pointsItem, "code: 0,", "code: -1,", 1), "must not be negative"},
		{"points duplicate code", goodInstrument + strings.Replace(pointsItem, "code: 0,", "code: 1,", 1), "duplicate option 1"},
		{"points with one option", goodInstrument + `  - code: p
    type: points
    text: {vi: "Chỉ số"}
    options:
      - {code: 0, label: {vi: "0 điểm"}}
`, "at least two options"},
		{"points without label", goodInstrument + strings.Replace(pointsItem, `{code: 0, label: {vi: "Quá hạn"}}`, `{code: 0, label: {en: "Late"}}`, 1), "option 0 needs label.vi"},
		{"points with na", goodInstrument + strings.Replace(pointsItem, "type: points", "type: points\n    na: true", 1), "only scale items"},
		{"choice code 0 still refused", goodInstrument + strings.Replace(pointsItem, "type: points", "type: choice", 1), "option codes start at 1"},
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

func TestShippedInstruments(t *testing.T) {
	set, err := LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"counter@1", "sipas-2023@1", "tt01@1"} {
		in, ok := set.Get(id)
		if !ok {
			t.Fatalf("%s not loaded (have %v)", id, set.IDs())
		}
		if in.Title.EN == "" || in.Intro.VI == "" || in.Intro.EN == "" {
			t.Errorf("%s: title and intro need both languages", id)
		}
		for _, it := range in.Items {
			if it.Text.EN == "" {
				t.Errorf("%s: item %s has no English text", id, it.Code)
			}
			for _, o := range it.Options {
				if o.Label.EN == "" {
					t.Errorf("%s: item %s option %d%s has no English label", id, it.Code, o.Code, o.Key)
				}
			}
		}
	}

	sipas, _ := set.Get("sipas-2023@1")
	perElement := map[string]int{}
	satisfaction, expectation := 0, 0
	for _, it := range sipas.Items {
		if it.Satisfaction() {
			satisfaction++
			perElement[it.Element]++
			if !it.Required || !it.NA || it.Overall {
				t.Errorf("sipas %s: criteria must be required, offer n/a and name an element", it.Code)
			}
		}
		if it.Type == TypeScale && it.Scale == "expectation4" {
			expectation++
			if it.Required {
				t.Errorf("sipas %s: expectations are optional", it.Code)
			}
		}
	}
	if want := map[string]int{"A": 3, "B": 4, "C": 3, "D": 3, "E": 3}; satisfaction != 16 || !reflect.DeepEqual(perElement, want) {
		t.Errorf("sipas: %d satisfaction items by element %v, want 16 as %v", satisfaction, perElement, want)
	}
	if expectation != 10 {
		t.Errorf("sipas: %d expectation items, want 10", expectation)
	}
	heard, ok := sipas.Item("heard")
	if !ok || heard.Type != TypeMulti || heard.Exclusive != "none" {
		t.Fatalf("sipas: heard must be a multi item with exclusive none")
	}
	counterHeard := mustItem(t, set, "counter@1", "heard")
	for _, o := range counterHeard.Options {
		if !hasKey(heard.Options, o.Key) {
			t.Errorf("sipas: heard lacks counter's channel %q", o.Key)
		}
	}

	tt01, _ := set.Get("tt01@1")
	points, rating := 0, 0
	for _, it := range tt01.Items {
		switch {
		case it.Type == TypePoints:
			points++
			codes := map[int]bool{}
			for _, o := range it.Options {
				codes[o.Code] = true
			}
			if !it.Required || !reflect.DeepEqual(codes, map[int]bool{0: true, 1: true, 2: true}) {
				t.Errorf("tt01 %s: want a required item scored 0, 1 or 2, got codes %v", it.Code, codes)
			}
		case it.Type == TypeScale && it.Scale == "rating3":
			rating++
		}
	}
	if points != 9 || rating != 1 {
		t.Errorf("tt01: %d points items and %d rating3 items, want 9 and 1", points, rating)
	}
}

func mustItem(t *testing.T, set *Instruments, id, code string) *Item {
	t.Helper()
	in, ok := set.Get(id)
	if !ok {
		t.Fatalf("%s not loaded", id)
	}
	it, ok := in.Item(code)
	if !ok {
		t.Fatalf("%s has no item %s", id, code)
	}
	return it
}
