package exports_test

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/internal/web"
	"hailong/static"
	"hailong/survey"
)

// TestExportEqualsAPI: on a varied month (every desk of several units,
// each criterion rated differently, some "không áp dụng", different
// would-go-online answers), every figure of the Tổng hợp, Theo tiêu chí,
// Theo quầy and Kênh & trực tuyến sheets equals the indicators API for the
// same unit, desk and channel, and each CSV table equals its sheet cell by
// cell. Swapping two elements, criteria, desks or units fails it.
func TestExportEqualsAPI(t *testing.T) {
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 5, 3, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clock.Now})
	desks := a.Desks(t)
	units := map[string]bool{}
	n := 0
	for j, d := range desks {
		units[d.Unit] = true
		for i := 0; i < 2+j%3; i++ {
			clock.Set(time.Date(2024, 5, 3+n%25, 9, 0, 0, 0, vn))
			c := apptest.Client(t)
			form := apptest.GetForm(t, c, d.SurveyURL)
			ans := url.Values{
				"overall":     {strconv.Itoa(1 + (i+j)%5)},
				"a":           {strconv.Itoa(1 + (i+j)%5)},
				"b":           {strconv.Itoa(1 + (2*i+j+1)%5)},
				"c":           {strconv.Itoa(1 + (3*i+2*j+2)%5)},
				"d":           {strconv.Itoa((i + 2*j) % 6)}, // 0: không áp dụng
				"e":           {strconv.Itoa(1 + (4*i+3*j+3)%5)},
				"harass":      {"1"},
				"online_next": {strconv.Itoa(1 + (i+2*j)%3)},
			}
			if i == 0 {
				ans.Set("comment", "Ý kiến tại "+d.ID)
			}
			if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, ans); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer at %s: %d", d.ID, res.StatusCode)
			}
			n++
		}
	}
	if len(units) < 3 || len(desks) < 4 {
		t.Fatalf("the demo city has %d desks in %d units; the test wants several", len(desks), len(units))
	}
	apptest.WaitMay2024(t, a.URL, int64(n))
	admin, _ := apptest.Admin(t, a.URL)
	sheets := apptest.SheetRows(t, apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx"))
	checkSummary(t, a.URL, sheets["Tổng hợp"])

	api := map[string]*apiFull{}
	get := func(q string) *apiFull {
		if r := api[q]; r != nil {
			return r
		}
		r := &apiFull{}
		if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?from=2024-05-01&to=2024-05-31"+q, r); code != 200 {
			t.Fatalf("indicators %s: %d", q, code)
		}
		api[q] = r
		return r
	}
	unitQ := func(id string) string {
		if id == "(tổng)" {
			return ""
		}
		return "&unit=" + url.QueryEscape(id)
	}
	crit := sheets["Theo tiêu chí"][2:]
	if len(crit) != 5*(len(sheets["Tổng hợp"])-2) {
		t.Errorf("Theo tiêu chí: %d rows for %d units", len(crit), len(sheets["Tổng hợp"])-2)
	}
	for _, r := range crit {
		r = pad(r, 10)
		f, ok := get(unitQ(r[0])).criterion(r[3])
		if !ok {
			if r[8] != "0" {
				t.Errorf("%s %s: %s answers, none in the API", r[0], r[3], r[8])
			}
			continue
		}
		what := r[0] + " criterion " + r[3]
		if r[2] != f.Element || r[8] != strconv.FormatInt(f.N, 10) || (r[9] == "x") != f.LowN {
			t.Errorf("%s: element %s N %s low %q, API %s %d %v", what, r[2], r[8], r[9], f.Element, f.N, f.LowN)
		}
		sameFrac(t, what+" hl", r[5], f.HL)
		sameFrac(t, what+" ci_low", r[6], f.CILow)
		sameFrac(t, what+" ci_high", r[7], f.CIHigh)
	}
	ds := sheets["Theo quầy"][2:]
	if len(ds) != len(desks) {
		t.Errorf("Theo quầy: %d rows, %d desks", len(ds), len(desks))
	}
	for _, r := range ds {
		r = pad(r, 13)
		f := get("&desk=" + url.QueryEscape(r[0]))
		if r[3] != strconv.FormatInt(f.N, 10) {
			t.Errorf("desk %s: N %s, API %d", r[0], r[3], f.N)
		}
		svc := f.Service
		if svc == nil {
			svc = &apiCrit{LowN: true}
		}
		sameFrac(t, r[0]+" service", r[4], svc.HL)
		sameFrac(t, r[0]+" ci_low", r[5], svc.CILow)
		sameFrac(t, r[0]+" ci_high", r[6], svc.CIHigh)
		if (r[7] == "x") != svc.LowN {
			t.Errorf("desk %s: low-N %q, API %v", r[0], r[7], svc.LowN)
		}
		for i, e := range f.Elements {
			sameFrac(t, r[0]+" element "+e.Code, r[8+i], e.HL)
		}
	}
	chs := sheets["Kênh & trực tuyến"]
	head := chs[1]
	for _, r := range chs[2:] {
		r = pad(r, len(head))
		f := get(unitQ(r[0]))
		if r[2] != strconv.FormatInt(f.N, 10) {
			t.Errorf("channels %s: N %s, API %d", r[0], r[2], f.N)
		}
		for c := 3; c < len(head)-1; c++ {
			ch := channelOf(t, head[c])
			if got := f.Channels[ch]; r[c] != strconv.FormatInt(got, 10) {
				t.Errorf("channels %s %s: %s, API %d", r[0], ch, r[c], got)
			}
		}
		sameFrac(t, r[0]+" online", r[len(head)-1], f.online())
	}

	// The comments and plan sheets name desks and units, not their ids.
	deskName := map[string]string{}
	unitName := map[string]string{}
	for _, d := range desks {
		deskName[d.ID], unitName[d.Unit] = d.Name, d.UnitName
	}
	cms := sheets["Ý kiến"][2:]
	if len(cms) != len(desks) {
		t.Errorf("Ý kiến: %d rows, want one per desk", len(cms))
	}
	for _, r := range cms {
		if id := strings.TrimPrefix(r[3], "Ý kiến tại "); r[2] != deskName[id] || r[1] != unitName[deskOf(desks, id)] {
			t.Errorf("comment row %q: want desk %q", r, deskName[id])
		}
	}
	plan := sheets["Kế hoạch"][2:]
	if len(plan) == 0 {
		t.Errorf("the demo plan has no task to check")
	}
	for _, r := range plan {
		if unitName[r[1]] != "" || !strings.Contains(r[1], " ") {
			t.Errorf("plan row names unit %q, not its name", r[1])
		}
	}

	// Each CSV table equals its sheet: same cells, percentages as 0–100.
	for key, sheet := range map[string]string{"summary": "Tổng hợp", "criteria": "Theo tiêu chí", "desks": "Theo quầy", "channels": "Kênh & trực tuyến", "comments": "Ý kiến", "plan": "Kế hoạch"} {
		recs := apptest.ReadCSV(t, apptest.MustGet(t, admin, a.URL+"/exports/2024-05.csv?table="+key))
		rows := sheets[sheet][1:]
		if len(recs) != len(rows) {
			t.Errorf("%s: CSV %d rows, sheet %d", key, len(recs), len(rows))
			continue
		}
		for i := range recs {
			x := pad(rows[i], len(recs[i]))
			for c, v := range recs[i] {
				if !sameCell(x[c], v, i > 0 && isPct(recs[0][c])) {
					t.Errorf("%s row %d col %d: CSV %q, XLSX %q", key, i, c, v, x[c])
				}
			}
		}
	}
}

