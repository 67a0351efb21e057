package overview_test

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

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// answersFor fills every item of an instrument at random from its own
// options: satisfaction criteria sometimes "không áp dụng", optional items
// sometimes skipped, multi-choice items a few keys or the exclusive one.
func answersFor(in *survey.Instrument, rng *rand.Rand) url.Values {
	v := url.Values{}
	for i := range in.Items {
		it := &in.Items[i]
		if !it.Required && it.Type != survey.TypeText && rng.IntN(5) == 0 {
			continue
		}
		switch it.Type {
		case survey.TypeText:
			if rng.IntN(3) == 0 {
				v.Set(it.Code, "Ý kiến thứ "+strconv.Itoa(rng.IntN(1000)))
			}
		case survey.TypeMulti:
			if it.Exclusive != "" && rng.IntN(6) == 0 {
				v.Add(it.Code, it.Exclusive)
				continue
			}
			for _, o := range it.Options {
				if o.Key != it.Exclusive && rng.IntN(4) == 0 {
					v.Add(it.Code, o.Key)
				}
			}
		default:
			opts := it.Choices()
			code := opts[rng.IntN(len(opts))].Code
			if it.Satisfaction() && rng.IntN(8) == 0 {
				code = 0 // không áp dụng
			}
			v.Set(it.Code, strconv.Itoa(code))
		}
	}
	return v
}

