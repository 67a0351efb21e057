package overview_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/dashboard/plan"
	"hailong/internal/app"
	"hailong/internal/app/apptest"
)

// TestOverviewAlerts: the overview's three alerts. A desk whose last 7 days
// fall under 70 % with 30 answers is flagged, one with 29 is not; a desk
// with HAILONG_ALERT_SUSPECTS suspect answers in 24 hours is flagged, one
// short of it is not; an overdue task — a recurring quarterly one never
// updated since the year began — is named until its unit reports on it.
func TestOverviewAlerts(t *testing.T) {
	clk := &apptest.Clock{}
	base := time.Date(2026, 6, 15, 9, 0, 0, 0, vn)
	clk.Set(base)
	// Answers sent within a minute of the form are suspect ("too_fast"):
	// the test makes suspects by not moving the clock.
	a := apptest.Start(t, apptest.Options{Now: clk.Now, Config: func(c *app.Config) {
		c.Limits.MinFill = time.Minute
		c.AlertSuspects = 3
	}})
	// As "hailong import plan quy.yaml" does.
	ctx := context.Background()
	units, err := a.App.Survey.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := plan.ParsePlan([]byte(`plan:
  code: quy-2026
  title: Báo cáo quý
tasks:
  - id: p1-bao-cao-quy
    unit: vt-p1
    title: Báo cáo kết quả tuyên truyền hằng quý
    channel: report
    frequency: quarterly
`), units)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.App.Tasks.Import(ctx, f); err != nil {
		t.Fatalf("import plan: %v", err)
	}
	a.AddUser(t, "p1", "unit_manager", "vt-p1", "matkhau-p1")
	urls := map[string]string{}
	for _, d := range a.Desks(t) {
		urls[d.ID] = d.SurveyURL
	}
	low := apptest.ValidAnswers()
	for _, k := range []string{"a", "b", "c", "d", "e", "overall"} {
		low.Set(k, "1")
	}
	send := func(desk string, n int, wait time.Duration) {
		t.Helper()
		for i := 0; i < n; i++ {
			c := apptest.Client(t)
			clk.Set(base)
			f := apptest.GetForm(t, c, urls[desk])
			clk.Set(base.Add(wait))
			if res := apptest.Post(t, c, a.URL+f.Action, f.Hidden, low); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer %s: %d", desk, res.StatusCode)
			}
		}
	}
	send("p1-q1", 30, 2*time.Minute)
	send("p1-q2", 29, 2*time.Minute)
	send("p7-q1", 2, 0)
	a.WaitIndicators(t, "from=2026-06-01&to=2026-06-30", 59)

	alerts := func(c *http.Client) map[string][]string {
		t.Helper()
		res, err := c.Get(a.URL + "/")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /: %v %v", res.StatusCode, err)
		}
		defer res.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		out := map[string][]string{}
		doc.Find("ul.alerts li").Each(func(_ int, li *goquery.Selection) {
			cls, _ := li.Attr("class")
			href, _ := li.Find("a").Attr("href")
			out[strings.TrimPrefix(cls, "alert-")] = append(out[strings.TrimPrefix(cls, "alert-")], li.Text()+" → "+href)
		})
		return out
	}
	admin, _ := apptest.Admin(t, a.URL)
	got := alerts(admin)
	if l := got["low"]; len(l) != 1 || !strings.Contains(l[0], "Phường 1") || !strings.Contains(l[0], "(30 phiếu)") || !strings.HasSuffix(l[0], "/?desk=p1-q1") {
		t.Errorf("low alerts = %q, want p1-q1 only (30 answers; p1-q2 has 29)", l)
	}
	if b := got["burst"]; len(b) != 0 {
		t.Errorf("burst alerts with 2 suspects (threshold 3) = %q", b)
	}
	send("p7-q1", 1, 0)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if got = alerts(admin); len(got["burst"]) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if b := got["burst"]; len(b) != 1 || !strings.Contains(b[0], "3 phiếu nghi vấn trong 24 giờ qua") || !strings.Contains(b[0], "Phường 7") || !strings.HasSuffix(b[0], "/suspects?unit=vt-p7") {
		t.Errorf("burst alerts = %q, want p7-q1 with 3 suspects", b)
	}

	// p1 sees its own overdue tasks, named, and none of p7's alerts.
	p1, p1csrf := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	got = alerts(p1)
	if len(got["burst"]) != 0 {
		t.Errorf("p1 sees another unit's burst: %q", got["burst"])
	}
	quarterly := func() bool {
		for _, s := range alerts(p1)["task"] {
			if strings.Contains(s, "Báo cáo kết quả tuyên truyền hằng quý") && strings.HasSuffix(s, "/plan#p1-bao-cao-quy") {
				return true
			}
		}
		return false
	}
	if !quarterly() {
		t.Errorf("quarterly task never updated since 01/01 is not overdue on 15/06: %q", alerts(p1)["task"])
	}
	nr := *p1
	nr.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := nr.PostForm(a.URL+"/plan/p1-bao-cao-quy", url.Values{"_csrf": {p1csrf}, "status": {"doing"}, "progress": {"50"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update quarterly task: %v %v", res.StatusCode, err)
	}
	if quarterly() {
		t.Error("quarterly task still overdue right after its unit reported")
	}
	// A quarter and ten days later it is due again.
	clk.Set(base.AddDate(0, 3, 11))
	p1, _ = apptest.LoginAs(t, a.URL, "p1", "matkhau-p1") // the session has expired meanwhile
	if !quarterly() {
		t.Error("quarterly task not overdue 3 months and 11 days after its last report")
	}
}
