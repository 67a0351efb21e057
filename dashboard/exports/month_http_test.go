package exports_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey/rollup"
)

// TestExportMonth: the May export of a few answers — one at 23:30 on 31/05
// Vietnam time, one with a comment that looks like a formula — equals the
// indicators API, the CSVs round-trip, scoping holds, and a closed month
// does not change with late answers and a reindex. (That "hailong export"
// writes the same files is TestExportMonthCLI in cmd/hailong.)
func TestExportMonth(t *testing.T) {
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clock.Now})
	a.AddUser(t, "p1", "unit_manager", "vt-p1")
	byUnit := apptest.FillMay2024(t, a.URL, clock)

	admin, csrf := apptest.Admin(t, a.URL)
	book, _ := apptest.Download(t, admin, a.URL+"/exports/codebook.csv")
	if cb := apptest.ReadCSV(t, book); len(cb) < 10 || cb[0][0] != "item" {
		t.Errorf("codebook: %v", cb[:min(len(cb), 2)])
	}

	x1, hdr := apptest.Download(t, admin, a.URL+"/exports/2024-05.xlsx")
	if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, `filename=chi-so-hai-long-2024-05.xlsx`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	sheets := apptest.SheetRows(t, x1)
	for _, s := range []string{"Tổng hợp", "Theo tiêu chí", "Theo quầy", "Kênh & trực tuyến", "Ý kiến", "Kế hoạch", "Phương pháp"} {
		if _, ok := sheets[s]; !ok {
			t.Errorf("no sheet %q", s)
		}
	}
	checkSummary(t, a.URL, sheets["Tổng hợp"])
	csvSum, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05.csv?table=summary")
	if sum := apptest.ReadCSV(t, csvSum); len(sum) != len(sheets["Tổng hợp"])-1 || sum[1][2] != "4" {
		t.Errorf("summary CSV: %d rows, xlsx %d; %q", len(sum), len(sheets["Tổng hợp"])-1, sum[:2])
	}

	// Scoping: a ward's manager exports their ward only.
	p1, _ := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	sp1 := apptest.SheetRows(t, apptest.MustGet(t, p1, a.URL+"/exports/2024-05.xlsx"))
	for _, r := range sp1["Tổng hợp"][2:] {
		if r[0] != "(tổng)" && r[0] != "vt-p1" {
			t.Errorf("p1 export has unit %s", r[0])
		}
	}
	for _, r := range sp1["Theo quầy"][2:] {
		if !strings.HasPrefix(r[0], "p1-") {
			t.Errorf("p1 export has desk %s", r[0])
		}
	}
	if len(sp1["Ý kiến"]) != 4 || sp1["Tổng hợp"][2][2] != "2" {
		t.Errorf("p1 export: comments %v, total row %v", sp1["Ý kiến"], sp1["Tổng hợp"][2])
	}
	if res, _ := apptest.Get(t, p1, a.URL+"/exports/2024-05.xlsx?unit=vt-p7"); res.StatusCode != http.StatusNotFound {
		t.Errorf("p1 export of vt-p7: %d", res.StatusCode)
	}
	rep, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05/report")
	if !bytes.Contains(rep, []byte("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")) || !bytes.Contains(rep, []byte("tháng 5/2024")) {
		t.Errorf("report page misses the heading")
	}

	// Hidden comments leave the comments sheet, not the raw data.
	raw, _ := apptest.Download(t, admin, a.URL+"/exports/raw.csv?from=2024-05-01&to=2024-05-31")
	recs := apptest.ReadCSV(t, raw)
	if len(recs) != 5 {
		t.Fatalf("raw.csv: %d lines, want header + 4", len(recs))
	}
	head := strings.Join(recs[0], ",")
	if !strings.HasPrefix(head, "id,submitted_at,desk,unit,channel,instrument,status,served,field,procedure,serial,") || !strings.HasSuffix(head, ",comment") {
		t.Errorf("raw header %q", head)
	}
	var hideID string
	var late bool
	for _, r := range recs[1:] {
		if r[len(r)-1] == "Nên có thêm ghế chờ." {
			hideID = r[0]
		}
		late = late || r[1] == "2024-05-31T23:30:00+07:00"
	}
	if !late || hideID == "" {
		t.Fatalf("raw.csv misses the 23:30 answer or the comment: %v", recs)
	}
	res, err := admin.PostForm(a.URL+"/comments/"+hideID+"/hide", url.Values{"_csrf": {csrf}, "reason": {"Trùng lặp"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	comments := apptest.SheetRows(t, apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx"))["Ý kiến"]
	var texts []string
	for _, r := range comments[2:] {
		texts = append(texts, r[3])
	}
	want := []string{"Cán bộ hướng dẫn tận tình.", "'=HYPERLINK(\"http://x\";\"bấm\")", "Cuối tháng vẫn phục vụ tốt."}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("comments sheet %q, want %q", texts, want)
	}
	csvCm, _ := apptest.Download(t, admin, a.URL+"/exports/2024-05.csv?table=comments")
	if cm := apptest.ReadCSV(t, csvCm); len(cm) != 4 || cm[2][3] != want[1] {
		t.Errorf("comments CSV %q", cm)
	}

	// Closing freezes the month.
	var closed struct{ SHA256 string }
	if code := apptest.AdminCall(t, "POST", a.URL+"/exports/2024-05/close", nil, &closed); code != 200 || len(closed.SHA256) != 64 {
		t.Fatalf("close: %d %+v", code, closed)
	}
	if code := apptest.AdminCall(t, "POST", a.URL+"/exports/2024-05/close", nil, nil); code != http.StatusConflict {
		t.Errorf("second close: %d", code)
	}
	f1 := apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx")
	if s := apptest.SheetRows(t, f1)["Tổng hợp"][0][0]; !strings.Contains(s, closed.SHA256) {
		t.Errorf("frozen title %q lacks the hash", s)
	}
	apptest.AnswerAt(t, a.URL, clock, time.Date(2024, 5, 30, 9, 0, 0, 0, vn), byUnit["vt-p7"], "Trả lời muộn.")
	apptest.WaitMay2024(t, a.URL, 5)
	if f2 := apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx"); !bytes.Equal(f1, f2) {
		t.Errorf("closed month changed after a late answer")
	}
	// Rebuild every rollup from the responses, service stopped, as
	// "hailong reindex" does (TestExportMonthCLI runs the command itself).
	a.Stop()
	log := slog.New(slog.DiscardHandler)
	if _, err := rollup.NewCommitter(a.DB, rollup.NewRollups(a.DB, a.Redis, log), log).Reindex(t.Context()); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	a = apptest.Start(t, apptest.Options{DB: a.DB, Now: clock.Now})
	admin, _ = apptest.Admin(t, a.URL)
	if f3 := apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx"); !bytes.Equal(f1, f3) {
		t.Errorf("closed month changed after reindex")
	}
	var reopened json.RawMessage
	if code := apptest.AdminCall(t, "POST", a.URL+"/exports/2024-05/reopen", nil, &reopened); code != 200 || !strings.Contains(string(reopened), closed.SHA256) {
		t.Errorf("reopen: %d %s", code, reopened)
	}
	if s := apptest.SheetRows(t, apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx"))["Tổng hợp"]; s[2][2] != "5" {
		t.Errorf("reopened month: total row %v", s[2])
	}
	// The reopening names the hash that had been reported, and the
	// snapshot it replaced is kept.
	var entries []struct {
		Action string
		Before map[string]any
	}
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &entries)
	found := false
	for _, e := range entries {
		found = found || e.Action == "month.reopen" && e.Before["sha256"] == closed.SHA256
	}
	if !found {
		t.Errorf("no month.reopen audit entry with the reported SHA-256 %s", closed.SHA256)
	}
	a.Stop()
	var kept struct {
		Snapshot struct{ SHA256 string } `bson:"snapshot"`
	}
	if err := a.DB.Collection("snapshots_reopened").FindOne(t.Context(), bson.D{}).Decode(&kept); err != nil || kept.Snapshot.SHA256 != closed.SHA256 {
		t.Errorf("reopened snapshot not kept: %v %q", err, kept.Snapshot.SHA256)
	}
}

