package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestOverviewAlerts: the overview's three alerts. A desk whose last 7 days
// fall under 70 % with 30 answers is flagged, one with 29 is not; a desk
// with HAILONG_ALERT_SUSPECTS suspect answers in 24 hours is flagged, one
// short of it is not; an overdue task — a recurring quarterly one never
// updated since the year began — is named until its unit reports on it.
func TestOverviewAlerts(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	a.Stop(t)
	plan := filepath.Join(dir, "quy.yaml")
	if err := os.WriteFile(plan, []byte(`plan:
  code: quy-2026
  title: Báo cáo quý
tasks:
  - id: p1-bao-cao-quy
    unit: vt-p1
    title: Báo cáo kết quả tuyên truyền hằng quý
    channel: report
    frequency: quarterly
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"import", "plan", plan},
		{"user", "add", "p1", "-role", "unit_manager", "-unit", "vt-p1", "-password", "matkhau-p1"},
	} {
		if out, err := runCmd(t, dir, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	clock := &exportClock{}
	base := time.Date(2026, 6, 15, 9, 0, 0, 0, vn)
	clock.set(base)
	// Answers sent within a minute of the form are suspect ("too_fast"):
	// the test makes suspects by not moving the clock.
	a, err := startAppWith(t, dir, map[string]string{"HAILONG_SUSPECT_MIN_FILL": "1m", "HAILONG_ALERT_SUSPECTS": "3"}, nil, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	urls := map[string]string{}
	for _, d := range apiDesks(t, a) {
		urls[d.ID] = d.SurveyURL
	}
	low := validAnswers()
	for _, k := range []string{"a", "b", "c", "d", "e", "overall"} {
		low.Set(k, "1")
	}
	send := func(desk string, n int, wait time.Duration) {
		t.Helper()
		for i := 0; i < n; i++ {
			c := client(t)
			clock.set(base)
			f := getForm(t, c, urls[desk])
			clock.set(base.Add(wait))
			if res := post(t, c, a.URL+f.Action, f.Hidden, low); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer %s: %d", desk, res.StatusCode)
			}
		}
	}
	send("p1-q1", 30, 2*time.Minute)
	send("p1-q2", 29, 2*time.Minute)
	send("p7-q1", 2, 0)
	waitCount(t, a, 59)

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
	admin, _ := adminClient(t, a)
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
	p1, p1csrf := loginAs(t, a, "p1", "matkhau-p1")
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
	clock.set(base.AddDate(0, 3, 11))
	p1, _ = loginAs(t, a, "p1", "matkhau-p1") // the session has expired meanwhile
	if !quarterly() {
		t.Error("quarterly task not overdue 3 months and 11 days after its last report")
	}
}

// waitCount waits until the indicators of June 2026 count n answers.
func waitCount(t *testing.T, a *testApp, n int64) {
	t.Helper()
	waitIndicators(t, a, "from=2026-06-01&to=2026-06-30", n)
}
