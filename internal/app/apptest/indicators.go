package apptest

// Helpers of the tests that check the indicators API against a recount of
// the stored responses.

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strconv"
	"testing"

	"hailong/survey"
	"hailong/survey/rollup"
)

// RandomAnswers is a realistic mix: mostly 4–5, some 1–3, some "không áp dụng".
func RandomAnswers(rng *rand.Rand) url.Values {
	pick := func() string {
		x := rng.IntN(100)
		switch {
		case x < 8:
			return "0"
		case x < 25:
			return strconv.Itoa(1 + rng.IntN(3))
		default:
			return strconv.Itoa(4 + rng.IntN(2))
		}
	}
	v := url.Values{
		"overall": {strconv.Itoa(1 + rng.IntN(5))}, "a": {pick()}, "b": {pick()}, "c": {pick()}, "d": {pick()}, "e": {pick()},
		"harass": {strconv.Itoa(1 + rng.IntN(3))}, "online_next": {strconv.Itoa(1 + rng.IntN(3))},
	}
	keys := []string{"radio", "banner", "leaflet", "portal", "desk", "social"}
	for _, k := range keys[:rng.IntN(3)] {
		v.Add("heard", k)
	}
	if rng.IntN(3) == 0 {
		v.Set("comment", "Ý kiến thứ "+strconv.Itoa(rng.IntN(1000)))
	}
	return v
}

// TallyOf counts the selected responses directly, without rollups.
func TallyOf(all []survey.Response, sel func(survey.Response) bool) *rollup.Tally {
	t := &rollup.Tally{ByUnit: map[string]*rollup.Cell{}, ByDesk: map[string]*rollup.Cell{}, Channel: map[string]int64{}}
	for _, r := range all {
		if !sel(r) {
			continue
		}
		c := rollup.Cell{N: 1, H: map[string]map[string]int64{}, M: map[string]map[string]int64{}}
		for item, code := range r.Answers {
			c.H[item] = map[string]int64{"c" + strconv.Itoa(code): 1}
		}
		for item, keys := range r.Choices {
			c.M[item] = map[string]int64{}
			for _, k := range keys {
				c.M[item][k]++
			}
		}
		if r.Comment != "" {
			c.Comments = 1
		}
		t.Total.Add(c)
		for _, m := range []struct {
			m map[string]*rollup.Cell
			k string
		}{{t.ByUnit, r.Unit}, {t.ByDesk, r.Desk}} {
			if m.m[m.k] == nil {
				m.m[m.k] = &rollup.Cell{}
			}
			m.m[m.k].Add(c)
		}
		t.Channel[r.Channel]++
	}
	return t
}

// AssertSameFigures compares the API's figures with the recount's, to
// the last digit of every float.
func AssertSameFigures(t testing.TB, name string, api json.RawMessage, want rollup.Figures) {
	t.Helper()
	if want.N == 0 {
		t.Fatalf("%s: the recount selects nothing; the comparison would prove nothing", name)
	}
	var got rollup.Figures
	if err := json.Unmarshal(api, &got); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s: API figures differ from the recount\n api:     %.600s\n recount: %.600s", name, g, w)
	}
}
