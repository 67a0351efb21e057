package overview_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

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
	// The too-fast rule stays on: every form takes at least 83 s, so no
	// answer may be marked suspect by it.
	a := apptest.Start(t, apptest.Options{Now: clock, Config: func(c *app.Config) { c.Limits.MinFill = 5 * time.Second }})
	desks := a.Desks(t)

	const workers, each = 50, 100
	var stored, suspect atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			c := apptest.Client(t)
			for i := 0; i < each; i++ {
				d := desks[rng.IntN(len(desks))]
				tick.Add(1)
				form := apptest.GetForm(t, c, d.SurveyURL)
				answers := apptest.RandomAnswers(rng)
				tick.Add(1)
				if rng.IntN(25) == 0 {
					answers.Set("website", "http://spam.example") // honeypot: stored, not counted
					suspect.Add(1)
				}
				res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, answers)
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
		var rep report
		apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+queries[0], &rep)
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
		if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+q, &raw); code != http.StatusOK {
			t.Fatalf("GET indicators?%s: %d", q, code)
		}
		got[q] = raw
	}
	a.Stop()

	// Recount from the raw responses.
	all := apptest.StoredResponses(t, a.DB)
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
		want := rollup.Compute(in, apptest.TallyOf(all, func(r survey.Response) bool { return sel(r, from, to) }), agg, "vi")
		apptest.AssertSameFigures(t, q, got[q], want)

		if by := v.Get("by"); by != "" {
			var rep report
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
				w := rollup.Compute(in, apptest.TallyOf(all, func(r survey.Response) bool { return sel(r, b, bEnd) }), agg, "vi")
				apptest.AssertSameFigures(t, fmt.Sprintf("%s series %d", q, i), rep.Series[i], w)
			}
		}
	}
}

func TestIndicatorsBadParameters(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	// A unit or desk that does not exist answers 404, exactly as one
	// outside the official's scope (the scope routes test); the rest 400.
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
		code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+tt.query, &body)
		if code != tt.status || !strings.Contains(body.Error, tt.names) {
			t.Errorf("%s: %d %q, want %d naming %q", tt.query, code, body.Error, tt.status, tt.names)
		}
	}
	var ok struct {
		N      int64 `json:"n"`
		Period struct{ From, To, Timezone string }
	}
	if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?instrument=sipas-2023&from=2024-01-01&to=2024-12-31&by=month&agg=units", &ok); code != http.StatusOK {
		t.Fatalf("valid query: %d", code)
	}
	if ok.Period.Timezone != "Asia/Ho_Chi_Minh" || ok.Period.From != "2024-01-01" {
		t.Errorf("period = %+v", ok.Period)
	}
}
