package desks_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

// TestDeskUnitEditForms: the desks page edits a desk and a unit through
// CSRF forms with the API's validation and audit: 303 with a Vietnamese
// confirmation, 422 with the message on bad input and nothing stored.
func TestDeskUnitEditForms(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	send := func(c *http.Client, path string, v url.Values) (*http.Response, *goquery.Document) {
		t.Helper()
		res, err := c.PostForm(a.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		return res, doc
	}
	type deskJSON struct {
		ID, Name, Instrument string
		NameEN               string `json:"name_en"`
		QR                   string `json:"qr_mode"`
		Fields               []string
		Active               bool
	}
	desk := func(id string) deskJSON {
		var ds []deskJSON
		apptest.GetJSON(t, a.URL+"/api/v1/desks", &ds)
		for _, d := range ds {
			if d.ID == id {
				return d
			}
		}
		t.Fatalf("no desk %s", id)
		return deskJSON{}
	}
	orig := desk("p1-q1")
	deskForm := url.Values{"_csrf": {csrf}, "name": {"Quầy 1 – Đất đai"}, "name_en": {"Desk 1 – Land"},
		"instrument": {orig.Instrument}, "fields": {"dat-dai, ho-tich"}, "qr_mode": {"rotating"}}
	// Bad input: 422 with the message, nothing stored.
	for name, bad := range map[string]url.Values{"empty name": {"name": {" "}}, "qr mode": {"qr_mode": {"in-giay"}},
		"field": {"fields": {"Đất đai"}}, "instrument": {"instrument": {"khong-co"}}} {
		v := url.Values{}
		for k, vs := range deskForm {
			v[k] = vs
		}
		for k, vs := range bad {
			v[k] = vs
		}
		res, doc := send(admin, "/desks/p1-q1/edit", v)
		if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(".alert").Text() == "" {
			t.Errorf("%s: %d, want 422 with a message", name, res.StatusCode)
		}
	}
	if got := desk("p1-q1"); got.Name != orig.Name || got.QR != orig.QR || got.Active != orig.Active {
		t.Fatalf("a refused edit changed the desk: %+v", got)
	}
	res, _ := send(admin, "/desks/p1-q1/edit", deskForm) // no "active": unticked
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/desks?ok=desk_updated" {
		t.Fatalf("edit desk: %d %s", res.StatusCode, loc)
	}
	got := desk("p1-q1")
	if got.Name != "Quầy 1 – Đất đai" || got.NameEN != "Desk 1 – Land" || got.QR != "rotating" || got.Active ||
		!slices.Equal(got.Fields, []string{"dat-dai", "ho-tich"}) {
		t.Errorf("edited desk: %+v", got)
	}
	res, _ = admin.Get(a.URL + "/desks?ok=desk_updated")
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if doc.Find("p.ok").Text() != "Đã lưu thay đổi của quầy." {
		t.Errorf("confirmation: %q", doc.Find("p.ok").Text())
	}
	if v, _ := doc.Find("#ed-en-p1-q1").Attr("value"); v != "Desk 1 – Land" {
		t.Errorf("edit form shows name_en %q", v)
	}

	// Units: name, English name, address.
	unitForm := url.Values{"_csrf": {csrf}, "name": {""}, "name_en": {"Ward 1"}, "address": {"1 Lê Lợi"}}
	res, doc = send(admin, "/units/vt-p1/edit", unitForm)
	if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(".alert").Text() == "" {
		t.Errorf("unit without a name: %d, want 422 with a message", res.StatusCode)
	}
	unit := func() (u struct {
		ID, Name, Address string
		NameEN            string `json:"name_en"`
	}) {
		var us []struct {
			ID, Name, Address string
			NameEN            string `json:"name_en"`
		}
		apptest.GetJSON(t, a.URL+"/api/v1/units", &us)
		for _, x := range us {
			if x.ID == "vt-p1" {
				return x
			}
		}
		return
	}
	if u := unit(); u.Name == "" || u.Address == "1 Lê Lợi" {
		t.Fatalf("a refused unit edit changed it: %+v", u)
	}
	unitForm.Set("name", "UBND Phường Một")
	res, _ = send(admin, "/units/vt-p1/edit", unitForm)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/desks?ok=unit_updated" {
		t.Fatalf("edit unit: %d %s", res.StatusCode, loc)
	}
	if u := unit(); u.Name != "UBND Phường Một" || u.NameEN != "Ward 1" || u.Address != "1 Lê Lợi" {
		t.Errorf("edited unit: %+v", u)
	}

	// Unit managers may not edit; every change is audited.
	a.AddUser(t, "ql-p1", "unit_manager", "vt-p1")
	ql, qlCSRF := apptest.LoginAs(t, a.URL, "ql-p1", "matkhau-ql-p1")
	for _, p := range []string{"/desks/p1-q1/edit", "/units/vt-p1/edit"} {
		if res, _ := send(ql, p, url.Values{"_csrf": {qlCSRF}, "name": {"X"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("unit manager %s: %d, want 403", p, res.StatusCode)
		}
	}
	var audit []struct{ User, Action, Target string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &audit)
	seen := map[string]bool{}
	for _, e := range audit {
		seen[e.User+" "+e.Action+" "+e.Target] = true
	}
	for _, want := range []string{"admin desk.deactivate desk:p1-q1", "admin unit.update unit:vt-p1"} {
		if !seen[want] {
			t.Errorf("audit lacks %q", want)
		}
	}
}
