package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// randomAnswers is a realistic mix: mostly 4–5, some 1–3, some "không áp dụng".
func randomAnswers(rng *rand.Rand) url.Values {
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

func getJSON(t *testing.T, u string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.SetBasicAuth("admin", testAdminPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}

type apiReport struct {
	N        int64            `json:"n"`
	Channels map[string]int64 `json:"channels"`
	Series   []json.RawMessage
}

// TestRollupsEqualRecount: 50 goroutines submit 5,000 answers over HTTP
// across desks, units, days and a month boundary in Vietnam time; every
// figure of the indicators API equals the one computed from the stored
// responses.
func TestRollupsEqualRecount(t *testing.T) {
	if testing.Short() {
		t.Skip("submits 5,000 answers; skipped with -short")
	}
	base := time.Date(2024, 5, 28, 8, 0, 0, 0, period.Vietnam)
	// Only the submitting goroutines move the clock (83 s before each form
	// and again before each answer), so background readers of the clock
	// cannot push answers past the queried range on a slow machine.
	var tick atomic.Int64
	clock := func() time.Time { return base.Add(time.Duration(tick.Load()) * 83 * time.Second) }
	dir := t.TempDir()
	// The too-fast rule stays on: every form takes at least 83 s, so no
	// answer may be marked suspect by it.
	a, err := startAppWith(t, dir, map[string]string{"HAILONG_SUSPECT_MIN_FILL": "5s"}, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	desks := apiDesks(t, a)

	const workers, each = 50, 100
	var stored, suspect atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			c := client(t)
			for i := 0; i < each; i++ {
				d := desks[rng.IntN(len(desks))]
				tick.Add(1)
				form := getForm(t, c, d.SurveyURL)
				answers := randomAnswers(rng)
				tick.Add(1)
				if rng.IntN(25) == 0 {
					answers.Set("website", "http://spam.example") // honeypot: stored, not counted
					suspect.Add(1)
				}
				res := post(t, c, a.URL+form.Action, form.Hidden, answers)
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("POST: %d", res.StatusCode)
					return
				}
				stored.Add(1)
			}
		}(w)
	}
	wg.Wait()
	if stored.Load() != workers*each {
		t.Fatalf("%d of %d submissions stored", stored.Load(), workers*each)
	}
	end := clock()
	if end.Month() == base.Month() {
		t.Fatalf("answers did not cross the month boundary (last at %v)", end)
	}

	queries := []string{
		"from=2024-05-28&to=2024-06-30&by=month",
		"from=2024-05-28&to=2024-06-30&agg=units",
		"from=2024-05-28&to=2024-06-30&unit=vt-p1",
		"from=2024-05-31&to=2024-06-02&channel=qr&by=day",
		"from=2024-06-01&to=2024-06-03&desk=" + desks[0].ID,
		"from=2024-05-01&to=2024-05-31",
	}
	want := int64(workers*each) - suspect.Load()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var rep apiReport
		getJSON(t, a.URL+"/api/v1/indicators?"+queries[0], &rep)
		if rep.N == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators count %d answers, want %d", rep.N, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := map[string][]byte{}
	for _, q := range queries {
		var raw json.RawMessage
		if code := getJSON(t, a.URL+"/api/v1/indicators?"+q, &raw); code != http.StatusOK {
			t.Fatalf("GET indicators?%s: %d", q, code)
		}
		got[q] = raw
	}
	units := map[string]string{}
	for _, d := range desks {
		units[d.ID] = d.Unit
	}
	a.Stop(t)

	// Recount from the raw responses.
	db := openDataDir(t, dir)
	all := storedResponses(t, db)
	if len(all) != workers*each {
		t.Fatalf("%d responses stored, want %d", len(all), workers*each)
	}
	instruments, _ := survey.LoadInstruments()
	in, _ := instruments.Latest("counter")
	subtree := map[string]bool{"vt-p1": true}

	for _, q := range queries {
		v, _ := url.ParseQuery(q)
		from, _ := time.ParseInLocation("2006-01-02", v.Get("from"), period.Vietnam)
		to, _ := time.ParseInLocation("2006-01-02", v.Get("to"), period.Vietnam)
		sel := func(r survey.Response, from, to time.Time) bool {
			return r.Status == survey.StatusOK && !r.SubmittedAt.Before(from) && r.SubmittedAt.Before(to.AddDate(0, 0, 1)) &&
				(v.Get("unit") == "" || subtree[r.Unit]) && (v.Get("desk") == "" || r.Desk == v.Get("desk")) &&
				(v.Get("channel") == "" || r.Channel == v.Get("channel"))
		}
		agg := v.Get("agg")
		if agg == "" {
			agg = rollup.AggPooled
		}
		want := rollup.Compute(in, tallyOf(all, func(r survey.Response) bool { return sel(r, from, to) }), agg, "vi")
		assertSameFigures(t, q, got[q], want)

		if by := v.Get("by"); by != "" {
			var rep apiReport
			_ = json.Unmarshal(got[q], &rep)
			var buckets []time.Time
			for d := from; !d.After(to); {
				buckets = append(buckets, d)
				if by == "day" {
					d = d.AddDate(0, 0, 1)
				} else {
					d = time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, period.Vietnam)
				}
			}
			if len(rep.Series) != len(buckets) {
				t.Fatalf("%s: %d series points, want %d", q, len(rep.Series), len(buckets))
			}
			for i, b := range buckets {
				bEnd := to
				if i+1 < len(buckets) {
					bEnd = buckets[i+1].AddDate(0, 0, -1)
				}
				w := rollup.Compute(in, tallyOf(all, func(r survey.Response) bool { return sel(r, b, bEnd) }), agg, "vi")
				assertSameFigures(t, fmt.Sprintf("%s series %d", q, i), rep.Series[i], w)
			}
		}
	}
	_ = units
}