// TestRollupsEqualRecountInstruments: sipas-2023 and tt01 answers go over
// HTTP into the rollups across a month boundary; every figure the
// indicators API shows (criteria, elements, service, expectations,
// perceptions, channels of information, TT 01 points and grade, with
// agg=units, a unit, a desk and a monthly series) equals a recount of the
// stored responses.
func TestRollupsEqualRecountInstruments(t *testing.T) {
	if testing.Short() {
		t.Skip("submits 400 answers; skipped with -short")
	}
	base := time.Date(2024, 5, 30, 8, 0, 0, 0, period.Vietnam)
	var tick atomic.Int64
	clock := func() time.Time { return base.Add(time.Duration(tick.Load()) * 6 * time.Minute) }
	a := apptest.Start(t, apptest.Options{Now: clock, Config: func(c *app.Config) { c.Limits.MinFill = 5 * time.Second }})
	use := map[string]string{"p1-q1": "sipas-2023", "p7-q1": "sipas-2023", "tt-q1": "sipas-2023", "p1-q2": "tt01", "rd-q1": "tt01"}
	for id, instr := range use {
		if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/desks/"+id, map[string]any{"instrument": instr}, nil); code != http.StatusOK {
			t.Fatalf("PATCH desk %s instrument %s: %d", id, instr, code)
		}
	}
	instruments, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	var desks []apptest.Desk
	for _, d := range a.Desks(t) {
		if use[d.ID] != "" {
			if d.Instrument != use[d.ID] {
				t.Fatalf("desk %s serves %s, want %s", d.ID, d.Instrument, use[d.ID])
			}
			desks = append(desks, d)
		}
	}

	const workers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for i := 0; i < each; i++ {
				d := desks[rng.IntN(len(desks))]
				in, _ := instruments.Latest(d.Instrument)
				c := apptest.Client(t)
				tick.Add(1)
				form := apptest.GetForm(t, c, d.SurveyURL)
				tick.Add(1)
				if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, answersFor(in, rng)); res.StatusCode != http.StatusSeeOther {
					t.Errorf("POST %s: %d", d.Instrument, res.StatusCode)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if end := clock(); end.Month() == base.Month() {
		t.Fatalf("answers did not cross the month boundary (last at %v)", end)
	}

	var queries []string
	for _, instr := range []string{"sipas-2023", "tt01"} {
		desk := "p7-q1"
		if instr == "tt01" {
			desk = "rd-q1"
		}
		queries = append(queries,
			"instrument="+instr+"&from=2024-05-30&to=2024-06-30&by=month",
			"instrument="+instr+"&from=2024-05-30&to=2024-06-30&agg=units",
			"instrument="+instr+"&from=2024-05-31&to=2024-06-01&unit=vt-p1",
			"instrument="+instr+"&from=2024-06-01&to=2024-06-30&desk="+desk,
		)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var s, p report
		apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+queries[0], &s)
		apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+queries[4], &p)
		if s.N+p.N == workers*each {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators count %d answers, want %d", s.N+p.N, workers*each)
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := map[string]json.RawMessage{}
	for _, q := range queries {
		var raw json.RawMessage
		if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?"+q, &raw); code != http.StatusOK {
			t.Fatalf("GET indicators?%s: %d", q, code)
		}
		got[q] = raw
	}
	a.Stop()

	all := apptest.StoredResponses(t, a.DB)
	if len(all) != workers*each {
		t.Fatalf("%d responses stored, want %d", len(all), workers*each)
	}
	for _, q := range queries {
		v, _ := url.ParseQuery(q)
		in, _ := instruments.Latest(v.Get("instrument"))
		from, _ := time.ParseInLocation("2006-01-02", v.Get("from"), period.Vietnam)
		to, _ := time.ParseInLocation("2006-01-02", v.Get("to"), period.Vietnam)
		sel := func(from, to time.Time) func(r survey.Response) bool {
			return func(r survey.Response) bool {
				return r.Instrument == in.ID() && r.Status == survey.StatusOK && !r.SubmittedAt.Before(from) && r.SubmittedAt.Before(to.AddDate(0, 0, 1)) &&
					(v.Get("unit") == "" || r.Unit == v.Get("unit")) && (v.Get("desk") == "" || r.Desk == v.Get("desk"))
			}
		}
		agg := v.Get("agg")
		if agg == "" {
			agg = rollup.AggPooled
		}
		want := rollup.Compute(in, apptest.TallyOf(all, sel(from, to)), agg, "vi")
		apptest.AssertSameFigures(t, q, got[q], want)
		var rep struct {
			Method string `json:"method"`
			Points *struct {
				Total       *float64 `json:"total"`
				Aggregation string   `json:"aggregation"`
				LowN        *bool    `json:"low_n"`
			} `json:"points"`
			Perceptions, Choices []struct {
				Aggregation string `json:"aggregation"`
				LowN        *bool  `json:"low_n"`
			}
			Series []json.RawMessage `json:"series"`
		}
		_ = json.Unmarshal(got[q], &rep)
		if in.Code == "tt01" && (rep.Points == nil || rep.Points.Total == nil || rep.Points.LowN == nil) {
			t.Errorf("%s: no TT 01 total or low_n", q)
		}
		// The output says which figures agg=units leaves pooled, and what
		// the mean score and the points are.
		pooled := map[string]string{rollup.AggUnits: rollup.AggPooled}[agg]
		dists := append(rep.Perceptions, rep.Choices...)
		if len(dists) == 0 || dists[0].Aggregation != pooled || dists[0].LowN == nil ||
			(rep.Points != nil && rep.Points.Aggregation != pooled) {
			t.Errorf("%s: choices/points aggregation or low_n missing: %.300s", q, got[q])
		}
		if !strings.Contains(rep.Method, "không phải chỉ số SIPAS") || (in.Code == "tt01") != strings.Contains(rep.Method, "TT 01/2018/TT-VPCP") {
			t.Errorf("%s: method %q", q, rep.Method)
		}
		if v.Get("by") == "month" {
			bounds := [][2]time.Time{{from, time.Date(2024, 5, 31, 0, 0, 0, 0, period.Vietnam)}, {time.Date(2024, 6, 1, 0, 0, 0, 0, period.Vietnam), to}}
			if len(rep.Series) != len(bounds) {
				t.Fatalf("%s: %d series points, want %d", q, len(rep.Series), len(bounds))
			}
			for i, b := range bounds {
				apptest.AssertSameFigures(t, fmt.Sprintf("%s series %d", q, i), rep.Series[i], rollup.Compute(in, apptest.TallyOf(all, sel(b[0], b[1])), agg, "vi"))
			}
		}
	}
}
