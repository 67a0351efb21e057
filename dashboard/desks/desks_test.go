package desks_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

func TestDeskManagementAndRotation(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})

	var unit map[string]any
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/units", map[string]string{
		"id": "vt-p9", "name": "UBND Phường 9", "parent": "vt", "kind": "ward"}, &unit); code != http.StatusCreated {
		t.Fatalf("create unit: %d %v", code, unit)
	}
	for name, tc := range map[string]struct {
		body  any
		want  int
		field string
	}{
		"bad id":        {map[string]string{"id": "Phường 9", "name": "x", "kind": "ward", "parent": "vt"}, 400, "id"},
		"unknown field": {map[string]string{"id": "vt-p10", "nam": "x"}, 400, "nam"},
		"no parent":     {map[string]string{"id": "vt-p10", "name": "x", "kind": "ward", "parent": "khong-co"}, 400, "parent"},
		"duplicate":     {map[string]string{"id": "vt-p9", "name": "x", "kind": "ward", "parent": "vt"}, 409, "vt-p9"},
		"ward as root":  {map[string]string{"id": "vt-p10", "name": "x", "kind": "ward"}, 400, "parent"},
		"second city":   {map[string]string{"id": "vt2", "name": "x", "kind": "city"}, 400, "parent"},
	} {
		var e struct{ Error string }
		if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/units", tc.body, &e); code != tc.want || !strings.Contains(e.Error, tc.field) {
			t.Errorf("%s: %d %q, want %d naming %s", name, code, e.Error, tc.want, tc.field)
		}
	}
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/vt", map[string]string{"parent": "vt-p9"}, nil); code != http.StatusBadRequest {
		t.Errorf("moving the city under its own ward: %d, want 400", code)
	}
	// Detaching a ward would drop its answers from the city's figures.
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/vt-p9", map[string]string{"parent": ""}, nil); code != http.StatusBadRequest {
		t.Errorf("detaching a ward from the tree: %d, want 400", code)
	}
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/vt", map[string]string{"name": "UBND thành phố Vũng Tàu"}, nil); code != http.StatusOK {
		t.Errorf("renaming the city (the one root): %d, want 200", code)
	}

	var desk struct {
		ID        string `json:"id"`
		SurveyURL string `json:"survey_url"`
		Active    bool   `json:"active"`
	}
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/desks", map[string]any{
		"id": "p9-q1", "unit": "vt-p9", "name": "Quầy 1 – Hộ tịch", "fields": []string{"ho-tich"}}, &desk); code != http.StatusCreated || !desk.Active {
		t.Fatalf("create desk: %d %+v", code, desk)
	}
	c := apptest.Client(t)
	if code, _ := apptest.Answer(t, c, a.URL, desk.SurveyURL); code != http.StatusSeeOther {
		t.Fatalf("answer on the new desk: %d", code)
	}

	// "Đổi mã QR": the old poster explains itself and cannot submit.
	old := desk.SurveyURL
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/desks/p9-q1/rotate", nil, &desk); code != http.StatusOK || desk.SurveyURL == old {
		t.Fatalf("rotate: %d, url %s", code, desk.SurveyURL)
	}
	res, err := http.Get(old)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusGone || !strings.Contains(doc.Find("h1").Text(), "không còn hiệu lực") {
		t.Errorf("old code: %d %q", res.StatusCode, doc.Find("h1").Text())
	}
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, desk.SurveyURL); code != http.StatusSeeOther {
		t.Errorf("new code: %d", code)
	}
	// A citizen who answered just before the rotation still gets a thank-you.
	if res, err := http.Get(old + "/thanks"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("thank-you of the rotated code: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}

	// Deactivated: a friendly page, no form.
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/desks/p9-q1", map[string]any{"active": false}, nil); code != http.StatusOK {
		t.Fatalf("deactivate: %d", code)
	}
	res, _ = http.Get(desk.SurveyURL)
	doc, _ = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusGone || !strings.Contains(doc.Find("h1").Text(), "tạm ngừng") {
		t.Errorf("inactive desk: %d %q", res.StatusCode, doc.Find("h1").Text())
	}
}

