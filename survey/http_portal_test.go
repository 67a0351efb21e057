package survey_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

// TestPortalEndToEnd: the unit-level portal survey offers the unit's desks,
// their procedure fields and "Không nhớ", stores the pick with channel
// portal, refuses a pick the unit does not offer with the answers kept, and
// its answers count in the unit's indicators with or without a desk.
func TestPortalEndToEnd(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	c := apptest.Client(t)

	res, err := c.Get(a.URL + "/p/vt-p1")
	if err != nil {
		t.Fatal(err)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors https:") || res.Header.Get("X-Frame-Options") != "" {
		t.Errorf("portal headers: CSP %q, X-Frame-Options %q; want framing by https: sites by default", csp, res.Header.Get("X-Frame-Options"))
	}
	form := apptest.ParseForm(t, res.Body)
	res.Body.Close()
	if form.Action != "/p/vt-p1" {
		t.Errorf("form posts to %q", form.Action)
	}
	for _, id := range []string{"where-d-p1-q1", "where-d-p1-q2", "where-f-ho-tich", "where-f-chung-thuc", "where-unknown",
		"served-in_person", "served-online_full", "served-online_partial", "overall-5"} {
		if form.Doc.Find("#"+id).Length() != 1 {
			t.Errorf("portal form lacks #%s", id)
		}
	}
	if n := form.Doc.Find(`input[name=where][value="desk:p7-q1"]`).Length(); n != 0 {
		t.Errorf("portal of vt-p1 offers a desk of vt-p7")
	}
	page, _ := form.Doc.Html()
	for _, want := range []string{"Trực tuyến một phần", "Không nhớ", "Hộ tịch", "Quầy 2 – Chứng thực"} {
		if !strings.Contains(page, want) {
			t.Errorf("portal form lacks %q", want)
		}
	}
	// The desk forms still refuse framing.
	desk := a.Desks(t)[0]
	if r, err := c.Get(desk.SurveyURL); err != nil {
		t.Fatal(err)
	} else {
		r.Body.Close()
		if r.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("desk form may be framed: %v", r.Header)
		}
	}

	// Bad picks: 422, a Vietnamese message, every answer kept, nothing stored.
	answers := apptest.ValidAnswers()
	for _, bad := range []struct{ where, served, msg string }{
		{"desk:p7-q1", "online_partial", "Lựa chọn này không có trong danh sách của đơn vị"},
		{"desk:p1-q2", "fax", "Lựa chọn này không có trong danh sách của đơn vị"},
		{"field:thue", "in_person", "Lựa chọn này không có trong danh sách của đơn vị"},
		{"", "online_full", "Xin Ông/Bà chọn một câu trả lời cho câu này."},
	} {
		res, body := apptest.PortalPost(t, c, a.URL, form, bad.where, bad.served, answers)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("where=%q served=%q: status %d, want 422", bad.where, bad.served, res.StatusCode)
		}
		if !strings.Contains(body, bad.msg) {
			t.Errorf("where=%q served=%q: page lacks %q", bad.where, bad.served, bad.msg)
		}
		again := apptest.ParseForm(t, strings.NewReader(body))
		for _, id := range []string{"overall-5", "a-4", "heard-radio", "heard-portal"} {
			if _, ok := again.Doc.Find("#" + id).Attr("checked"); !ok {
				t.Errorf("where=%q: answer %s not kept", bad.where, id)
			}
		}
		if got := again.Doc.Find("#f-comment").Text(); got != answers.Get("comment") {
			t.Errorf("where=%q: comment kept as %q", bad.where, got)
		}
		if bad.served == "online_partial" {
			if _, ok := again.Doc.Find("#served-online_partial").Attr("checked"); !ok {
				t.Errorf("where=%q: served choice not kept", bad.where)
			}
		}
	}

	// Three good answers: a desk, a field, and "Không nhớ".
	for _, good := range []struct{ where, served string }{
		{"desk:p1-q2", "online_partial"}, {"field:ho-tich", "in_person"}, {"unknown", "online_full"},
	} {
		f := apptest.GetForm(t, c, a.URL+"/p/vt-p1")
		res, _ := apptest.PortalPost(t, c, a.URL, f, good.where, good.served, answers)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/p/vt-p1/thanks" {
			t.Fatalf("where=%q: status %d to %q, want 303 to /p/vt-p1/thanks", good.where, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if r, err := c.Get(a.URL + "/p/vt-p1/thanks"); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK || !strings.Contains(string(b), "Cảm ơn") || !strings.Contains(string(b), "UBND Phường 1") {
			t.Errorf("thanks: %d %.200s", r.StatusCode, b)
		}
	}
	if r, err := c.Get(a.URL + "/p/khong-co"); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "Không tìm thấy cơ quan") {
			t.Errorf("unknown unit: %d %.300s", r.StatusCode, b)
		}
	}

	// The unit counts all three, the desk one, the city's subtree all three.
	rep := a.WaitIndicators(t, "unit=vt-p1&channel=portal", 3)
	if rep.Channels["portal"] != 3 {
		t.Errorf("channels = %v, want portal 3", rep.Channels)
	}
	a.WaitIndicators(t, "unit=vt&channel=portal", 3)
	a.WaitIndicators(t, "desk=p1-q2&channel=portal", 1)
	a.WaitIndicators(t, "unit=vt-p1&channel=qr", 0)

	a.Stop()
	all := apptest.StoredResponses(t, a.DB)
	if len(all) != 3 {
		t.Fatalf("%d responses stored, want 3 (refused picks store nothing)", len(all))
	}
	got := map[string]survey.Response{}
	for _, r := range all {
		if r.Channel != survey.ChannelPortal || r.Unit != "vt-p1" || r.Status != survey.StatusOK {
			t.Errorf("stored %+v, want channel portal, unit vt-p1, status ok", r)
		}
		got[r.Served] = r
	}
	if r := got["online_partial"]; r.Desk != "p1-q2" || r.Field != "" {
		t.Errorf("desk pick stored desk %q field %q", r.Desk, r.Field)
	}
	if r := got["in_person"]; r.Desk != "" || r.Field != "ho-tich" {
		t.Errorf("field pick stored desk %q field %q", r.Desk, r.Field)
	}
	if r := got["online_full"]; r.Desk != "" || r.Field != "" {
		t.Errorf("unknown pick stored desk %q field %q", r.Desk, r.Field)
	}
}

