package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// Every download of a closed month carries its SHA-256: the X-Hailong-SHA256
// header and the file name (the CSV itself stays a plain table), and the
// CLI prints it on stderr. "-table nope" exits 2 with one line and leaves
// no file.
func TestExportClosedSHA(t *testing.T) {
	dir := t.TempDir()
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 6, 5, 9, 0, 0, 0, vn))
	a, err := startAppWith(t, dir, nil, nil, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	apptest.AnswerAt(t, a.URL, clock, time.Date(2024, 5, 10, 9, 0, 0, 0, vn), apptest.Desks(t, a.URL)[0].SurveyURL, "Tốt.")
	clock.Set(time.Date(2024, 6, 5, 9, 0, 0, 0, vn))
	apptest.WaitMay2024(t, a.URL, 1)
	admin, _ := apptest.Admin(t, a.URL)
	if _, h := apptest.Download(t, admin, a.URL+"/exports/2024-05.csv?table=summary"); h.Get("X-Hailong-SHA256") != "" || strings.Contains(h.Get("Content-Disposition"), "sha256") {
		t.Errorf("open month carries a hash: %v", h)
	}
	var closed struct{ SHA256 string }
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/exports/2024-05/close", nil, &closed); code != http.StatusOK {
		t.Fatalf("close: %d", code)
	}
	sum := closed.SHA256
	var csvBody []byte
	for _, u := range []string{"/exports/2024-05.csv?table=summary", "/exports/2024-05.csv?table=comments", "/exports/2024-05.xlsx", "/exports/2024-05/report"} {
		b, h := apptest.Download(t, admin, a.URL+u)
		if h.Get("X-Hailong-SHA256") != sum {
			t.Errorf("%s: X-Hailong-SHA256 %q, want %s", u, h.Get("X-Hailong-SHA256"), sum)
		}
		if !strings.Contains(u, "report") && !strings.Contains(h.Get("Content-Disposition"), "-sha256-"+sum[:8]+".") {
			t.Errorf("%s: file name %q lacks the hash", u, h.Get("Content-Disposition"))
		}
		if strings.HasSuffix(u, "summary") {
			csvBody = b
		}
	}
	// apptest.ReadCSV fails on rows of uneven width: no comment or hash row.
	if recs := apptest.ReadCSV(t, csvBody); recs[0][0] != "Mã đơn vị" || recs[1][0] != "(tổng)" || strings.Contains(string(csvBody), sum) {
		t.Errorf("closed CSV is not a plain table: %q", recs[:2])
	}
	a.Stop(t)

	stdout, stderr, err := runCLI(dir, "export", "-month", "2024-05", "-format", "csv", "-table", "summary", "-o", "-")
	if err != nil || stdout != string(csvBody) || !strings.Contains(stderr, "SHA-256 "+sum) {
		t.Errorf("CLI: %v; stderr %q; same CSV %v", err, stderr, stdout == string(csvBody))
	}
	out := filepath.Join(t.TempDir(), "x.csv")
	_, _, err = runCLI(dir, "export", "-month", "2024-05", "-format", "csv", "-table", "nope", "-o", out)
	var msg bytes.Buffer
	if code := exitCode(err, &msg); code != 2 || strings.Count(msg.String(), "\n") != 1 || !strings.Contains(msg.String(), "-table") {
		t.Errorf("-table nope: exit %d, %q", code, msg.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("-table nope left %s behind (%v)", out, err)
	}
}

// runCLI runs hailong with args on dir and returns stdout, stderr and the error.
func runCLI(dir string, args ...string) (string, string, error) {
	env := map[string]string{"HAILONG_DATA_DIR": dir, "HAILONG_ADMIN_PASSWORD": apptest.AdminPassword}
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return out.String(), errb.String(), err
}
