package overview_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey"
	"hailong/survey/period"
)

// TestHeatmapPartialMonth: answers at known Vietnam hours and weekdays,
// including the evening and the night, show in the overview's heatmap for
// a period that is not whole months (the default "this month so far" and
// a mid-month range), cell for cell equal to a recount of the stored
// responses; an answer outside the period does not.
func TestHeatmapPartialMonth(t *testing.T) {
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, period.Vietnam) }
	times := []time.Time{
		at(12, 11, 30), at(12, 11, 45), // Thursday 11h, twice
		at(11, 20, 15), // Wednesday 20h: after office hours
		at(14, 22, 5),  // Saturday 22h
		at(16, 6, 40),  // Monday 6h: before office hours
		at(18, 14, 0),  // Wednesday 14h
		at(3, 9, 0),    // before the mid-month range, inside "this month so far"
	}
	var now atomic.Int64
	now.Store(times[0].Add(-time.Minute).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	a := apptest.Start(t, apptest.Options{Now: clock, Config: func(c *app.Config) { c.Limits.MinFill = 5 * time.Second }})
	desks := a.Desks(t)
	for i, ts := range times {
		c := apptest.Client(t)
		now.Store(ts.Add(-time.Minute).UnixNano())
		form := apptest.GetForm(t, c, desks[i%3].SurveyURL)
		now.Store(ts.UnixNano())
		if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, apptest.ValidAnswers()); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST at %v: %d", ts, res.StatusCode)
		}
	}
	now.Store(at(20, 16, 0).UnixNano()) // "today" is 20/11/2026
	deadline := time.Now().Add(10 * time.Second)
	for {
		var rep report
		apptest.GetJSON(t, a.URL+"/api/v1/indicators?from=2026-11-01&to=2026-11-20", &rep)
		if rep.N == int64(len(times)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators count %d answers, want %d", rep.N, len(times))
		}
		time.Sleep(200 * time.Millisecond)
	}
	c, _ := apptest.Admin(t, a.URL)
	pages := map[string][7][24]int64{}
	ranges := map[string][2]time.Time{"": {at(1, 0, 0), at(21, 0, 0)}, "from=2026-11-10&to=2026-11-18": {at(10, 0, 0), at(19, 0, 0)}}
	for q := range ranges {
		pages[q] = heatmapOf(t, c, a.URL+"/?"+q)
	}
	a.Stop()

	all := apptest.StoredResponses(t, a.DB)
	if len(all) != len(times) {
		t.Fatalf("%d responses stored, want %d", len(all), len(times))
	}
	for q, r := range ranges {
		var want [7][24]int64
		var n int64
		for _, resp := range all {
			v := resp.SubmittedAt.In(period.Vietnam)
			if resp.Status == survey.StatusOK && !v.Before(r[0]) && v.Before(r[1]) {
				want[(int(v.Weekday())+6)%7][v.Hour()]++
				n++
			}
		}
		if n < 5 {
			t.Fatalf("%q: recount selects %d answers; the comparison would prove little", q, n)
		}
		if pages[q] != want {
			t.Errorf("overview?%s heatmap differs from the recount\n got:  %v\n want: %v", q, pages[q], want)
		}
	}
	// Hand check of two cells, so that a recount bug cannot hide one.
	if got := pages["from=2026-11-10&to=2026-11-18"]; got[3][11] != 2 || got[5][22] != 1 || got[2][20] != 1 {
		t.Errorf("T5 11h = %d (want 2), T7 22h = %d (want 1), T4 20h = %d (want 1)", got[3][11], got[5][22], got[2][20])
	}
}

// heatmapOf reads the counts of the overview's heatmap from the cell
// titles ("T5 11h: 2"); hours the chart leaves out count as 0.
func heatmapOf(t *testing.T, c *http.Client, u string) [7][24]int64 {
	t.Helper()
	doc := apptest.HTMLPage(t, c, u)
	days := map[string]int{"T2": 0, "T3": 1, "T4": 2, "T5": 3, "T6": 4, "T7": 5, "CN": 6}
	var out [7][24]int64
	cells := doc.Find("svg.heat rect.hcell title")
	if cells.Length() == 0 {
		t.Fatalf("%s: no heatmap", u)
	}
	cells.Each(func(_ int, s *goquery.Selection) {
		var day string
		var hour int
		var n int64
		if _, err := fmt.Sscanf(strings.TrimSpace(s.Text()), "%s %dh: %d", &day, &hour, &n); err != nil {
			t.Fatalf("heatmap cell %q: %v", s.Text(), err)
		}
		d, ok := days[day]
		if !ok || hour < 0 || hour > 23 {
			t.Fatalf("heatmap cell %q", s.Text())
		}
		out[d][hour] = n
	})
	return out
}
