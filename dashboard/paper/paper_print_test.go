package paper_test

// The printable batch (issue 9 item 2): serials, exact question texts,
// codes matching the entry keys, A4 print CSS and decodable QR codes.

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

func TestPaperBatchPrint(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	in, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	counter, _ := in.Latest("counter")
	var deskURL string
	for _, d := range a.Desks(t) {
		if d.ID == "p1-q1" {
			deskURL = d.SurveyURL
		}
	}

	serials := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q1"}, "count": {"5"}})
	if len(serials) != 5 {
		t.Fatalf("batch of 5 prints %d forms", len(serials))
	}
	batch := serials[0][:4]
	doc := apptest.HTMLPage(t, admin, a.URL+"/paper/batches/"+batch)
	seen := map[string]bool{}
	doc.Find("article.paper-form").Each(func(i int, f *goquery.Selection) {
		s := f.AttrOr("data-serial", "")
		seen[s] = true
		if got := strings.TrimSpace(f.Find(".pf-serial").Text()); got != s {
			t.Errorf("form %d prints serial %q, want %q", i+1, got, s)
		}
		if f.Find(".pf-unit").Text() != "UBND Phường 1" || f.Find(".pf-desk").Text() != "Quầy 1 – Hộ tịch" {
			t.Errorf("form %s pre-prints %q / %q", s, f.Find(".pf-unit").Text(), f.Find(".pf-desk").Text())
		}
		if f.Find(".pf-country").Text() != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" {
			t.Errorf("form %s has no national header", s)
		}
		if src := f.Find("img.pf-qr-serial").AttrOr("src", ""); src != "/paper/qr/"+s+".svg" {
			t.Errorf("form %s: serial QR %q", s, src)
		}
		items := f.Find("li.pf-item")
		if items.Length() != len(counter.Items) {
			t.Errorf("form %s has %d questions, want %d", s, items.Length(), len(counter.Items))
		}
		items.Each(func(j int, q *goquery.Selection) {
			it := counter.Items[j]
			if !strings.Contains(q.Find(".pf-q").Text(), it.Text.VI) {
				t.Errorf("form %s question %d reads %q, want the exact text %q", s, j+1, q.Find(".pf-q").Text(), it.Text.VI)
			}
			want := len(it.Choices())
			if it.NA {
				want++
			}
			if it.Type == survey.TypeText {
				want = 0
			}
			if n := q.Find(".pf-box").Length(); n != want {
				t.Errorf("form %s question %s has %d boxes, want %d", s, it.Code, n, want)
			}
		})
		// The codes beside the boxes are the keys of the entry screen.
		if got := f.Find(`li.pf-item[data-item=a] .pf-code`).Map(func(_ int, c *goquery.Selection) string { return c.Text() }); strings.Join(got, "") != "123450" {
			t.Errorf("form %s codes of item a: %v, want 1–5 and 0 for không áp dụng", s, got)
		}
	})
	for _, s := range serials {
		if !seen[s] || len(seen) != 5 {
			t.Errorf("print view is missing serial %s (has %v)", s, seen)
		}
	}
	if n := doc.Find(`head link[href*="/static/print."]`).Length(); n != 1 {
		t.Errorf("print view loads print.css %d times, want 1", n)
	}
	cssURL := doc.Find(`head link[href*="/static/print."]`).AttrOr("href", "")
	_, css := apptest.Get(t, admin, a.URL+cssURL)
	for _, want := range []string{"@page { size: A4", ".paper-form + .paper-form { break-before: page }"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("print.css lacks %q", want)
		}
	}

	// A part of the batch, and ranges outside it.
	part := apptest.HTMLPage(t, admin, a.URL+"/paper/batches/"+batch+"?from=2&to=3")
	if got := part.Find("article.paper-form").Map(func(_ int, f *goquery.Selection) string { return f.AttrOr("data-serial", "") }); len(got) != 2 || got[0] != serials[1] || got[1] != serials[2] {
		t.Errorf("forms 2–3 of the batch: %v, want %v", got, serials[1:3])
	}
	for _, q := range []string{"?from=0", "?to=6", "?from=4&to=2", "?from=hai"} {
		if res, _ := apptest.Get(t, admin, a.URL+"/paper/batches/"+batch+q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("print %s: %d, want 400", q, res.StatusCode)
		}
	}

	// The QR codes decode: the serial, and the desk's online survey.
	online := doc.Find("img.pf-qr-online").First().AttrOr("src", "")
	_, img := apptest.Get(t, admin, a.URL+strings.TrimSuffix(online, ".svg")+".png")
	if got := apptest.ZbarDecode(t, img); got != deskURL {
		t.Errorf("online QR decodes to %q, want the desk's survey URL %q", got, deskURL)
	}
	_, img = apptest.Get(t, admin, a.URL+"/paper/qr/"+serials[2]+".png")
	if got := apptest.ZbarDecode(t, img); got != serials[2] {
		t.Errorf("serial QR decodes to %q, want %q", got, serials[2])
	}
	// A unit-level batch points at the unit's portal survey.
	unitLevel := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p7"}, "count": {"1"}})
	_, img = apptest.Get(t, admin, a.URL+"/paper/batches/"+unitLevel[0][:4]+"/online.png")
	if got := apptest.ZbarDecode(t, img); got != a.URL+"/p/vt-p7" {
		t.Errorf("unit-level online QR decodes to %q, want %s/p/vt-p7", got, a.URL)
	}

	// A big batch is offered in print runs of 100.
	big := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p7"}, "count": {"150"}})
	runs := apptest.HTMLPage(t, admin, a.URL+"/paper/batches/"+big[0][:4]).Find(".toolbar .parts a").Map(func(_ int, l *goquery.Selection) string { return l.AttrOr("href", "") })
	if len(big) != 150 || len(runs) != 3 || !strings.HasSuffix(runs[1], "?from=101&to=150") {
		t.Errorf("batch of %d forms offers print runs %v, want 1–100, 101–150 and all", len(big), runs)
	}

	// The batch list, and what a batch form refuses.
	list := apptest.HTMLPage(t, admin, a.URL+"/paper")
	if n := list.Find("table.batches tr[data-batch]").Length(); n != 3 {
		t.Errorf("batch list has %d rows, want 3", n)
	}
	for _, bad := range []url.Values{
		{"unit": {"vt-p1"}, "count": {"0"}},
		{"unit": {"vt-p1"}, "count": {"1001"}},
		{"unit": {"vt-p1"}, "count": {"mười"}},
		{"unit": {"khong-co"}, "count": {"5"}},
		{"unit": {"vt-p1"}, "desk": {"p7-q1"}, "count": {"5"}},
		{"unit": {"vt-p1"}, "instrument": {"khong-co"}, "count": {"5"}},
	} {
		bad.Set("_csrf", csrf)
		res, err := admin.PostForm(a.URL+"/paper/batches", bad)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(".alert").Length() == 0 {
			t.Errorf("create batch %v: %d, want 422 with a message", bad, res.StatusCode)
		}
	}
	// A unit manager prints for their own unit only and sees only its batches.
	a.AddUser(t, "ql-p7", "unit_manager", "vt-p7")
	mgr, mgrCSRF := apptest.LoginAs(t, a.URL, "ql-p7", "matkhau-ql-p7")
	if res, _ := apptest.Get(t, mgr, a.URL+"/paper/batches/"+batch); res.StatusCode != http.StatusNotFound {
		t.Errorf("manager of vt-p7 opens a vt-p1 batch: %d, want 404", res.StatusCode)
	}
	res, err := mgr.PostForm(a.URL+"/paper/batches", url.Values{"_csrf": {mgrCSRF}, "unit": {"vt-p1"}, "count": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("manager of vt-p7 prints for vt-p1: %d, want 422", res.StatusCode)
	}
	if n := apptest.HTMLPage(t, mgr, a.URL+"/paper").Find("table.batches tr[data-batch]").Length(); n != 2 {
		t.Errorf("manager of vt-p7 lists %d batches, want 2", n)
	}
}
