package exports_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
)

// A unit created after a month was closed has no row in the snapshot: the
// report of that month and of the next one still answers 200 with "chưa
// có số liệu", and the XLSX keeps its total row. A month that has not
// ended cannot be closed.
func TestExportNewUnitAfterClose(t *testing.T) {
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clock.Now})
	desks := a.Desks(t)
	apptest.AnswerAt(t, a.URL, clock, time.Date(2024, 5, 10, 9, 0, 0, 0, vn), desks[0].SurveyURL, "Tốt.")
	apptest.WaitMay2024(t, a.URL, 1)
	clock.Set(time.Date(2024, 6, 5, 9, 0, 0, 0, vn))
	for _, m := range []string{"2024-06", "2024-07"} {
		if code, body := basicPost(t, a.URL+"/exports/"+m+"/close"); code != http.StatusConflict || !strings.Contains(body, "Tháng "+m+" chưa kết thúc") {
			t.Errorf("close %s on 05/06: %d %q, want 409 \"chưa kết thúc\"", m, code, body)
		}
	}
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/exports/2024-05/close", nil, nil); code != http.StatusOK {
		t.Fatalf("close May: %d", code)
	}
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/units", map[string]string{
		"id": "vt-p99", "name": "UBND Phường 99", "parent": "vt", "kind": "ward"}, nil); code != http.StatusCreated {
		t.Fatalf("create unit: %d", code)
	}
	admin, _ := apptest.Admin(t, a.URL)
	for _, m := range []string{"2024-05", "2024-06"} {
		rep, _ := apptest.Download(t, admin, a.URL+"/exports/"+m+"/report?unit=vt-p99")
		if !strings.Contains(string(rep), "chưa có số liệu") {
			t.Errorf("report %s of the new unit lacks \"chưa có số liệu\"", m)
		}
	}
	rows := apptest.SheetRows(t, apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx?unit=vt-p99"))["Tổng hợp"]
	if len(rows) < 3 || rows[2][0] != "(tổng)" || rows[2][2] != "0" {
		t.Errorf("closed May of the new unit: %q", rows)
	}
}

// Automatic closing catches up on every due month of the past year, even
// with a delay longer than a month, and never freezes the months before
// the first answer (a fresh install closes nothing).
func TestAutoCloseCatchesUp(t *testing.T) {
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 3, 10, 9, 0, 0, 0, vn))
	// February is due on 10/03 with a 5-day delay, but has no answer.
	a := apptest.Start(t, apptest.Options{Now: clock.Now, Config: func(c *app.Config) { c.AutoCloseDays = 5 }})
	apptest.AnswerAt(t, a.URL, clock, time.Date(2024, 3, 10, 9, 0, 0, 0, vn), a.Desks(t)[0].SurveyURL, "")
	a.Stop()
	// On 15/07 with 40 days: March, April and May are due (May ended
	// 01/06 + 40 days = 11/07), June is not; February precedes the first answer.
	clock.Set(time.Date(2024, 7, 15, 9, 0, 0, 0, vn))
	a = apptest.Start(t, apptest.Options{DB: a.DB, Now: clock.Now, Config: func(c *app.Config) { c.AutoCloseDays = 40 }})
	closed := func() map[string]bool {
		var audit []struct{ User, Action, Target string }
		apptest.GetJSON(t, a.URL+"/api/v1/audit", &audit)
		out := map[string]bool{}
		for _, e := range audit {
			if e.Action == "month.close" && e.User == "hệ thống" {
				m, _, _ := strings.Cut(strings.TrimPrefix(e.Target, "export:"), "|")
				out[m] = true
			}
		}
		return out
	}
	deadline := time.Now().Add(20 * time.Second)
	got := closed()
	for !got["2024-05"] && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		got = closed()
	}
	// Months close oldest first: once May is closed, February had its turn.
	want := map[string]bool{"2024-03": true, "2024-04": true, "2024-05": true}
	if len(got) != len(want) || !got["2024-03"] || !got["2024-04"] || !got["2024-05"] {
		t.Errorf("closed automatically %v, want %v", got, want)
	}
	for _, m := range []string{"2024-02", "2024-06"} {
		if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/exports/"+m+"/close", nil, nil); code != http.StatusOK {
			t.Errorf("%s closed by hand: %d, want 200 (it was left open)", m, code)
		}
	}
}