type apiCrit struct {
	Code    string   `json:"code"`
	Element string   `json:"element"`
	HL      *float64 `json:"hl"`
	N       int64    `json:"n"`
	CILow   *float64 `json:"ci_low"`
	CIHigh  *float64 `json:"ci_high"`
	LowN    bool     `json:"low_n"`
}

// apiFull is what the test reads of /api/v1/indicators.
type apiFull struct {
	N        int64            `json:"n"`
	Service  *apiCrit         `json:"service"`
	Elements []apiCrit        `json:"elements"`
	Criteria []apiCrit        `json:"criteria"`
	Channels map[string]int64 `json:"channels"`
	Choices  []struct {
		Code    string `json:"code"`
		Options []struct {
			Share *float64 `json:"share"`
		} `json:"options"`
	} `json:"choices"`
}

func (f *apiFull) criterion(code string) (apiCrit, bool) {
	for _, c := range f.Criteria {
		if c.Code == code {
			return c, true
		}
	}
	return apiCrit{}, false
}

// online is the share who would submit online next time (option 1).
func (f *apiFull) online() *float64 {
	for _, c := range f.Choices {
		if c.Code == "online_next" && len(c.Options) > 0 {
			return c.Options[0].Share
		}
	}
	return nil
}

// channelOf maps a channel column's Vietnamese heading to its code.
func channelOf(t *testing.T, head string) string {
	t.Helper()
	cat, err := web.LoadCatalog(static.FS, "i18n/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range survey.Channels {
		if cat.T("vi", "channel."+ch) == head {
			return ch
		}
	}
	t.Fatalf("no channel named %q", head)
	return ""
}

func pad(r []string, n int) []string {
	for len(r) < n {
		r = append(r, "")
	}
	return r
}

// sameFrac compares an XLSX fraction cell with an API percentage.
func sameFrac(t *testing.T, what, cell string, want *float64) {
	t.Helper()
	if cell == "" || want == nil {
		if (cell == "") != (want == nil) {
			t.Errorf("%s: xlsx %q, API %v", what, cell, fmtp(want))
		}
		return
	}
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.Abs(v*100-*want) > 1e-9 {
		t.Errorf("%s: xlsx %q, API %v", what, cell, *want)
	}
}

// isPct tells the percentage columns by their heading.
func isPct(head string) bool {
	for _, w := range []string{"Chỉ số", "Yếu tố ", "Tỷ lệ", "cận", "Cận"} {
		if strings.Contains(head, w) {
			return true
		}
	}
	return false
}

// sameCell compares a CSV cell with its XLSX cell: equal text, or in a
// percentage column the CSV's 0–100 number for the XLSX's fraction.
func sameCell(x, c string, pct bool) bool {
	if !pct || x == "" || c == "" {
		return x == c
	}
	xf, err1 := strconv.ParseFloat(x, 64)
	cf, err2 := strconv.ParseFloat(c, 64)
	return err1 == nil && err2 == nil && math.Abs(xf*100-cf) < 1e-9
}

func deskOf(desks []apptest.Desk, id string) string {
	for _, d := range desks {
		if d.ID == id {
			return d.Unit
		}
	}
	return ""
}
