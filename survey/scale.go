package survey

// Text is a string in the two languages the service speaks. Vietnamese is
// required everywhere; English falls back to Vietnamese when missing.
type Text struct {
	VI string `yaml:"vi" json:"vi"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang ("vi" or "en").
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Option is one answer choice: an integer code for scales and single
// choices, a string code for multi-choice items.
type Option struct {
	Code  int    `yaml:"code" json:"code,omitempty"`
	Key   string `yaml:"key" json:"key,omitempty"`
	Icon  string `yaml:"icon" json:"icon,omitempty"` // CSS class of a face (f1 … f5)
	Label Text   `yaml:"label" json:"label"`
}

// Scale is a named answer scale. Answers store the integer code, never the
// label, so wording can change without touching stored data.
type Scale struct {
	Name    string
	Options []Option
	// Satisfaction marks the 1–5 scale the SIPAS index is computed on.
	Satisfaction bool
}

// Has reports whether code is one of the scale's codes.
func (s Scale) Has(code int) bool {
	for _, o := range s.Options {
		if o.Code == code {
			return true
		}
	}
	return false
}

// NotApplicable is the stored code for "không áp dụng": the citizen saw the
// item and said it does not apply. It is never a valid rating.
const NotApplicable = 0

// scales are the answer scales of QĐ 1001/QĐ-BNV and TT 01/2018
// (sipas-notes.md). Instruments refer to them by name.
var scales = map[string]Scale{
	"satisfaction5": {Name: "satisfaction5", Satisfaction: true, Options: []Option{
		{Code: 1, Icon: "f1", Label: Text{"Rất không hài lòng", "Very dissatisfied"}},
		{Code: 2, Icon: "f2", Label: Text{"Không hài lòng", "Dissatisfied"}},
		{Code: 3, Icon: "f3", Label: Text{"Bình thường", "Neutral"}},
		{Code: 4, Icon: "f4", Label: Text{"Hài lòng", "Satisfied"}},
		{Code: 5, Icon: "f5", Label: Text{"Rất hài lòng", "Very satisfied"}},
	}},
	"harassment3": {Name: "harassment3", Options: []Option{
		{Code: 1, Label: Text{"Không có", "None"}},
		{Code: 2, Label: Text{"Có một số", "Some"}},
		{Code: 3, Label: Text{"Có nhiều", "Many"}},
	}},
	"suitability4": {Name: "suitability4", Options: []Option{
		{Code: 1, Label: Text{"Không phù hợp", "Not suitable"}},
		{Code: 2, Label: Text{"Khá phù hợp", "Fairly suitable"}},
		{Code: 3, Label: Text{"Phù hợp", "Suitable"}},
		{Code: 4, Label: Text{"Rất phù hợp", "Very suitable"}},
	}},
	"expectation4": {Name: "expectation4", Options: []Option{
		{Code: 1, Label: Text{"Không mong muốn", "Not expected"}},
		{Code: 2, Label: Text{"Khá mong muốn", "Somewhat expected"}},
		{Code: 3, Label: Text{"Mong muốn", "Expected"}},
		{Code: 4, Label: Text{"Rất mong muốn", "Strongly expected"}},
	}},
	"rating3": {Name: "rating3", Options: []Option{
		{Code: 1, Icon: "f1", Label: Text{"Không hài lòng", "Dissatisfied"}},
		{Code: 2, Icon: "f4", Label: Text{"Hài lòng", "Satisfied"}},
		{Code: 3, Icon: "f5", Label: Text{"Rất hài lòng", "Very satisfied"}},
	}},
	"points3": {Name: "points3", Options: []Option{
		{Code: 0, Label: Text{"0 điểm", "0 points"}},
		{Code: 1, Label: Text{"1 điểm", "1 point"}},
		{Code: 2, Label: Text{"2 điểm", "2 points"}},
	}},
}

// LookupScale returns the named scale.
func LookupScale(name string) (Scale, bool) {
	s, ok := scales[name]
	return s, ok
}
