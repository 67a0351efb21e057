package overview_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

// TestOverviewTrendsAndLinks: the overview draws the trend by day (the
// period, at most its last 62 days) and by month (12 months up to the
// period's end); the channel links keep the other filters; headline
// figures and criteria link to their breakdown; the desk filter names the
// unit of each desk.
func TestOverviewTrendsAndLinks(t *testing.T) {
	clk := &apptest.Clock{}
	clk.Set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clk.Now})
	var p1 string
	for _, d := range a.Desks(t) {
		if d.Unit == "vt-p1" && p1 == "" {
			p1 = d.SurveyURL
		}
	}
	apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 4, 10, 9, 0, 0, 0, vn), p1, "")
	apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 5, 2, 9, 0, 0, 0, vn), p1, "")
	apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 5, 15, 9, 0, 0, 0, vn), p1, "")
	apptest.WaitMay2024(t, a.URL, 2)
	admin, _ := apptest.Admin(t, a.URL)
	page := func(query string) *goquery.Document {
		t.Helper()
		res, err := admin.Get(a.URL + "/?" + query)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /?%s: %v %v", query, res.StatusCode, err)
		}
		defer res.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		return doc
	}
	q := url.Values{"from": {"2024-05-01"}, "to": {"2024-05-31"}, "unit": {"vt-p1"}}
	doc := page(q.Encode())
	charts := doc.Find("#trend svg.chart")
	if charts.Length() != 2 {
		t.Fatalf("%d trend charts, want by day and by month", charts.Length())
	}
	if n := charts.Eq(0).Find("rect.nbar").Length(); n != 31 {
		t.Errorf("daily trend has %d days, want 31", n)
	}
	months := charts.Eq(1).Find("rect.nbar")
	if months.Length() != 12 || months.First().Find("title").Text() != "06/2023: N = 0" || months.Eq(10).Find("title").Text() != "04/2024: N = 1" || months.Last().Find("title").Text() != "05/2024: N = 2" {
		t.Errorf("monthly trend: %d months, first %q, April %q, last %q", months.Length(), months.First().Find("title").Text(), months.Eq(10).Find("title").Text(), months.Last().Find("title").Text())
	}
	year := page("from=2024-01-01&to=2024-12-31").Find("#trend svg.chart")
	if n := year.Eq(0).Find("rect.nbar").Length(); n != 62 {
		t.Errorf("daily trend of a year has %d days, want the last 62", n)
	}

	// Links keep the filters.
	href, _ := doc.Find(`#channel-mix tr[data-channel=qr] a`).First().Attr("href")
	u, _ := url.Parse(href)
	if got := u.Query(); got.Get("channel") != "qr" || got.Get("unit") != "vt-p1" || got.Get("from") != "2024-05-01" || got.Get("to") != "2024-05-31" {
		t.Errorf("channel link %q drops the filters", href)
	}
	if h, _ := doc.Find("a#kpi-service").Attr("href"); h != "#criteria" {
		t.Errorf("service index links to %q", h)
	}
	if h, _ := doc.Find("a#kpi-n").Attr("href"); h != "#ru-h" {
		t.Errorf("answer count links to %q", h)
	}
	crit, _ := doc.Find("#criteria tbody tr td a").First().Attr("href")
	if !strings.HasPrefix(crit, "/api/v1/indicators?") {
		t.Fatalf("criterion links to %q", crit)
	}
	var rep report
	if code := apptest.GetJSON(t, a.URL+crit, &rep); code != 200 || rep.N != 2 {
		t.Errorf("criterion breakdown %s: %d, N = %d, want 2 (May, Phường 1)", crit, code, rep.N)
	}

	// The desk filter tells the wards' "Quầy Một cửa" apart.
	seen := map[string]bool{}
	page("").Find(`select[name=desk] option[value!=""]`).Each(func(_ int, o *goquery.Selection) {
		if seen[o.Text()] || !strings.Contains(o.Text(), " — ") {
			t.Errorf("desk option %q repeated or without its unit", o.Text())
		}
		seen[o.Text()] = true
	})
	if !seen["Phường 7 — Quầy Một cửa"] {
		t.Errorf("desk options %v lack \"Phường 7 — Quầy Một cửa\"", seen)
	}
}
