package survey

import (
	"net/url"
	"reflect"
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