// tallyOf counts the selected responses directly, without rollups.
func tallyOf(all []survey.Response, sel func(survey.Response) bool) *rollup.Tally {
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

// assertSameFigures compares the API's figures with the recount's, to
// the last digit of every float.
func assertSameFigures(t *testing.T, name string, api json.RawMessage, want rollup.Figures) {
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

func TestIndicatorsBadParameters(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	// A unit or desk that does not exist answers 404, exactly as one
	// outside the official's scope (scope_routes_test.go); the rest 400.
	for _, tt := range []struct {
		query, names string
		status       int
	}{
		{"from=2024-13-01", "from", http.StatusBadRequest},
		{"to=31/05/2024", "to", http.StatusBadRequest},
		{"from=2024-01-01&to=2025-01-02", "366", http.StatusBadRequest},
		{"from=2024-06-01&to=2024-05-01", "from", http.StatusBadRequest},
		{"instrument=khong-co", "instrument", http.StatusBadRequest},
		{"unit=khong-co", "unit", http.StatusNotFound},
		{"desk=khong-co", "desk", http.StatusNotFound},
		{"by=week", "by", http.StatusBadRequest},
		{"agg=median", "agg", http.StatusBadRequest},
		{"channel=fax", "channel", http.StatusBadRequest},
	} {
		var body struct {
			Error string `json:"error"`
		}
		code := getJSON(t, a.URL+"/api/v1/indicators?"+tt.query, &body)
		if code != tt.status || !strings.Contains(body.Error, tt.names) {
			t.Errorf("%s: %d %q, want %d naming %q", tt.query, code, body.Error, tt.status, tt.names)
		}
	}
	var ok struct {
		N      int64 `json:"n"`
		Period struct{ From, To, Timezone string }
	}
	if code := getJSON(t, a.URL+"/api/v1/indicators?instrument=sipas-2023&from=2024-01-01&to=2024-12-31&by=month&agg=units", &ok); code != http.StatusOK {
		t.Fatalf("valid query: %d", code)
	}
	if ok.Period.Timezone != "Asia/Ho_Chi_Minh" || ok.Period.From != "2024-01-01" {
		t.Errorf("period = %+v", ok.Period)
	}
}
