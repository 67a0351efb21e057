package main

import (
	"bytes"
	"encoding/csv"
	"hailong/survey/period"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// exportClock is a settable test clock.
type exportClock struct{ ns atomic.Int64 }

func (c *exportClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }
func (c *exportClock) now() time.Time  { return time.Unix(0, c.ns.Load()) }

// download GETs u with c and returns the body; it fails unless 200.
func download(t *testing.T, c *http.Client, u string) ([]byte, http.Header) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return b, res.Header
}

// sheetRows reads every sheet of an XLSX with raw cell values.
func sheetRows(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		if out[s], err = f.GetRows(s, excelize.Options{RawCellValue: true}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// answerWith submits answers at the clock's time to a desk.
func answerWith(t *testing.T, a *testApp, clock *exportClock, at time.Time, surveyURL, comment string) {
	t.Helper()
	clock.set(at)
	c := client(t)
	form := getForm(t, c, surveyURL)
	ans := validAnswers()
	ans.Set("comment", comment)
	if res := post(t, c, a.URL+form.Action, form.Hidden, ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST answer: %d", res.StatusCode)
	}
}

// waitN waits until the May indicators count n answers.
func waitN(t *testing.T, a *testApp, n int64) {
	t.Helper()
	waitIndicators(t, a, "from=2024-05-01&to=2024-05-31", n)
}

type apiFig struct {
	HL     *float64 `json:"hl"`
	N      int64    `json:"n"`
	CILow  *float64 `json:"ci_low"`
	CIHigh *float64 `json:"ci_high"`
	LowN   bool     `json:"low_n"`
}

// checkSummary compares every figure of "Tổng hợp" with the indicators API.
func checkSummary(t *testing.T, a *testApp, rows [][]string) {
	t.Helper()
	if len(rows) < 4 || !strings.Contains(rows[0][0], "05/2024") {
		t.Fatalf("Tổng hợp: %d rows, title %q", len(rows), rows[0])
	}
	num := func(s string) *float64 {
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("cell %q: %v", s, err)
		}
		v *= 100
		return &v
	}
	same := func(what string, got, want *float64) {
		if (got == nil) != (want == nil) || (got != nil && math.Abs(*got-*want) > 1e-9) {
			t.Errorf("%s: xlsx %v, API %v", what, fmtp(got), fmtp(want))
		}
	}
	for _, r := range rows[2:] {
		for len(r) < 12 {
			r = append(r, "")
		}
		q := "from=2024-05-01&to=2024-05-31"
		if r[0] != "(tổng)" {
			q += "&unit=" + url.QueryEscape(r[0])
		}
		var rep struct {
			N        int64    `json:"n"`
			Service  *apiFig  `json:"service"`
			Elements []apiFig `json:"elements"`
		}
		if getJSON(t, a.URL+"/api/v1/indicators?"+q, &rep) != 200 {
			t.Fatalf("indicators %s", q)
		}
		if strconv.FormatInt(rep.N, 10) != r[2] {
			t.Errorf("%s: N %s, API %d", r[0], r[2], rep.N)
		}
		if rep.Service == nil {
			rep.Service = &apiFig{LowN: true}
		}
		same(r[0]+" service", num(r[3]), rep.Service.HL)
		same(r[0]+" ci_low", num(r[4]), rep.Service.CILow)
		same(r[0]+" ci_high", num(r[5]), rep.Service.CIHigh)
		if (r[6] == "x") != rep.Service.LowN {
			t.Errorf("%s: low-N mark %q, API %v", r[0], r[6], rep.Service.LowN)
		}
		for i, e := range rep.Elements {
			same(r[0]+" element "+strconv.Itoa(i), num(r[7+i]), e.HL)
		}
		if len(rep.Elements) == 0 && r[7] != "" {
			t.Errorf("%s: element figures without answers", r[0])
		}
	}
}

func fmtp(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// readCSV checks the BOM and parses a CSV export.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("CSV without BOM: %q", b[:min(len(b), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

var vn = period.Vietnam
