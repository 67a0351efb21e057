package paper

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hailong/internal/web"
	"hailong/survey"
)

// paperOption is one answer of a printed question: the box, the code
// printed beside it and the key that picks it on the entry screen (the
// same character).
type paperOption struct {
	Key     string // printed code and keyboard key: "1"…"9", "0" for không áp dụng, "a"… past nine
	Value   string // form value: the integer code, or a multi-choice key
	Label   string
	Checked bool
}

// paperQuestion is one item of an instrument as printed and keyed.
type paperQuestion struct {
	Num      int
	Code     string
	Type     string // survey.Type*
	Text     string
	Hint     string
	Required bool
	Max      int
	// Exclusive is the multi-choice key that cannot go with others.
	Exclusive string
	Options   []paperOption
	// Value is the text typed for a text item.
	Value   string
	Problem string
}

// Multi reports whether several options may be ticked.
func (q paperQuestion) Multi() bool { return q.Type == survey.TypeMulti }

// IsText reports whether the item is free text.
func (q paperQuestion) IsText() bool { return q.Type == survey.TypeText }

// paperKey is the keyboard key of the i-th option (0-based) of a
// multi-choice item: 1–9, then a, b, c…
func paperKey(i int) string {
	if i < 9 {
		return strconv.Itoa(i + 1)
	}
	return string(rune('a' + i - 9))
}

// paperQuestions lays out in's items in lang, ticking what form holds and
// naming the problems of fields (item code → problem code).
func paperQuestions(in *survey.Instrument, cat *web.Catalog, lang string, form url.Values, problems map[string]string) []paperQuestion {
	out := make([]paperQuestion, 0, len(in.Items))
	for i := range in.Items {
		it := &in.Items[i]
		q := paperQuestion{Num: i + 1, Code: it.Code, Type: it.Type, Text: it.Text.In(lang), Hint: it.Hint.In(lang),
			Required: it.Required, Max: it.Max, Exclusive: it.Exclusive}
		picked := form[it.Code]
		switch it.Type {
		case survey.TypeText:
			q.Value = form.Get(it.Code)
		case survey.TypeMulti:
			for j, o := range it.Options {
				q.Options = append(q.Options, paperOption{Key: paperKey(j), Value: o.Key, Label: o.Label.In(lang), Checked: slices.Contains(picked, o.Key)})
			}
		default:
			for _, o := range it.Choices() {
				v := strconv.Itoa(o.Code)
				q.Options = append(q.Options, paperOption{Key: v, Value: v, Label: o.Label.In(lang), Checked: slices.Contains(picked, v)})
			}
			if it.NA {
				v := strconv.Itoa(survey.NotApplicable)
				q.Options = append(q.Options, paperOption{Key: v, Value: v, Label: cat.T(lang, "form.na"), Checked: slices.Contains(picked, v)})
			}
		}
		if p := problems[it.Code]; p == survey.ProblemTooLong {
			q.Problem = cat.T(lang, "err."+p, it.Max)
		} else if p != "" {
			q.Problem = cat.T(lang, "err."+p)
		}
		out = append(out, q)
	}
	return out
}

// keyedAnswers are the answers of one keying, as stored.
type keyedAnswers struct {
	Scores  map[string]int
	Choices map[string][]string
	Comment string
}

func answersOf(e *Entry) keyedAnswers {
	return keyedAnswers{Scores: e.Scores, Choices: e.Choices, Comment: e.Comment}
}

// formValues turns answers back into form values, for validation of a
// merged resolution and for the side-by-side view.
func (a keyedAnswers) formValues(in *survey.Instrument) url.Values {
	v := url.Values{}
	for _, it := range in.Items {
		switch it.Type {
		case survey.TypeText:
			if a.Comment != "" {
				v.Set(it.Code, a.Comment)
			}
		case survey.TypeMulti:
			if keys := a.Choices[it.Code]; len(keys) > 0 {
				v[it.Code] = append([]string(nil), keys...)
			}
		default:
			if code, ok := a.Scores[it.Code]; ok {
				v.Set(it.Code, strconv.Itoa(code))
			}
		}
	}
	return v
}

// itemValue is one item's answer as comparable text: the code, the sorted
// multi-choice keys, or the comment; "" when unanswered.
func itemValue(v url.Values, code string) string {
	vals := append([]string(nil), v[code]...)
	slices.Sort(vals)
	return strings.Join(vals, ",")
}

// differingItems lists the item codes whose answers differ between two
// keyings, in instrument order.
func differingItems(in *survey.Instrument, a, b keyedAnswers) []string {
	va, vb := a.formValues(in), b.formValues(in)
	var out []string
	for _, it := range in.Items {
		if itemValue(va, it.Code) != itemValue(vb, it.Code) {
			out = append(out, it.Code)
		}
	}
	return out
}

// answerText is how an item's answer reads to a supervisor: "4 – Hài
// lòng", "1 Loa…; 3 Tờ rơi", the comment, or "(bỏ trống)".
func answerText(q paperQuestion, v url.Values, cat *web.Catalog, lang string) string {
	vals := v[q.Code]
	if len(vals) == 0 {
		return cat.T(lang, "paper.blank")
	}
	if q.IsText() {
		return vals[0]
	}
	var parts []string
	for _, o := range q.Options {
		if slices.Contains(vals, o.Value) {
			parts = append(parts, o.Key+" – "+o.Label)
		}
	}
	return strings.Join(parts, "; ")
}
