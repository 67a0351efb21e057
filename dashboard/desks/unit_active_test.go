package desks_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

// aprilFigures returns the April 2024 indicators of a query, waiting until
// they count something (the rollup follows the answers).
func aprilFigures(t *testing.T, a *apptest.Site, q string) (string, int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var f struct {
			N       int64
			Service any
		}
		if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?from=2024-04-01&to=2024-04-30&"+q, &f); code != http.StatusOK {
			t.Fatalf("indicators %s: %d", q, code)
		}
		if f.N > 0 || time.Now().After(deadline) {
			b, _ := json.Marshal(f)
			return string(b), f.N
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestUnitDeactivate: an inactive unit's desks and portal show the
// "tạm ngừng" page and store nothing, its past figures stay, it leaves the
// pickers, and reactivating it opens it again. Admins only; audited.
func TestUnitDeactivate(t *testing.T) {
	at := time.Date(2024, 4, 10, 9, 0, 0, 0, period.Vietnam)
	a := apptest.Start(t, apptest.Options{Now: func() time.Time { return at }})
	var deskURL, deskID string
	for _, d := range a.Desks(t) {
		if d.Unit == "vt-p7" {
			deskURL, deskID = d.SurveyURL, d.ID
			if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, d.SurveyURL); code != http.StatusSeeOther {
				t.Fatalf("answer: %d", code)
			}
		}
	}
	before, n := aprilFigures(t, a, "unit=vt-p7")
	city, _ := aprilFigures(t, a, "")
	if n == 0 {
		t.Fatal("no April answers for vt-p7 before deactivating")
	}
	// Forms opened before the unit closes, submitted after.
	citizen := apptest.Client(t)
	deskForm := apptest.GetForm(t, citizen, deskURL)
	portalForm := apptest.GetForm(t, citizen, a.URL+"/p/vt-p7")
	db := a.DB
	stored := func() int64 {
		n, err := db.Collection("responses").CountDocuments(t.Context(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	storedBefore := stored()

	// Unit managers and viewers may not close a unit.
	admin, adminCSRF := apptest.Admin(t, a.URL)
	a.AddUser(t, "ql-p7", "unit_manager", "vt-p7")
	a.AddUser(t, "xem-p7", "viewer", "vt-p7")
	for _, who := range []string{"ql-p7", "xem-p7"} {
		c, csrf := apptest.LoginAs(t, a.URL, who, "matkhau-"+who)
		req, _ := http.NewRequest(http.MethodPatch, a.URL+"/api/v1/units/vt-p7", strings.NewReader(`{"active":false}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s PATCH active=false: %d, want 403", who, res.StatusCode)
		}
		res, _ = c.PostForm(a.URL+"/units/vt-p7/deactivate", url.Values{"_csrf": {csrf}})
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s POST deactivate: %d, want 403", who, res.StatusCode)
		}
	}

	var unit struct{ Active *bool }
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/vt-p7", map[string]bool{"active": false}, &unit); code != http.StatusOK || unit.Active == nil || *unit.Active {
		t.Fatalf("deactivate: %d %+v", code, unit)
	}
	inactive := func(what string, res *http.Response) {
		t.Helper()
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusGone || !strings.Contains(string(b), "tạm ngừng nhận đánh giá") {
			t.Errorf("%s of an inactive unit: %d, want 410 with the inactive page", what, res.StatusCode)
		}
	}
	res, _ := citizen.Get(deskURL)
	inactive("desk form", res)
	res, _ = citizen.Get(a.URL + "/p/vt-p7")
	inactive("portal", res)
	inactive("desk POST", apptest.Post(t, citizen, a.URL+deskForm.Action, deskForm.Hidden, apptest.ValidAnswers()))
	res, _ = apptest.PortalPost(t, citizen, a.URL, portalForm, "unknown", "online_full", apptest.ValidAnswers())
	if res.StatusCode != http.StatusGone {
		t.Errorf("portal POST of an inactive unit: %d, want 410", res.StatusCode)
	}
	if got := stored(); got != storedBefore {
		t.Errorf("an inactive unit stored answers: %d → %d", storedBefore, got)
	}
	if after, _ := aprilFigures(t, a, "unit=vt-p7"); after != before {
		t.Errorf("inactive unit's past figures changed:\n before %s\n after  %s", before, after)
	}
	if after, _ := aprilFigures(t, a, ""); after != city {
		t.Errorf("city figures changed by deactivating a unit")
	}
	// Left out of the pickers for new work, with a button to reactivate.
	res, _ = admin.Get(a.URL + "/desks")
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if doc.Find(`#d-unit option[value="vt-p7"]`).Length() != 0 || doc.Find(`#d-unit option[value="vt-p1"]`).Length() != 1 {
		t.Error("the new-desk picker should offer vt-p1 and not the inactive vt-p7")
	}
	if doc.Find(`form[action="/units/vt-p7/activate"]`).Length() != 1 || doc.Find(`form[action="/units/vt-p1/deactivate"]`).Length() != 1 {
		t.Error("desks page lacks the activate/deactivate buttons")
	}
	// No new work goes under it.
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", map[string]string{"desk": deskID, "dossier_code": "HS-1"}, nil); code != http.StatusBadRequest {
		t.Errorf("receipt link for a desk of an inactive unit: %d, want 400", code)
	}
	var e struct{ Error string }
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/desks", map[string]string{"id": "p7-q9", "unit": "vt-p7", "name": "Q9"}, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, "ngừng hoạt động") {
		t.Errorf("new desk in an inactive unit: %d %q, want 400", code, e.Error)
	}

	res, _ = admin.PostForm(a.URL+"/units/vt-p7/activate", url.Values{"_csrf": {adminCSRF}})
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/desks?ok=unit_activate" {
		t.Fatalf("reactivate: %d %s", res.StatusCode, loc)
	}
	if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, deskURL); code != http.StatusSeeOther {
		t.Errorf("answer after reactivation: %d", code)
	}
	apptest.GetForm(t, apptest.Client(t), a.URL+"/p/vt-p7")
	if code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/receipt-links", map[string]string{"desk": deskID, "dossier_code": "HS-1"}, nil); code != http.StatusCreated {
		t.Errorf("receipt link after reactivation: %d, want 201", code)
	}

	var audit []struct{ User, Action, Target string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &audit)
	seen := map[string]bool{}
	for _, e := range audit {
		seen[e.User+" "+e.Action+" "+e.Target] = true
	}
	for _, want := range []string{"admin unit.deactivate unit:vt-p7", "admin unit.activate unit:vt-p7"} {
		if !seen[want] {
			t.Errorf("audit lacks %q", want)
		}
	}
}
