package exports_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/dashboard/auth"
	"hailong/internal/app/apptest"
)

// The "Xuất báo cáo" page is a dashboard tab; it lists each month with
// working links to the report, XLSX, every CSV table, the raw answers and
// the codebook; an admin's "Chốt số liệu" closes the month (its SHA-256
// then shows) and "Mở lại" reopens it; a viewer sees the links, in their
// scope, and no button.
func TestExportsPage(t *testing.T) {
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 6, 5, 9, 0, 0, 0, vn))
	a := apptest.Start(t, apptest.Options{Now: clock.Now})
	// A viewer without a display name, as "hailong user add" without
	// -name creates it (apptest's AddUser gives every account one).
	hash, err := auth.HashPassword("matkhau-xem")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.App.Users.Insert(t.Context(), &auth.User{Username: "xem", Role: auth.RoleViewer, Unit: "vt-p1", PasswordHash: hash, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatalf("add user xem: %v", err)
	}
	apptest.AnswerAt(t, a.URL, clock, time.Date(2024, 5, 10, 9, 0, 0, 0, vn), a.Desks(t)[0].SurveyURL, "Tốt; nhanh.")
	clock.Set(time.Date(2024, 6, 5, 9, 0, 0, 0, vn))
	apptest.WaitMay2024(t, a.URL, 1)
	admin, _ := apptest.Admin(t, a.URL)

	if doc := apptest.HTMLPage(t, admin, a.URL+"/"); doc.Find(`nav.tabs a[href="/exports"]`).Length() != 1 {
		t.Errorf("the overview's tabs have no link to /exports")
	}
	doc := apptest.HTMLPage(t, admin, a.URL+"/exports")
	may := doc.Find(`tr#m-2024-05`)
	want := []string{"report", "xlsx", "csv-summary", "csv-criteria", "csv-desks", "csv-channels", "csv-comments", "csv-plan", "raw"}
	for _, k := range want {
		href, ok := may.Find(`a[data-export="` + k + `"]`).Attr("href")
		if !ok {
			t.Errorf("May has no %s link", k)
			continue
		}
		apptest.MustGet(t, admin, a.URL+href) // fails unless 200
	}
	if href, _ := may.Find(`a[data-export="raw"]`).Attr("href"); !strings.Contains(href, "from=2024-05-01&to=2024-05-31") {
		t.Errorf("raw link %q is not May's period", href)
	}
	if href, ok := doc.Find(`a[data-export="codebook"]`).Attr("href"); !ok {
		t.Errorf("no codebook link")
	} else {
		apptest.MustGet(t, admin, a.URL+href)
	}
	// A ';' in a comment is quoted in both CSVs (Excel vi-VN splits on ';').
	for _, k := range []string{"csv-comments", "raw"} {
		href, _ := may.Find(`a[data-export="` + k + `"]`).Attr("href")
		if b := apptest.MustGet(t, admin, a.URL+href); !strings.Contains(string(b), `,"Tốt; nhanh."`) {
			t.Errorf("%s: the comment with ';' is not quoted:\n%s", k, b)
		}
	}
	if doc.Find(`tr#m-2024-06 form`).Length() != 0 {
		t.Errorf("June (not over) offers a button")
	}

	// "Chốt số liệu": a CSRF form with a confirmation, back to the page.
	form := may.Find(`form[data-confirm]`)
	action, _ := form.Attr("action")
	if confirm, _ := form.Attr("data-confirm"); !strings.Contains(confirm, "05/2024") || form.Find(`button`).Text() != "Chốt số liệu" {
		t.Fatalf("May's close form: %q %q", confirm, form.Find("button").Text())
	}
	res := submit(t, admin, a.URL+action, form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close from the page: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	doc = apptest.HTMLPage(t, admin, a.URL+loc)
	if s := doc.Find(`p.ok`).Text(); !strings.Contains(s, "Đã chốt số liệu tháng 05/2024") {
		t.Errorf("notice %q", s)
	}
	sum := doc.Find(`tr#m-2024-05 code.sha256`).Text()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(sum) {
		t.Fatalf("closed May shows SHA-256 %q", sum)
	}
	if title := apptest.SheetRows(t, apptest.MustGet(t, admin, a.URL+"/exports/2024-05.xlsx"))["Tổng hợp"][0][0]; !strings.Contains(title, sum) {
		t.Errorf("the page's hash %s is not the XLSX's: %q", sum, title)
	}
	reopen := doc.Find(`tr#m-2024-05 form`)
	if reopen.Find("button").Text() != "Mở lại" {
		t.Fatalf("closed May offers %q, want Mở lại", reopen.Find("button").Text())
	}

	// The report: the city issues a whole-city report; the toolbar follows
	// ?lang=en while the report itself stays Vietnamese; print styles for it.
	rep := apptest.HTMLPage(t, admin, a.URL+"/exports/2024-05/report?lang=en")
	if b := rep.Find(".toolbar button").Text(); b != "Print / Save as PDF" {
		t.Errorf("toolbar under ?lang=en: %q", b)
	}
	if s := rep.Find(".report-head strong").First().Text(); s != "UBND THÀNH PHỐ VŨNG TÀU" {
		t.Errorf("issuer %q, want the city", s)
	}
	if h := rep.Find(".report h1").Text(); !strings.Contains(h, "tháng 5/2024") || rep.Find(".report table.data").Length() != 2 {
		t.Errorf("report heading %q, %d bordered tables", h, rep.Find(".report table.data").Length())
	}
	css, _ := rep.Find(`link[rel=stylesheet][href*="print"]`).Attr("href")
	if b := string(apptest.MustGet(t, admin, a.URL+css)); !strings.Contains(b, "@page report") || !strings.Contains(b, `"Times New Roman"`) {
		t.Errorf("print.css has no report page rules")
	}
	apptest.HTMLPage(t, admin, a.URL+"/exports?lang=vi") // ?lang sticks to the session

	// A viewer: the same links in their scope, no button, and a refused POST.
	viewer, csrf := apptest.LoginAs(t, a.URL, "xem", "matkhau-xem")
	vdoc := apptest.HTMLPage(t, viewer, a.URL+"/exports")
	if vdoc.Find(`main form`).Length() != 0 || vdoc.Find(`main button`).Length() != 0 {
		t.Errorf("a viewer sees a button")
	}
	if vdoc.Find(`form[action="/logout"] button`).Length() != 1 {
		t.Errorf("a viewer without a display name has no sign-out button")
	}
	if !strings.Contains(vdoc.Find("h1 + p").Text(), "Phường 1") || vdoc.Find(`tr#m-2024-05 code.sha256`).Text() != sum {
		t.Errorf("viewer page: scope %q, hash %q", vdoc.Find("h1 + p").Text(), vdoc.Find(`tr#m-2024-05 code.sha256`).Text())
	}
	href, _ := vdoc.Find(`tr#m-2024-05 a[data-export="xlsx"]`).Attr("href")
	for _, r := range apptest.SheetRows(t, apptest.MustGet(t, viewer, a.URL+href))["Tổng hợp"][3:] {
		if r[0] != "vt-p1" {
			t.Errorf("viewer's XLSX has unit %s", r[0])
		}
	}
	r2, err := viewer.PostForm(a.URL+"/exports/2024-05/reopen", url.Values{"_csrf": {csrf}, "back": {"page"}})
	if err != nil || r2.StatusCode != http.StatusForbidden {
		t.Errorf("viewer reopen: %v %v", r2.StatusCode, err)
	}

	// "Mở lại" (admin).
	action, _ = reopen.Attr("action")
	if res := submit(t, admin, a.URL+action, reopen); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reopen from the page: %d", res.StatusCode)
	}
	doc = apptest.HTMLPage(t, admin, a.URL+"/exports")
	if doc.Find(`tr#m-2024-05 code.sha256`).Length() != 0 || doc.Find(`tr#m-2024-05 form button`).Text() != "Chốt số liệu" {
		t.Errorf("May is still closed after Mở lại")
	}
}

// submit posts a form's hidden fields and its button's value to u.
func submit(t *testing.T, c *http.Client, u string, form *goquery.Selection) *http.Response {
	t.Helper()
	v := url.Values{}
	form.Find(`input[type=hidden]`).Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Set(n, val)
	})
	if n, ok := form.Find("button").Attr("name"); ok {
		val, _ := form.Find("button").Attr("value")
		v.Set(n, val)
	}
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}
