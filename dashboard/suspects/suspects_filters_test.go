package suspects_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

// TestSuspectsPageFiltersAndPages: the suspects page shows this month by
// default, with from/to/unit controls, desk and unit names, answer labels,
// the time of day in Vietnam time, and 50 answers a page.
func TestSuspectsPageFiltersAndPages(t *testing.T) {
	var now atomic.Int64
	// 10:07 Vietnam time on the 20th: the default period has started.
	base := time.Now().In(period.Vietnam)
	base = time.Date(base.Year(), base.Month(), 20, 10, 7, 0, 0, period.Vietnam)
	now.Store(base.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	a := apptest.Start(t, apptest.Options{Now: clock})
	desks := a.Desks(t)
	var deskA, deskB apptest.Desk
	deskA = desks[0]
	for _, d := range desks {
		if d.Unit != deskA.Unit {
			deskB = d
			break
		}
	}
	if deskB.ID == "" {
		t.Fatal("the demo has one unit only")
	}
	bot := func(d apptest.Desk) {
		t.Helper()
		c := apptest.Client(t)
		form := apptest.GetForm(t, c, d.SurveyURL)
		answers := apptest.ValidAnswers()
		answers.Set("website", "http://spam.example")
		if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, answers); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("honeypot answer: %d", res.StatusCode)
		}
	}
	// One last month, then 51 on desk A and 1 on desk B this month.
	now.Store(base.AddDate(0, -1, 0).UnixNano())
	bot(deskA)
	now.Store(base.UnixNano())
	for i := 0; i < 51; i++ {
		bot(deskA)
	}
	bot(deskB)

	admin, _ := apptest.Admin(t, a.URL)
	page := func(query string) (int, *goquery.Document) {
		t.Helper()
		res, err := admin.Get(a.URL + "/suspects" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		doc, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, doc
	}
	code, doc := page("")
	if code != http.StatusOK {
		t.Fatalf("/suspects: %d", code)
	}
	first := time.Date(base.Year(), base.Month(), 1, 0, 0, 0, 0, period.Vietnam).Format("2006-01-02")
	if v, _ := doc.Find(`form.filters input[name=from]`).Attr("value"); v != first {
		t.Errorf("from control holds %q, want the first of this month %s", v, first)
	}
	if v, _ := doc.Find(`form.filters input[name=to]`).Attr("value"); v != base.Format("2006-01-02") {
		t.Errorf("to control holds %q, want today %s", v, base.Format("2006-01-02"))
	}
	if doc.Find(`form.filters select[name=unit] option[value="`+deskB.Unit+`"]`).Length() != 1 {
		t.Error("the unit control does not offer desk B's unit")
	}
	if got := strings.TrimSpace(doc.Find("#suspects-count").Text()); got != "52 ý kiến nghi vấn — trang 1/2" {
		t.Errorf("count line %q, want 52 answers of this month on 2 pages", got)
	}
	rows := doc.Find("tbody tr")
	if rows.Length() != 50 {
		t.Errorf("page 1 has %d rows, want 50", rows.Length())
	}
	row := rows.First()
	if at := row.Find("td.at").Text(); at != base.Format("02/01/2006 15:04") {
		t.Errorf("date %q, want %q (dd/mm/yyyy HH:MM, Vietnam time)", at, base.Format("02/01/2006 15:04"))
	}
	if desk := row.Find("td.desk").Text(); !strings.Contains(desk, deskA.Name) || !strings.Contains(desk, deskA.UnitName) {
		t.Errorf("desk cell %q, want the desk's name %q and unit's name %q", desk, deskA.Name, deskA.UnitName)
	}
	ans := row.Find("td.answers").Text()
	for _, want := range []string{"Rất hài lòng", "Không áp dụng", apptest.ValidAnswers().Get("comment")} {
		if !strings.Contains(ans, want) {
			t.Errorf("answers cell lacks %q: %q", want, ans)
		}
	}
	if regexp.MustCompile(`\b[a-z_]+=\d`).MatchString(ans) {
		t.Errorf("answers cell shows raw codes: %q", ans)
	}
	next, ok := doc.Find(`a[rel=next]`).Attr("href")
	if !ok {
		t.Fatal("no link to page 2")
	}
	if _, doc = page(strings.TrimPrefix(next, "/suspects")); doc.Find("tbody tr").Length() != 2 {
		t.Errorf("page 2 (%s) has %d rows, want 2", next, doc.Find("tbody tr").Length())
	}
	if _, doc = page("?unit=" + deskB.Unit); doc.Find("tbody tr").Length() != 1 {
		t.Errorf("unit filter: %d rows, want desk B's 1", doc.Find("tbody tr").Length())
	}
	last := base.AddDate(0, -1, 0).Format("2006-01-02")
	if _, doc = page("?from=" + last + "&to=" + last); doc.Find("tbody tr").Length() != 1 {
		t.Errorf("last month's day: %d rows, want 1", doc.Find("tbody tr").Length())
	}
	if code, _ = page("?page=0"); code != http.StatusBadRequest {
		t.Errorf("page=0: %d, want 400", code)
	}
}
