package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/internal/pdf"
	"hailong/survey/period"
)

// vn is the time zone the export tests date their answers in.
var vn = period.Vietnam

// TestExportMonthCLI: "hailong export" writes the same May XLSX and CSV as
// the downloads (a few answers, one at 23:30 on 31/05 Vietnam time, one
// with a comment that looks like a formula), an A4 PDF report when
// Chromium is there, and "hailong reindex" leaves a closed month as it
// was. The exports themselves are tested in dashboard/exports
// (TestExportMonth).
func TestExportMonthCLI(t *testing.T) {
	dir := t.TempDir()
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	start := func() *testApp {
		a, err := startAppWith(t, dir, nil, nil, clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := start()
	apptest.FillMay2024(t, a.URL, clock)
	admin, _ := apptest.Admin(t, a.URL)
	x1, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05.xlsx")
	sheets := apptest.SheetRows(t, x1)
	csvSum, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05.csv?table=summary")

	// The CLI writes the same data.
	a.Stop(t)
	out := filepath.Join(t.TempDir(), "may.xlsx")
	if o, err := runCmd(t, dir, "export", "-month", "2024-05", "-format", "xlsx", "-o", out); err != nil {
		t.Fatalf("export: %v %s", err, o)
	}
	cli, _ := os.ReadFile(out)
	if got := apptest.SheetRows(t, cli); !reflect.DeepEqual(got, sheets) {
		t.Errorf("CLI XLSX differs from the download:\n%v\n%v", got["Tổng hợp"], sheets["Tổng hợp"])
	}
	if o, err := runCmd(t, dir, "export", "-month", "2024-05", "-format", "csv", "-table", "summary", "-o", "-"); err != nil || o != string(csvSum) {
		t.Errorf("CLI CSV differs: %v\n%s\n%s", err, o, csvSum)
	}

	if _, err := pdf.Chromium(); err == nil {
		pdfOut := filepath.Join(t.TempDir(), "may.pdf")
		if o, err := runCmd(t, dir, "export", "-month", "2024-05", "-format", "pdf", "-o", pdfOut); err != nil {
			t.Fatalf("export pdf: %v %s", err, o)
		}
		doc, _ := os.ReadFile(pdfOut)
		m := mediaBox.FindSubmatch(doc)
		if !bytes.HasPrefix(doc, []byte("%PDF")) || m == nil {
			t.Fatalf("not a PDF: %q", doc[:min(len(doc), 20)])
		}
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-595.28) > 2 || math.Abs(h-841.89) > 2 { // 210 × 297 mm
			t.Errorf("report PDF page %v × %v pt, want A4", w, h)
		}
	}

	// "hailong reindex" leaves a closed month as it was.
	a = start()
	var closed struct{ SHA256 string }
	if code := apptest.AdminCall(t, "POST", a.URL+"/exports/2024-05/close", nil, &closed); code != 200 || len(closed.SHA256) != 64 {
		t.Fatalf("close: %d %+v", code, closed)
	}
	admin, _ = apptest.Admin(t, a.URL)
	f1, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05.xlsx")
	if s := apptest.SheetRows(t, f1)["Tổng hợp"][0][0]; !strings.Contains(s, closed.SHA256) {
		t.Errorf("frozen title %q lacks the hash", s)
	}
	a.Stop(t)
	if o, err := runCmd(t, dir, "reindex"); err != nil {
		t.Fatalf("reindex: %v %s", err, o)
	}
	a = start()
	admin, _ = apptest.Admin(t, a.URL)
	if f3, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05.xlsx"); !bytes.Equal(f1, f3) {
		t.Errorf("closed month changed after reindex")
	}
}
