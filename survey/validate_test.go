package survey

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func counter(t *testing.T) *Instrument {
	t.Helper()
	set, err := LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := set.Latest("counter")
	return in
}

func valid() url.Values {
	return url.Values{
		"overall": {"5"}, "a": {"4"}, "b": {"4"}, "c": {"5"}, "d": {"0"}, "e": {"3"},
		"harass": {"1"}, "online_next": {"2"}, "heard": {"radio"},
		FieldCSRF: {"x"}, FieldTicket: {"y"}, FieldHoneypot: {""}, FieldLang: {"vi"},
	}
}

func TestValidate(t *testing.T) {
	in := counter(t)
	tests := []struct {
		name   string
		change func(v url.Values)
		want   map[string]string // field → problem; nil means valid
	}{
		{"valid", func(url.Values) {}, nil},
		{"missing required", func(v url.Values) { v.Del("overall") }, map[string]string{"overall": ProblemRequired}},
		{"blank required", func(v url.Values) { v.Set("a", " ") }, map[string]string{"a": ProblemRequired}},
		{"out of range", func(v url.Values) { v.Set("b", "6") }, map[string]string{"b": ProblemInvalid}},
		{"not a number", func(v url.Values) { v.Set("c", "năm") }, map[string]string{"c": ProblemInvalid}},
		{"n/a where not offered", func(v url.Values) { v.Set("overall", "0") }, map[string]string{"overall": ProblemInvalid}},
		{"two values", func(v url.Values) { v["e"] = []string{"4", "5"} }, map[string]string{"e": ProblemTooMany}},
		{"unknown channel", func(v url.Values) { v.Add("heard", "tiktok") }, map[string]string{"heard": ProblemInvalid}},
		{"exclusive with others", func(v url.Values) { v.Add("heard", "none") }, map[string]string{"heard": ProblemExclusive}},
		{"choice code 4", func(v url.Values) { v.Set("online_next", "4") }, map[string]string{"online_next": ProblemInvalid}},
		{"comment too long", func(v url.Values) { v.Set("comment", strings.Repeat("ấ", 1001)) }, map[string]string{"comment": ProblemTooLong}},
		{"comment control char", func(v url.Values) { v.Set("comment", "a\x00b") }, map[string]string{"comment": ProblemControlChr}},
		{"invalid utf-8", func(v url.Values) { v.Set("comment", "\xff\xfe") }, map[string]string{"comment": ProblemEncoding}},
		{"unknown field", func(v url.Values) { v.Set("ip", "1.2.3.4") }, map[string]string{formLevel: ProblemUnknown}},
		{"several problems", func(v url.Values) { v.Del("overall"); v.Set("b", "x") },
			map[string]string{"overall": ProblemRequired, "b": ProblemInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := valid()
			tt.change(v)
			_, err := Validate(in, v)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("got %v, want *ValidationError", err)
			}
			if !reflect.DeepEqual(ve.Fields, tt.want) {
				t.Errorf("problems = %v, want %v", ve.Fields, tt.want)
			}
		})
	}
}

func TestValidateParsesAnswers(t *testing.T) {
	v := valid()
	v["heard"] = []string{"radio", "portal", "radio"}
	v.Set("comment", "  Rất tốt\r\ncảm ơn  ")
	a, err := Validate(counter(t), v)
	if err != nil {
		t.Fatal(err)
	}
	wantScores := map[string]int{"overall": 5, "a": 4, "b": 4, "c": 5, "d": 0, "e": 3, "harass": 1, "online_next": 2}
	if !reflect.DeepEqual(a.Scores, wantScores) {
		t.Errorf("scores = %v, want %v", a.Scores, wantScores)
	}
	if got := a.Choices["heard"]; !reflect.DeepEqual(got, []string{"radio", "portal"}) {
		t.Errorf("heard = %v, want duplicates removed", got)
	}
	if a.Comment != "Rất tốt\ncảm ơn" {
		t.Errorf("comment = %q", a.Comment)
	}
}

// TestValidatePoints checks TT 01/2018 indicators, whose codes are points
// and may be 0 without meaning "không áp dụng".
func TestValidatePoints(t *testing.T) {
	in, err := ParseInstrument([]byte(goodInstrument + pointsItem))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		vals   []string // nil: field absent
		want   string   // problem; "" means valid
		points int
	}{
		{"code 0", []string{"0"}, "", 0},
		{"code 2", []string{" 2 "}, "", 2},
		{"code 3", []string{"3"}, ProblemInvalid, 0},
		{"negative", []string{"-1"}, ProblemInvalid, 0},
		{"not a number", []string{"hai"}, ProblemInvalid, 0},
		{"missing", nil, ProblemRequired, 0},
		{"blank", []string{""}, ProblemRequired, 0},
		{"two values", []string{"0", "2"}, ProblemTooMany, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{"q": {"4"}}
			if tt.vals != nil {
				v["p"] = tt.vals
			}
			a, err := Validate(in, v)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				if got, ok := a.Scores["p"]; !ok || got != tt.points {
					t.Errorf("points = %d (stored %v), want %d", got, ok, tt.points)
				}
				return
			}
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("got %v, want *ValidationError", err)
			}
			if want := map[string]string{"p": tt.want}; !reflect.DeepEqual(ve.Fields, want) {
				t.Errorf("problems = %v, want %v", ve.Fields, want)
			}
		})
	}
}

func TestValidateShippedTT01(t *testing.T) {
	set, err := LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := set.Get("tt01@1")
	if !ok {
		t.Fatal("tt01@1 not loaded")
	}
	v := url.Values{"rating": {"2"}}
	for i := 1; i <= 9; i++ {
		v.Set("i"+strconv.Itoa(i), strconv.Itoa(i%3))
	}
	a, err := Validate(in, v)
	if err != nil {
		t.Fatal(err)
	}
	if a.Scores["i3"] != 0 || a.Scores["i5"] != 2 || len(a.Scores) != 10 {
		t.Errorf("scores = %v", a.Scores)
	}
	v.Set("i1", "0")
	v.Set("rating", "0")
	if _, err := Validate(in, v); err == nil || err.(*ValidationError).Fields["rating"] != ProblemInvalid {
		t.Errorf("rating 0 must be invalid: %v", err)
	}
}
