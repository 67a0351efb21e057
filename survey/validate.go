package survey

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Form fields that are not questions.
const (
	FieldCSRF     = "_csrf"
	FieldTicket   = "t"
	FieldHoneypot = "website"
	FieldLang     = "lang"
)

// formLevel is the key of problems that concern the whole form.
const formLevel = "_form"

// Problem codes; messages live in the UI catalogue under "err.<code>".
const (
	ProblemRequired   = "required"
	ProblemInvalid    = "invalid"
	ProblemTooMany    = "too_many"
	ProblemTooLong    = "too_long"
	ProblemEncoding   = "encoding"
	ProblemExclusive  = "exclusive"
	ProblemUnknown    = "unknown_field"
	ProblemControlChr = "control_char"
)

// ValidationError lists every problem of a submission by field, so the form
// can show each one beside its question.
type ValidationError struct {
	Fields map[string]string // item code (or "_form") → problem code
}

// Problems lists the problems by field, for the error table
// (derrors.FieldProblems): an API answers 400 naming the first field.
func (e *ValidationError) Problems() map[string]string { return e.Fields }

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid submission:")
	for f, p := range e.Fields {
		b.WriteString(" " + f + "=" + p)
	}
	return b.String()
}

// Answers is what a citizen chose, validated against one instrument.
type Answers struct {
	Scores  map[string]int
	Choices map[string][]string
	Comment string
}

// Validate checks posted form values against the instrument. It returns the
// parsed answers, or a *ValidationError naming every problem. Fields the
// instrument does not know are refused: a form from another instrument
// version must not be stored under this one.
func Validate(in *Instrument, form url.Values) (Answers, error) {
	problems := map[string]string{}
	a := Answers{Scores: map[string]int{}, Choices: map[string][]string{}}

	for name := range form {
		switch name {
		case FieldCSRF, FieldTicket, FieldHoneypot, FieldLang:
			continue
		}
		if _, ok := in.Item(name); !ok {
			problems[formLevel] = ProblemUnknown
		}
	}

	for i := range in.Items {
		it := &in.Items[i]
		vals := form[it.Code]
		if p := validateItem(it, vals, &a); p != "" {
			problems[it.Code] = p
		}
	}
	if len(problems) > 0 {
		return Answers{}, &ValidationError{Fields: problems}
	}
	return a, nil
}

func validateItem(it *Item, vals []string, a *Answers) string {
	for _, v := range vals {
		if !utf8.ValidString(v) {
			return ProblemEncoding
		}
	}
	switch it.Type {
	case TypeScale, TypeChoice, TypePoints:
		if len(vals) == 0 || (len(vals) == 1 && strings.TrimSpace(vals[0]) == "") {
			if it.Required {
				return ProblemRequired
			}
			return ""
		}
		if len(vals) > 1 {
			return ProblemTooMany
		}
		code, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil || !validCode(it, code) {
			return ProblemInvalid
		}
		a.Scores[it.Code] = code
	case TypeMulti:
		var keys []string
		seen := map[string]bool{}
		for _, v := range vals {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if !hasKey(it.Options, v) {
				return ProblemInvalid
			}
			if !seen[v] {
				seen[v] = true
				keys = append(keys, v)
			}
		}
		if it.Exclusive != "" && seen[it.Exclusive] && len(keys) > 1 {
			return ProblemExclusive
		}
		if len(keys) == 0 {
			if it.Required {
				return ProblemRequired
			}
			return ""
		}
		a.Choices[it.Code] = keys
	case TypeText:
		if len(vals) > 1 {
			return ProblemTooMany
		}
		if len(vals) == 0 {
			if it.Required {
				return ProblemRequired
			}
			return ""
		}
		text := strings.TrimSpace(strings.ReplaceAll(vals[0], "\r\n", "\n"))
		for _, r := range text {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				return ProblemControlChr
			}
		}
		if utf8.RuneCountInString(text) > it.Max {
			return ProblemTooLong
		}
		if text == "" && it.Required {
			return ProblemRequired
		}
		a.Comment = text
	}
	return ""
}

func validCode(it *Item, code int) bool {
	if it.NA && code == NotApplicable {
		return true
	}
	for _, o := range it.Choices() {
		if o.Code == code {
			return true
		}
	}
	return false
}

func hasKey(opts []Option, key string) bool {
	for _, o := range opts {
		if o.Key == key {
			return true
		}
	}
	return false
}
