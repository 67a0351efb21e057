package overview_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

func TestOverviewPage(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desks := a.Desks(t)
	for i := 0; i < 6; i++ {
		if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, desks[i%3].SurveyURL); code != http.StatusSeeOther {
			t.Fatalf("answer: %d", code)
		}
	}
	time.Sleep(1500 * time.Millisecond) // the rollup writer flushes every second
	c, _ := apptest.Admin(t, a.URL)
	res, err := c.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("overview: %d", res.StatusCode)
	}
	if n := strings.TrimSpace(doc.Find("#kpi-n").Text()); n != "6" {
		t.Errorf("answers shown: %q, want 6", n)
	}
	if got := doc.Find("svg.chart").Length(); got < 3 {
		t.Errorf("%d charts, want elements, trend and heatmap", got)
	}
	if got := doc.Find("#ru-h + table tbody tr").Length(); got < 1 {
		t.Errorf("unit ranking has %d rows", got)
	}
	if doc.Find("#ru-h + table tbody tr.lown").Length() == 0 {
		t.Error("units with fewer than 30 answers are not greyed")
	}
	if got := doc.Find("#pl-h + table tbody tr").Length(); got < 5 {
		t.Errorf("plan/channel join has %d rows", got)
	}
	if doc.Find(".comments li").Length() == 0 {
		t.Error("no newest comments shown")
	}
	// English toggle.
	res, _ = c.Get(a.URL + "/?lang=en")
	doc, _ = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if h := doc.Find("h1").Text(); h != "Citizens' satisfaction" {
		t.Errorf("English heading = %q", h)
	}
}
