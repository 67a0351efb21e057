package overview_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

// TestOverviewCommentsFromArchive: the overview's newest comments come from
// MongoDB, so they survive a restart of an embedded-mode app (whose Redis
// is in memory); they follow the period, unit, desk and channel filters,
// leave out hidden ones, and name the unit and desk with Vietnam time.
func TestOverviewCommentsFromArchive(t *testing.T) {
	clk := &apptest.Clock{}
	clk.Set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clk.Now})
	// A restart keeps the store and starts on a fresh miniredis, as an
	// embedded-mode app does.
	restart := func() *apptest.Site {
		a.Stop()
		return apptest.Start(t, apptest.Options{Now: clk.Now, DB: a.DB})
	}
	byUnit := map[string]apptest.Desk{}
	for _, d := range a.Desks(t) {
		if _, ok := byUnit[d.Unit]; !ok {
			byUnit[d.Unit] = d
		}
	}
	p1, p7 := byUnit["vt-p1"], byUnit["vt-p7"]
	apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 4, 10, 9, 0, 0, 0, vn), p1.SurveyURL, "Ý kiến tháng Tư")
	apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 5, 2, 8, 5, 0, 0, vn), p1.SurveyURL, "Ý kiến A quầy phường 1")
	apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 5, 15, 10, 0, 0, 0, vn), p7.SurveyURL, "Ý kiến B phường 7")
	clk.Set(time.Date(2024, 5, 18, 23, 30, 0, 0, vn))
	c := apptest.Client(t)
	f := apptest.GetForm(t, c, a.URL+"/p/vt-p1")
	ans := apptest.ValidAnswers()
	ans.Set("comment", "Ý kiến C cổng dịch vụ công")
	if res, _ := apptest.PortalPost(t, c, a.URL, f, "unknown", "online_full", ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("portal answer: %d", res.StatusCode)
	}
	apptest.WaitMay2024(t, a.URL, 3)

	comments := func(a *apptest.Site, admin *http.Client, query string) []string {
		t.Helper()
		res, err := admin.Get(a.URL + "/?" + query)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /?%s: %v %v", query, res.StatusCode, err)
		}
		defer res.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		var out []string
		doc.Find(".comments li").Each(func(_ int, li *goquery.Selection) {
			out = append(out, li.Find("p").First().Text()+" | "+li.Find("p.small").Text())
		})
		return out
	}
	// Before the restart the Redis lists can answer (ten matches, each
	// unit's list reaching back far enough): the same as the archive after.
	for d := 3; d <= 13; d++ {
		apptest.AnswerAt(t, a.URL, clk, time.Date(2024, 5, d, 9, 0, 0, 0, vn), p1.SurveyURL, fmt.Sprintf("Ý kiến ngày %02d", d))
	}
	apptest.WaitMay2024(t, a.URL, 14)
	lists := []string{"from=2024-05-01&to=2024-05-31&unit=vt-p1", "from=2024-05-01&to=2024-05-31&unit=vt-p1&channel=qr", "from=2024-05-01&to=2024-05-12&unit=vt-p1", "from=2024-05-01&to=2024-05-31"}
	admin, _ := apptest.Admin(t, a.URL)
	before := map[string][]string{}
	for _, q := range lists {
		before[q] = comments(a, admin, q)
	}
	if got := before[lists[0]]; len(got) != 10 || !strings.HasPrefix(got[0], "Ý kiến C") || !strings.HasPrefix(got[1], "Ý kiến ngày 13") || !strings.HasPrefix(got[9], "Ý kiến ngày 05") {
		t.Errorf("Phường 1's May comments before a restart = %q", got)
	}
	if got := before[lists[1]]; len(got) != 10 || !strings.HasPrefix(got[0], "Ý kiến ngày 13") || !strings.HasPrefix(got[9], "Ý kiến ngày 04") {
		t.Errorf("Phường 1's May QR comments before a restart = %q", got)
	}
	a = restart()
	admin, csrf := apptest.Admin(t, a.URL)
	for _, q := range lists {
		if got := comments(a, admin, q); strings.Join(got, "\n") != strings.Join(before[q], "\n") {
			t.Errorf("/?%s: after a restart %q, before %q", q, got, before[q])
		}
	}
	may := "from=2024-05-01&to=2024-05-31&unit=vt-p1"
	got := comments(a, admin, "from=2024-05-01&to=2024-05-02")
	if len(got) != 1 || !strings.Contains(got[0], "02/05/2024 08:05") || !strings.Contains(got[0], p1.Name) || !strings.Contains(got[0], "Phường 1") {
		t.Errorf("comment line %q lacks Vietnam time, desk or unit name", got)
	}
	got = comments(a, admin, may)
	if !strings.Contains(got[0], "18/05/2024 23:30") || !strings.Contains(got[0], "Phường 1") {
		t.Errorf("portal comment line %q, want 18/05/2024 23:30", got[0])
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"from=2024-05-01&to=2024-05-31&unit=vt-p7", []string{"Ý kiến B"}},
		{"from=2024-05-01&to=2024-05-02&desk=" + p1.ID, []string{"Ý kiến A"}},
		{"from=2024-05-01&to=2024-05-31&channel=portal", []string{"Ý kiến C"}},
		{"from=2024-05-01&to=2024-05-03&channel=qr&unit=vt-p1", []string{"Ý kiến ngày 03", "Ý kiến A"}},
		{"from=2024-04-01&to=2024-05-02", []string{"Ý kiến A", "Ý kiến tháng Tư"}},
		{"from=2024-05-16&to=2024-05-17", nil},
	} {
		got := comments(a, admin, tc.query)
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], tc.want[i])
		}
		if !ok {
			t.Errorf("/?%s comments = %q, want %q", tc.query, got, tc.want)
		}
	}

	// A hidden comment leaves the list.
	p7may := "from=2024-05-01&to=2024-05-31&unit=vt-p7"
	res, _ := admin.Get(a.URL + "/?" + p7may)
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	action, _ := doc.Find(".comments form").Attr("action")
	backQ, _ := doc.Find(`.comments form input[name=back]`).Attr("value")
	back := "/?" + url.Values{"from": {"2024-05-01"}, "to": {"2024-05-31"}, "unit": {"vt-p7"}}.Encode() + "#cm-h"
	res, err := admin.PostForm(a.URL+action, url.Values{"_csrf": {csrf}, "reason": {"Trùng lặp"}, "back": {backQ}})
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
		t.Fatalf("hide %s: %v %q %v", action, res.StatusCode, res.Header.Get("Location"), err)
	}
	if got := comments(a, admin, p7may); len(got) != 0 {
		t.Errorf("hidden comment still listed: %q", got)
	}
}