func TestUnitMoveKeepsPastFigures(t *testing.T) {
	// Answers are stamped in April 2024; the move happens in June, so
	// April is a past month when the tree changes.
	clock := &apptest.Clock{}
	clock.Set(time.Date(2024, 4, 10, 9, 0, 0, 0, period.Vietnam))
	a := apptest.Start(t, apptest.Options{Now: clock.Now})
	sent := map[string]int64{}
	for _, d := range a.Desks(t) {
		if d.Unit == "vt-p7" || d.Unit == "vt-p1" {
			if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, d.SurveyURL); code != http.StatusSeeOther {
				t.Fatalf("answer: %d", code)
			}
			sent[d.Unit]++
		}
	}
	type fig struct {
		N       int64
		Service any
	}
	figures := func(q string, want int64) (fig, string) {
		t.Helper()
		var raw json.RawMessage
		deadline := time.Now().Add(5 * time.Second)
		for {
			if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?from=2024-04-01&to=2024-04-30&"+q, &raw); code != http.StatusOK {
				t.Fatalf("indicators %s: %d", q, code)
			}
			var f fig
			_ = json.Unmarshal(raw, &f)
			if f.N >= want || time.Now().After(deadline) {
				b, _ := json.Marshal(f)
				return f, string(b)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	p7Before, before := figures("unit=vt-p7", sent["vt-p7"])
	_, city := figures("", sent["vt-p7"]+sent["vt-p1"])
	if p7Before.N != sent["vt-p7"] || p7Before.N == 0 {
		t.Fatalf("Phường 7 has %d April answers before the move, want %d (> 0)", p7Before.N, sent["vt-p7"])
	}
	// The 2025 reorganisation, done in June: Phường 7 goes under Phường 1.
	clock.Set(time.Date(2024, 6, 3, 9, 0, 0, 0, period.Vietnam))
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/vt-p7", map[string]string{"parent": "vt-p1"}, nil); code != http.StatusOK {
		t.Fatalf("move: %d", code)
	}
	if _, after := figures("unit=vt-p7", 0); after != before {
		t.Errorf("moved unit's April figures changed:\n before %s\n after  %s", before, after)
	}
	if _, after := figures("", 0); after != city {
		t.Errorf("city's April figures changed by a move:\n before %s\n after  %s", city, after)
	}
	// Live figures follow today's tree: Phường 1's subtree now holds both.
	if p1, _ := figures("unit=vt-p1", 0); p1.N != sent["vt-p1"]+sent["vt-p7"] {
		t.Errorf("vt-p1's subtree has %d April answers, want its own %d + Phường 7's %d", p1.N, sent["vt-p1"], sent["vt-p7"])
	}
}

func TestReceiptLinkOneAnswerPerDossier(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	var link struct {
		URL   string `json:"url"`
		QRPNG string `json:"qr_png"`
	}
	body := map[string]string{"desk": "vt-q1", "dossier_code": "000.00.01.H01-240531-0001", "procedure": "Đăng ký khai sinh", "field": "ho-tich"}
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", body, &link); code != http.StatusCreated {
		t.Fatalf("receipt link: %d", code)
	}
	if strings.Contains(link.URL, "240531") {
		t.Errorf("the link reveals the dossier code: %s", link.URL)
	}
	raw, _ := base64.StdEncoding.DecodeString(link.QRPNG)
	if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
		t.Errorf("qr_png: %v", err)
	}
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, link.URL); code != http.StatusSeeOther {
		t.Fatalf("first answer: %d", code)
	}
	// The same dossier, from another phone (a new link for it too).
	apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", body, &link)
	code, res := apptest.Answer(t, apptest.Client(t), a.URL, link.URL)
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	if code != http.StatusConflict || !strings.Contains(doc.Find("h1").Text(), "đã được đánh giá") {
		t.Errorf("second answer for the dossier: %d %q", code, doc.Find("h1").Text())
	}
	// Tampered token.
	res2, _ := http.Get(link.URL[:len(link.URL)-4] + "AAAA")
	if res2.StatusCode != http.StatusNotFound {
		t.Errorf("tampered receipt link: %d", res2.StatusCode)
	}
	res2.Body.Close()
	a.Stop()
	n, err := a.DB.Collection("responses").CountDocuments(t.Context(), map[string]any{"channel": "receipt"})
	if err != nil || n != 1 {
		t.Errorf("receipt responses stored: %d (%v), want 1", n, err)
	}
}

func TestKioskNeedsRegisteredTablet(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	res, _ := http.Get(a.URL + "/k/vt-q1")
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("unregistered kiosk: %d, want 403", res.StatusCode)
	}
	c, csrf := apptest.Admin(t, a.URL)
	res, err := c.PostForm(a.URL+"/desks/vt-q1/device", url.Values{"_csrf": {csrf}, "kind": {"kiosk"}})
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/k/vt-q1" {
		t.Fatalf("register kiosk: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	code, res := apptest.Answer(t, c, a.URL, a.URL+"/k/vt-q1")
	if code != http.StatusSeeOther || res.Header.Get("Location") != "/k/vt-q1/thanks" {
		t.Fatalf("kiosk answer: %d %s", code, res.Header.Get("Location"))
	}
	res, _ = c.Get(a.URL + "/k/vt-q1/thanks")
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if r, _ := doc.Find(`meta[http-equiv=refresh]`).Attr("content"); r != "10;url=/k/vt-q1" {
		t.Errorf("kiosk thank-you refresh = %q, want a fresh form after 10 s", r)
	}
}

func TestRotatingDisplayAndReceiptExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, period.Vietnam).Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	a := apptest.Start(t, apptest.Options{Now: clock, Config: func(c *app.Config) { c.ReceiptTTL = 720 * time.Hour }})
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/desks/vt-q2", map[string]any{"qr_mode": "rotating"}, nil); code != http.StatusOK {
		t.Fatalf("rotating mode: %d", code)
	}
	res, _ := http.Get(a.URL + "/desk/vt-q2/display")
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("unregistered display: %d, want 403", res.StatusCode)
	}
	c, csrf := apptest.Admin(t, a.URL)
	res, err := c.PostForm(a.URL+"/desks/vt-q2/device", url.Values{"_csrf": {csrf}, "kind": {"display"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register display: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	shortURL := func() string {
		res, _ := c.Get(a.URL + "/desk/vt-q2/display")
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || doc.Find("img.display-qr").Length() != 1 {
			t.Fatalf("display: %d", res.StatusCode)
		}
		return "http://" + strings.TrimSpace(doc.Find("p.small").Last().Text())
	}
	shown := shortURL()
	// The printed poster's code does not work for a rotating desk.
	var desks []apptest.Desk
	apptest.GetJSON(t, a.URL+"/api/v1/desks", &desks)
	for _, d := range desks {
		if d.ID == "vt-q2" {
			if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, d.SurveyURL); code != http.StatusGone {
				t.Errorf("static code of a rotating desk: %d, want 410", code)
			}
		}
	}
	// The code shown works now and a minute later; two minutes later it is gone.
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, shown); code != http.StatusSeeOther {
		t.Errorf("current code: %d", code)
	}
	now.Add(60)
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, shown); code != http.StatusSeeOther {
		t.Errorf("previous window's code: %d", code)
	}
	now.Add(61)
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, shown); code != http.StatusGone {
		t.Errorf("code two windows old: %d, want 410", code)
	}
	if next := shortURL(); next == shown {
		t.Error("the display still shows the old code")
	}

	// A receipt link expires after HAILONG_RECEIPT_TTL and says so.
	var link struct{ URL string }
	apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", map[string]string{"desk": "vt-q1", "dossier_code": "H01-9"}, &link)
	now.Add(31 * 24 * 3600)
	res, _ = http.Get(link.URL)
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusGone || !strings.Contains(doc.Find("h1").Text(), "30 ngày") {
		t.Errorf("expired receipt link: %d %q", res.StatusCode, doc.Find("h1").Text())
	}
}

func TestDeskManagementPage(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	c, csrf := apptest.Admin(t, a.URL)
	// A bad id keeps what was typed and explains.
	res, _ := c.PostForm(a.URL+"/desks", url.Values{"_csrf": {csrf}, "id": {"Quầy 9"}, "unit": {"vt-p1"}, "name": {"Quầy chín"}, "instrument": {"counter"}})
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || doc.Find(".alert").Length() != 1 {
		t.Fatalf("bad desk id: %d", res.StatusCode)
	}
	if v, _ := doc.Find("#d-name").Attr("value"); v != "Quầy chín" {
		t.Errorf("the form lost the typed name: %q", v)
	}
	res, _ = c.PostForm(a.URL+"/desks", url.Values{"_csrf": {csrf}, "id": {"p1-q9"}, "unit": {"vt-p1"}, "name": {"Quầy chín"}, "instrument": {"counter"}, "fields": {"ho-tich, dat-dai"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create desk: %d", res.StatusCode)
	}
	for _, action := range []string{"rotate", "pause", "resume"} {
		res, _ = c.PostForm(a.URL+"/desks/p1-q9/"+action, url.Values{"_csrf": {csrf}})
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: %d", action, res.StatusCode)
		}
	}
	res, _ = c.PostForm(a.URL+"/units/vt-p7/move", url.Values{"_csrf": {csrf}, "parent": {"vt-p1"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("move unit: %d", res.StatusCode)
	}
	var units []struct{ ID, Parent string }
	apptest.GetJSON(t, a.URL+"/api/v1/units", &units)
	for _, u := range units {
		if u.ID == "vt-p7" && u.Parent != "vt-p1" {
			t.Errorf("vt-p7 parent = %s", u.Parent)
		}
	}
	var entries int
	res, _ = c.Get(a.URL + "/desks")
	doc, _ = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	entries = doc.Find(`form[action="/desks/p1-q9/rotate"]`).Length()
	if entries != 1 {
		t.Errorf("desks page lacks the rotate button of the new desk")
	}
	var audit []struct{ User, Action, Target string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &audit)
	seen := map[string]bool{}
	for _, e := range audit {
		if e.User == "admin" {
			seen[e.Action+" "+e.Target] = true
		}
	}
	for _, want := range []string{"desk.create desk:p1-q9", "desk.rotate desk:p1-q9", "desk.pause desk:p1-q9", "desk.resume desk:p1-q9", "unit.move unit:vt-p7"} {
		if !seen[want] {
			t.Errorf("audit lacks %q (has %v)", want, seen)
		}
	}
}