// TestPortalEmbedPageScoped: the embed page is for officials, each for the
// units they may see.
func TestPortalEmbedPageScoped(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	a.AddUser(t, "p1", "viewer", "vt-p1", "matkhau-p1")
	p1, _ := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	for _, tc := range []struct {
		c    *http.Client
		path string
		want int
	}{
		{apptest.Client(t), "/units/vt-p1/embed", http.StatusSeeOther},
		{p1, "/units/vt-p1/embed", http.StatusOK},
		{p1, "/units/vt-p7/embed", http.StatusNotFound},
		{p1, "/units/khong-co/embed", http.StatusNotFound},
	} {
		res, body := apptest.Get(t, tc.c, a.URL+tc.path)
		if res.StatusCode != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, res.StatusCode, tc.want)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(body), "Nhúng phiếu khảo sát vào Cổng thông tin điện tử") {
			t.Errorf("GET %s: no Vietnamese heading", tc.path)
		}
	}
}

// TestPortalLimitsAndSuspicion: the desk form's rules hold on the portal,
// counted per unit: one phone gets one answer per unit's portal whatever
// desk it picks, a bot filling the honeypot is stored as suspect, and a
// POST another site's page sends (Sec-Fetch-Site: cross-site) is refused
// with the answers kept.
func TestPortalLimitsAndSuspicion(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Config: limitsOn})
	phone := apptest.Client(t)
	f := apptest.GetForm(t, phone, a.URL+"/p/vt-p1")
	if res, _ := apptest.PortalPost(t, phone, a.URL, f, "desk:p1-q1", "in_person", apptest.ValidAnswers()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first answer: %d", res.StatusCode)
	}
	f = apptest.GetForm(t, phone, a.URL+"/p/vt-p1")
	res, body := apptest.PortalPost(t, phone, a.URL, f, "desk:p1-q2", "in_person", apptest.ValidAnswers())
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "chưa được gửi") {
		t.Errorf("second answer of one phone, another desk: %d, want 429", res.StatusCode)
	}
	// Another unit's portal is another count.
	f = apptest.GetForm(t, phone, a.URL+"/p/vt-p7")
	if res, _ := apptest.PortalPost(t, phone, a.URL, f, "desk:p7-q1", "online_full", apptest.ValidAnswers()); res.StatusCode != http.StatusSeeOther {
		t.Errorf("answer on vt-p7's portal: %d, want 303", res.StatusCode)
	}

	bot := apptest.Client(t)
	f = apptest.GetForm(t, bot, a.URL+"/p/vt-p1")
	spam := apptest.ValidAnswers()
	spam.Set("website", "http://spam.example")
	if res, _ := apptest.PortalPost(t, bot, a.URL, f, "unknown", "online_full", spam); res.StatusCode != http.StatusSeeOther {
		t.Errorf("honeypot answer: %d, want 303 like anyone", res.StatusCode)
	}

	other := apptest.Client(t)
	f = apptest.GetForm(t, other, a.URL+"/p/vt-p1")
	form := apptest.MergeValues(f.Hidden, apptest.ValidAnswers(), url.Values{"where": {"unknown"}, "served": {"in_person"}})
	req, _ := http.NewRequest(http.MethodPost, a.URL+f.Action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := other.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", res.StatusCode)
	}
	if doc := apptest.ParseForm(t, strings.NewReader(string(b))); doc.Doc.Find(`#overall-5[checked]`).Length() != 1 {
		t.Errorf("cross-site POST refusal lost the answers")
	}

	a.WaitIndicators(t, "unit=vt-p1&channel=portal", 1)
	a.Stop()
	responses := a.DB.Collection("responses")
	for _, c := range []struct {
		status string
		want   int64
	}{{survey.StatusOK, 2}, {survey.StatusSuspect, 1}} {
		n, err := responses.CountDocuments(t.Context(), bson.D{{Key: "channel", Value: "portal"}, {Key: "status", Value: c.status}})
		if err != nil || n != c.want {
			t.Errorf("portal responses with status %s: %d (%v), want %d", c.status, n, err, c.want)
		}
	}
}
