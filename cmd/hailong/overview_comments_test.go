package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestOverviewCommentsFromArchive: the overview's newest comments come from
// MongoDB, so they survive a restart of an embedded-mode app (whose Redis
// is in memory); they follow the period, unit, desk and channel filters,
// leave out hidden ones, and name the unit and desk with Vietnam time.
func TestOverviewCommentsFromArchive(t *testing.T) {
	dir := t.TempDir()
	clock := &exportClock{}
	clock.set(time.Date(2024, 5, 20, 9, 0, 0, 0, vn))
	start := func() *testApp {
		a, err := startAppWith(t, dir, nil, nil, clock.now)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := start()
	byUnit := map[string]deskJSON{}
	for _, d := range apiDesks(t, a) {
		if _, ok := byUnit[d.Unit]; !ok {
			byUnit[d.Unit] = d
		}
	}
	p1, p7 := byUnit["vt-p1"], byUnit["vt-p7"]
	answerWith(t, a, clock, time.Date(2024, 4, 10, 9, 0, 0, 0, vn), p1.SurveyURL, "Ý kiến tháng Tư")
	answerWith(t, a, clock, time.Date(2024, 5, 2, 8, 5, 0, 0, vn), p1.SurveyURL, "Ý kiến A quầy phường 1")
	answerWith(t, a, clock, time.Date(2024, 5, 15, 10, 0, 0, 0, vn), p7.SurveyURL, "Ý kiến B phường 7")
	clock.set(time.Date(2024, 5, 18, 23, 30, 0, 0, vn))
	c := client(t)
	f := getForm(t, c, a.URL+"/p/vt-p1")
	ans := validAnswers()
	ans.Set("comment", "Ý kiến C cổng dịch vụ công")
	if res, _ := portalPost(t, c, a, f, "unknown", "online_full", ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("portal answer: %d", res.StatusCode)
	}
	waitN(t, a, 3)
	a.Stop(t)
	a = start()
	admin, csrf := adminClient(t, a)

	comments := func(query string) []string {
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
	may := "from=2024-05-01&to=2024-05-31"
	got := comments(may)
	if len(got) != 3 || !strings.HasPrefix(got[0], "Ý kiến C") || !strings.HasPrefix(got[2], "Ý kiến A") {
		t.Fatalf("May comments after a restart = %q, want C, B, A", got)
	}
	if !strings.Contains(got[2], "02/05/2024 08:05") || !strings.Contains(got[2], p1.Name) || !strings.Contains(got[2], "Phường 1") {
		t.Errorf("comment line %q lacks Vietnam time, desk or unit name", got[2])
	}
	if !strings.Contains(got[0], "18/05/2024 23:30") || !strings.Contains(got[0], "Phường 1") {
		t.Errorf("portal comment line %q, want 18/05/2024 23:30", got[0])
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{may + "&unit=vt-p7", []string{"Ý kiến B"}},
		{may + "&desk=" + p1.ID, []string{"Ý kiến A"}},
		{may + "&channel=portal", []string{"Ý kiến C"}},
		{may + "&channel=qr&unit=vt-p1", []string{"Ý kiến A"}},
		{"from=2024-04-01&to=2024-05-10", []string{"Ý kiến A", "Ý kiến tháng Tư"}},
		{"from=2024-05-03&to=2024-05-14", nil},
	} {
		got := comments(tc.query)
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], tc.want[i])
		}
		if !ok {
			t.Errorf("/?%s comments = %q, want %q", tc.query, got, tc.want)
		}
	}

	// A hidden comment leaves the list.
	res, _ := admin.Get(a.URL + "/?" + may + "&unit=vt-p7")
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	action, _ := doc.Find(".comments form").Attr("action")
	backQ, _ := doc.Find(`.comments form input[name=back]`).Attr("value")
	back := "/?" + url.Values{"from": {"2024-05-01"}, "to": {"2024-05-31"}, "unit": {"vt-p7"}}.Encode() + "#cm-h"
	res, err := admin.PostForm(a.URL+action, url.Values{"_csrf": {csrf}, "reason": {"Trùng lặp"}, "back": {backQ}})
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
		t.Fatalf("hide %s: %v %q %v", action, res.StatusCode, res.Header.Get("Location"), err)
	}
	if got := comments(may + "&unit=vt-p7"); len(got) != 0 {
		t.Errorf("hidden comment still listed: %q", got)
	}
}
