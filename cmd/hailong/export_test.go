package main

// Helpers of the export tests that stay here (they run the CLI) and of
// other cmd tests: a settable clock, answers at a given time, downloads.

import (
	"bytes"
	"encoding/csv"
	"hailong/survey/period"
	"io"
	"net/http"
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