// A month closes by itself AutoCloseDays (HAILONG_AUTO_CLOSE_DAYS) after it
// ends: a manual close of it then answers 409, and the audit log names the
// service. April ended before the first answer, so it stays open.
func TestMonthClosesAutomatically(t *testing.T) {
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clock.Now})
	apptest.AnswerAt(t, a.URL, clock, time.Date(2024, 5, 20, 9, 0, 0, 0, vn), a.Desks(t)[0].SurveyURL, "")
	apptest.WaitMay2024(t, a.URL, 1)
	a.Stop()
	clock.Set(time.Date(2024, 6, 12, 8, 0, 0, 0, vn))
	a = apptest.Start(t, apptest.Options{DB: a.DB, Now: clock.Now, Config: func(c *app.Config) { c.AutoCloseDays = 10 }})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/exports/2024-05/close", nil, nil); code == http.StatusConflict {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("May 2024 is not closed on 12/06 with a 10-day delay (close answered %d)", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var audit []struct{ User, Action, Target string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &audit)
	found := false
	for _, e := range audit {
		found = found || (e.Action == "month.close" && e.User == "hệ thống" && strings.HasPrefix(e.Target, "export:2024-05|counter@"))
	}
	if !found {
		t.Errorf("no automatic close in the audit log: %+v", audit)
	}
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/exports/2024-04/close", nil, nil); code != http.StatusOK {
		t.Errorf("April closed by hand: %d, want 200 (it ended before the first answer)", code)
	}
}
