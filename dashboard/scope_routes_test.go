package dashboard_test

// Every officials' route, for every role, inside and outside the caller's
// subtree (issue 6: "scoping on every page and API call"). The table is
// checked against the router itself, so a new route without a row fails
// TestScopeEveryRoute until someone decides who may call it.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hailong/internal/app/apptest"
	"hailong/survey/period"
)

// publicRoutes need no official: citizens, devices, probes and sign-in.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /static/*": true,
	"GET /login": true, "POST /login": true,
	"GET /s/:code": true, "POST /s/:code": true, "GET /s/:code/thanks": true,
	"GET /k/:desk": true, "POST /k/:desk": true, "GET /k/:desk/thanks": true,
	"GET /p/:unit": true, "POST /p/:unit": true, "GET /p/:unit/thanks": true,
	"GET /r/:token": true, "POST /r/:token": true, "GET /r/:token/thanks": true,
}

// scopeRow is one call: who (admin; p1 = unit_manager of vt-p1; tt =
// viewer of vt-thang-tam; op = operator of vt-p1; anon), the route pattern
// it exercises, the concrete request and the status it must get. A body
// starting with "{" is sent as JSON, anything else as a form with the
// caller's CSRF token added.
type scopeRow struct {
	who, route, method, path, body string
	want                           int
}

func TestScopeEveryRoute(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, adminCSRF := apptest.Admin(t, a.URL)
	a.AddUser(t, "p1", "unit_manager", "vt-p1")
	a.AddUser(t, "tt", "viewer", "vt-thang-tam")
	a.AddUser(t, "op", "operator", "vt-p1")
	p1, p1CSRF := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	tt, ttCSRF := apptest.LoginAs(t, a.URL, "tt", "matkhau-tt")
	op, opCSRF := apptest.LoginAs(t, a.URL, "op", "matkhau-op")
	anon := apptest.Client(t)
	callers := map[string]struct {
		c    *http.Client
		csrf string
	}{"admin": {admin, adminCSRF}, "p1": {p1, p1CSRF}, "tt": {tt, ttCSRF}, "op": {op, opCSRF}, "anon": {anon, ""}}

	// Things that belong to vt-p7, outside p1's and tt's subtrees: a
	// suspect answer with a comment, and a printed batch with its serials.
	p7 := p7SuspectID(t, a, admin)
	serials := apptest.CreateBatch(t, a.URL, admin, adminCSRF, url.Values{"unit": {"vt-p7"}, "count": {"2"}})
	batch, serial := serials[0][:4], serials[0]
	month := time.Now().In(period.Vietnam).Format("2006-01")

	rows := []scopeRow{
		// Pages.
		{"anon", "GET /", "GET", "/", "", 303},
		{"p1", "GET /", "GET", "/", "", 200},
		{"p1", "GET /", "GET", "/?unit=vt-p7", "", 404},
		{"p1", "GET /", "GET", "/?unit=vt", "", 404},
		{"p1", "GET /", "GET", "/?desk=p7-q1", "", 404},
		{"tt", "GET /", "GET", "/?unit=vt-p1", "", 404},
		{"admin", "GET /", "GET", "/?unit=vt-p7", "", 200},
		{"anon", "GET /desks", "GET", "/desks", "", 303},
		{"p1", "GET /desks", "GET", "/desks", "", 200},
		{"tt", "GET /desks", "GET", "/desks", "", 200},
		{"anon", "GET /plan", "GET", "/plan", "", 303},
		{"p1", "GET /plan", "GET", "/plan", "", 200},
		{"anon", "GET /users", "GET", "/users", "", 303},
		{"p1", "GET /users", "GET", "/users", "", 403},
		{"tt", "GET /users", "GET", "/users", "", 403},
		{"admin", "GET /users", "GET", "/users", "", 200},
		{"anon", "GET /suspects", "GET", "/suspects", "", 303},
		{"p1", "GET /suspects", "GET", "/suspects", "", 200},
		{"p1", "GET /suspects", "GET", "/suspects?unit=vt-p7", "", 404},
		{"anon", "POST /logout", "POST", "/logout", "x=1", 403},
		{"anon", "POST /responses/:id/review", "POST", "/responses/" + p7 + "/review", "decision=reject", 303},
		{"tt", "POST /responses/:id/review", "POST", "/responses/" + p7 + "/review", "decision=reject", 403},
		{"op", "POST /responses/:id/review", "POST", "/responses/" + p7 + "/review", "decision=reject", 403},
		{"p1", "POST /responses/:id/review", "POST", "/responses/" + p7 + "/review", "decision=reject", 404},
		{"p1", "POST /desks", "POST", "/desks", "id=p1-q9&unit=vt-p1&name=Q9", 403},
		{"tt", "POST /desks", "POST", "/desks", "id=p1-q9&unit=vt-p1&name=Q9", 403},
		{"p1", "POST /desks/:id/:action", "POST", "/desks/p1-q1/pause", "", 403},
		{"p1", "POST /desks/:id/:action", "POST", "/desks/p7-q1/pause", "", 403},
		{"p1", "POST /units", "POST", "/units", "id=vt-p1-x&name=X&kind=ward&parent=vt-p1", 403},
		{"p1", "POST /units/:id/move", "POST", "/units/vt-p7/move", "parent=vt-p1", 403},
		{"p1", "POST /desks/:id/edit", "POST", "/desks/p1-q1/edit", "name=Q", 403},
		{"tt", "POST /desks/:id/edit", "POST", "/desks/p7-q1/edit", "name=Q", 403},
		{"p1", "POST /units/:id/edit", "POST", "/units/vt-p1/edit", "name=P", 403},
		{"tt", "POST /units/:id/edit", "POST", "/units/vt-p7/edit", "name=P", 403},
		{"p1", "POST /units/:id/deactivate", "POST", "/units/vt-p1/deactivate", "", 403},
		{"tt", "POST /units/:id/deactivate", "POST", "/units/vt-p7/deactivate", "", 403},
		{"p1", "POST /units/:id/activate", "POST", "/units/vt-p1/activate", "", 403},
		{"tt", "POST /units/:id/activate", "POST", "/units/vt-p7/activate", "", 403},
		{"p1", "POST /users", "POST", "/users", "username=x1&role=admin&password=matkhau-x1", 403},
		{"tt", "POST /users", "POST", "/users", "username=x1&role=admin&password=matkhau-x1", 403},
		{"p1", "POST /users/:name/:action", "POST", "/users/tt/disable", "", 403},
		{"anon", "POST /comments/:id/hide", "POST", "/comments/" + p7 + "/hide", "reason=x", 303},
		{"tt", "POST /comments/:id/hide", "POST", "/comments/" + p7 + "/hide", "reason=x", 403},
		{"p1", "POST /comments/:id/hide", "POST", "/comments/" + p7 + "/hide", "reason=x", 404},
		{"p1", "POST /comments/:id/hide", "POST", "/comments/000000000000000000000000/hide", "reason=x", 404},
		{"anon", "GET /desk/:id/display", "GET", "/desk/p7-q1/display", "", 403},
		{"p1", "GET /desk/:id/display", "GET", "/desk/p7-q1/display", "", 403},
		// p1 may register its own desks' devices, which signs it out:
		// TestDeviceRegistrationSignsOut covers that; here only the refusal.
		{"p1", "POST /desks/:id/device", "POST", "/desks/p7-q1/device", "kind=kiosk", 404},
		{"tt", "POST /desks/:id/device", "POST", "/desks/p7-q1/device", "kind=display", 403},
		// QR codes, posters, leaflets, embed snippets.
		{"anon", "GET /qr/:file", "GET", "/qr/p1-q1.png", "", 303},
		{"p1", "GET /qr/:file", "GET", "/qr/p1-q1.png", "", 200},
		{"p1", "GET /qr/:file", "GET", "/qr/p7-q1.png", "", 404},
		{"p1", "GET /qr/:file", "GET", "/qr/p7-q1.svg", "", 404},
		{"tt", "GET /qr/:file", "GET", "/qr/p1-q1.svg", "", 404},
		{"admin", "POST /api/v1/api-tokens", "POST", "/api/v1/api-tokens", `{"name":"p7-tok","unit":"vt-p7"}`, 201},
		{"anon", "GET /api/v1/api-tokens", "GET", "/api/v1/api-tokens", "", 401},
		{"p1", "GET /api/v1/api-tokens", "GET", "/api/v1/api-tokens", "", 200},
		{"tt", "GET /api/v1/api-tokens", "GET", "/api/v1/api-tokens", "", 403},
		{"op", "GET /api/v1/api-tokens", "GET", "/api/v1/api-tokens", "", 403},
		{"p1", "POST /api/v1/api-tokens", "POST", "/api/v1/api-tokens", `{"name":"p1-tok","unit":"vt-p7"}`, 404},
		{"tt", "POST /api/v1/api-tokens", "POST", "/api/v1/api-tokens", `{"name":"tt-tok"}`, 403},
		{"p1", "POST /api/v1/api-tokens", "POST", "/api/v1/api-tokens", `{"name":"p1-tok"}`, 201},
		{"p1", "POST /api/v1/api-tokens/:name/revoke", "POST", "/api/v1/api-tokens/p7-tok/revoke", "", 404},
		{"tt", "POST /api/v1/api-tokens/:name/revoke", "POST", "/api/v1/api-tokens/p1-tok/revoke", "", 403},
		{"anon", "POST /api-tokens", "POST", "/api-tokens", "name=x", 303},
		{"tt", "POST /api-tokens", "POST", "/api-tokens", "name=tt-page", 403},
		{"p1", "POST /api-tokens", "POST", "/api-tokens", "name=p1-page&unit=vt-p7", 404},
		{"p1", "POST /api-tokens", "POST", "/api-tokens", "name=p1-page", 200},
		{"p1", "POST /api-tokens/:name/revoke", "POST", "/api-tokens/p7-tok/revoke", "", 404},
		{"p1", "POST /api-tokens/:name/revoke", "POST", "/api-tokens/p1-page/revoke", "", 303},
		{"anon", "GET /desks/:id/poster", "GET", "/desks/p1-q1/poster", "", 303},
		{"p1", "GET /desks/:id/poster", "GET", "/desks/p1-q1/poster", "", 200},
		{"p1", "GET /desks/:id/poster", "GET", "/desks/p7-q1/poster?size=a5", "", 404},
		{"tt", "GET /desks/:id/poster", "GET", "/desks/p1-q1/poster", "", 404},
		{"anon", "GET /units/:id/posters", "GET", "/units/vt-p1/posters", "", 303},
		{"p1", "GET /units/:id/posters", "GET", "/units/vt-p1/posters", "", 200},
		{"p1", "GET /units/:id/posters", "GET", "/units/vt-p7/posters", "", 404},
		{"p1", "GET /units/:id/posters", "GET", "/units/vt/posters", "", 404},
		{"p1", "GET /units/:id/posters", "GET", "/units/khong-co/posters", "", 404},
		{"tt", "GET /units/:id/posters", "GET", "/units/vt-p7/posters", "", 404},
		{"admin", "GET /units/:id/posters", "GET", "/units/vt-p7/posters", "", 200},
		{"anon", "GET /units/:id/leaflets", "GET", "/units/vt-p1/leaflets", "", 303},
		{"p1", "GET /units/:id/leaflets", "GET", "/units/vt-p1/leaflets", "", 200},
		{"p1", "GET /units/:id/leaflets", "GET", "/units/vt-p7/leaflets", "", 404},
		{"p1", "GET /units/:id/leaflets", "GET", "/units/vt-p7/leaflets?desk=p7-q1", "", 404},
		{"tt", "GET /units/:id/leaflets", "GET", "/units/vt-p7/leaflets", "", 404},
		{"admin", "GET /units/:id/leaflets", "GET", "/units/vt-p7/leaflets", "", 200},
		{"anon", "GET /units/:id/embed", "GET", "/units/vt-p1/embed", "", 303},
		{"p1", "GET /units/:id/embed", "GET", "/units/vt-p1/embed", "", 200},
		{"p1", "GET /units/:id/embed", "GET", "/units/vt-p7/embed", "", 404},
		{"tt", "GET /units/:id/embed", "GET", "/units/vt-p1/embed", "", 404},
		// Paper forms: a vt-p7 batch is invisible to p1.
		{"anon", "GET /paper", "GET", "/paper", "", 303},
		{"p1", "GET /paper", "GET", "/paper", "", 200},
		{"tt", "GET /paper", "GET", "/paper", "", 403},
		{"op", "GET /paper", "GET", "/paper", "", 403},
		{"tt", "POST /paper/batches", "POST", "/paper/batches", "unit=vt-thang-tam&count=2", 403},
		// Another unit is refused like an unknown one: the form again, 422.
		{"p1", "POST /paper/batches", "POST", "/paper/batches", "unit=vt-p7&count=2", 422},
		{"p1", "GET /paper/batches/:id", "GET", "/paper/batches/" + batch, "", 404},
		{"admin", "GET /paper/batches/:id", "GET", "/paper/batches/" + batch, "", 200},
		{"p1", "GET /paper/batches/:id/online.svg", "GET", "/paper/batches/" + batch + "/online.svg", "", 404},
		{"p1", "GET /paper/batches/:id/online.png", "GET", "/paper/batches/" + batch + "/online.png", "", 404},
		{"tt", "GET /paper/batches/:id/online.png", "GET", "/paper/batches/" + batch + "/online.png", "", 403},
		{"p1", "GET /paper/qr/:file", "GET", "/paper/qr/" + serial + ".svg", "", 404},
		{"admin", "GET /paper/qr/:file", "GET", "/paper/qr/" + serial + ".svg", "", 200},
		{"anon", "GET /paper/entry", "GET", "/paper/entry", "", 303},
		{"op", "GET /paper/entry", "GET", "/paper/entry", "", 200},
		{"tt", "GET /paper/entry", "GET", "/paper/entry", "", 403},
		{"tt", "POST /paper/entry", "POST", "/paper/entry", "serial=" + serial, 403},
		// Another unit's printed form reads as an unknown one (404).
		{"op", "POST /paper/entry", "POST", "/paper/entry", "serial=" + serial + "&overall=5", 404},
		{"p1", "GET /paper/review", "GET", "/paper/review", "", 200},
		{"tt", "GET /paper/review", "GET", "/paper/review", "", 403},
		{"p1", "GET /paper/review/:serial", "GET", "/paper/review/" + serial, "", 404},
		{"p1", "POST /paper/review/:serial", "POST", "/paper/review/" + serial, "entry=1", 404},
		// JSON API.
		{"anon", "GET /api/v1/audit", "GET", "/api/v1/audit", "", 401},
		{"p1", "GET /api/v1/audit", "GET", "/api/v1/audit", "", 403},
		{"tt", "GET /api/v1/audit", "GET", "/api/v1/audit", "", 403},
		{"admin", "GET /api/v1/audit", "GET", "/api/v1/audit", "", 200},
		{"anon", "GET /api/v1/desks", "GET", "/api/v1/desks", "", 401},
		{"p1", "GET /api/v1/desks", "GET", "/api/v1/desks", "", 200},
		{"anon", "GET /api/v1/indicators", "GET", "/api/v1/indicators", "", 401},
		{"p1", "GET /api/v1/indicators", "GET", "/api/v1/indicators?unit=vt-p1", "", 200},
		{"p1", "GET /api/v1/indicators", "GET", "/api/v1/indicators?unit=vt-p7", "", 404},
		{"p1", "GET /api/v1/indicators", "GET", "/api/v1/indicators?desk=p7-q1", "", 404},
		{"tt", "GET /api/v1/indicators", "GET", "/api/v1/indicators?unit=vt", "", 404},
		{"anon", "GET /api/v1/live", "GET", "/api/v1/live", "", 401},
		{"tt", "GET /api/v1/live", "GET", "/api/v1/live", "", 200},
		{"anon", "GET /api/v1/plan-tasks", "GET", "/api/v1/plan-tasks", "", 401},
		{"p1", "GET /api/v1/plan-tasks", "GET", "/api/v1/plan-tasks", "", 200},
		{"anon", "GET /api/v1/suspects", "GET", "/api/v1/suspects", "", 401},
		{"p1", "GET /api/v1/suspects", "GET", "/api/v1/suspects", "", 200},
		{"p1", "GET /api/v1/suspects", "GET", "/api/v1/suspects?unit=vt-p7", "", 404},
		{"anon", "GET /api/v1/units", "GET", "/api/v1/units", "", 401},
		{"tt", "GET /api/v1/units", "GET", "/api/v1/units", "", 200},
		{"p1", "PATCH /api/v1/desks/:id", "PATCH", "/api/v1/desks/p1-q1", `{"name":"Quầy mới"}`, 403},
		{"p1", "PATCH /api/v1/units/:id", "PATCH", "/api/v1/units/vt-p1", `{"name":"Phường mới"}`, 403},
		{"p1", "POST /api/v1/desks", "POST", "/api/v1/desks", `{"id":"p1-q9","unit":"vt-p1","name":"Q9"}`, 403},
		{"p1", "POST /api/v1/desks/:id/rotate", "POST", "/api/v1/desks/p7-q1/rotate", "", 403},
		{"p1", "POST /api/v1/units", "POST", "/api/v1/units", `{"id":"x","name":"X","kind":"ward","parent":"vt-p1"}`, 403},
		{"p1", "PATCH /api/v1/plan-tasks/:id", "PATCH", "/api/v1/plan-tasks/p7-loa", `{"status":"done"}`, 404},
		{"tt", "PATCH /api/v1/plan-tasks/:id", "PATCH", "/api/v1/plan-tasks/tt-to-roi", `{"status":"done"}`, 403},
		{"p1", "PATCH /api/v1/plan-tasks/:id", "PATCH", "/api/v1/plan-tasks/p1-ke-hoach", `{"status":"doing","progress":40}`, 200},
		{"anon", "POST /plan/:id", "POST", "/plan/p1-ke-hoach", "status=doing", 303},
		{"p1", "POST /plan/:id", "POST", "/plan/p7-loa", "status=done&progress=100", 404},
		{"tt", "POST /plan/:id", "POST", "/plan/tt-to-roi", "status=done&progress=100", 403},
		{"op", "POST /plan/:id", "POST", "/plan/p1-ke-hoach", "status=done&progress=100", 403},
		{"p1", "POST /plan/:id", "POST", "/plan/p1-ke-hoach", "status=doing&progress=50", 303},
		{"anon", "POST /api/v1/receipt-links", "POST", "/api/v1/receipt-links", `{"desk":"p1-q1","dossier_code":"H01-0"}`, 401},
		{"p1", "POST /api/v1/receipt-links", "POST", "/api/v1/receipt-links", `{"desk":"p7-q1","dossier_code":"H01-1"}`, 404},
		{"p1", "POST /api/v1/receipt-links", "POST", "/api/v1/receipt-links", `{"desk":"p1-q1","dossier_code":"H01-2"}`, 201},
		{"tt", "POST /api/v1/responses/:id/review", "POST", "/api/v1/responses/" + p7 + "/review", `{"decision":"reject"}`, 403},
		{"p1", "POST /api/v1/responses/:id/review", "POST", "/api/v1/responses/" + p7 + "/review", `{"decision":"reject"}`, 404},
		// Exports, with another unit asked for by name.
		{"anon", "GET /exports", "GET", "/exports", "", 303},
		{"p1", "GET /exports", "GET", "/exports", "", 200},
		{"tt", "GET /exports", "GET", "/exports", "", 200},
		{"op", "GET /exports", "GET", "/exports", "", 200},
		{"p1", "GET /exports", "GET", "/exports?unit=vt-p7", "", 404},
		{"tt", "GET /exports", "GET", "/exports?unit=vt-p1", "", 404},
		{"admin", "GET /exports", "GET", "/exports?unit=vt-p7", "", 200},
		{"anon", "GET /exports/:file", "GET", "/exports/" + month + ".xlsx", "", 401},
		{"p1", "GET /exports/:file", "GET", "/exports/" + month + ".xlsx", "", 200},
		{"p1", "GET /exports/:file", "GET", "/exports/" + month + ".xlsx?unit=vt-p7", "", 404},
		{"p1", "GET /exports/:file", "GET", "/exports/" + month + ".csv?table=summary&unit=vt-p7", "", 404},
		{"p1", "GET /exports/:file", "GET", "/exports/raw.csv?unit=vt-p7", "", 404},
		{"tt", "GET /exports/:file", "GET", "/exports/raw.csv?unit=vt-p1", "", 404},
		{"p1", "GET /exports/:file", "GET", "/exports/raw.csv", "", 200},
		{"p1", "GET /exports/:file", "GET", "/exports/codebook.csv", "", 200},
		{"anon", "GET /exports/:file/report", "GET", "/exports/" + month + "/report", "", 401},
		{"p1", "GET /exports/:file/report", "GET", "/exports/" + month + "/report", "", 200},
		{"p1", "GET /exports/:file/report", "GET", "/exports/" + month + "/report?unit=vt-p7", "", 404},
		{"p1", "POST /exports/:file/close", "POST", "/exports/" + month + "/close", "", 403},
		{"tt", "POST /exports/:file/close", "POST", "/exports/" + month + "/close", "", 403},
		{"p1", "POST /exports/:file/reopen", "POST", "/exports/" + month + "/reopen", "", 403},
	}

	// Every route the router serves has a row (or is public); every row
	// names a route that exists.
	served := map[string]bool{}
	for _, r := range registeredRoutes(t) {
		if !strings.HasPrefix(r, "echo_route_not_found ") {
			served[r] = true
		}
	}
	covered := map[string]bool{}
	for _, r := range rows {
		if !served[r.route] {
			t.Errorf("row for %q: no such route", r.route)
		}
		covered[r.route] = true
	}
	for r := range served {
		if !covered[r] && !publicRoutes[r] {
			t.Errorf("route %s has no row in the scope table", r)
		}
	}

	for _, r := range rows {
		who := callers[r.who]
		var body io.Reader
		ctype := ""
		switch {
		case strings.HasPrefix(r.body, "{"):
			body, ctype = strings.NewReader(r.body), "application/json"
		case r.method != "GET":
			v, _ := url.ParseQuery(r.body)
			if who.csrf != "" {
				v.Set("_csrf", who.csrf)
			}
			body, ctype = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
		}
		req, _ := http.NewRequest(r.method, a.URL+r.path, body)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if r.method != "GET" && who.csrf != "" {
			req.Header.Set("X-CSRF-Token", who.csrf)
		}
		res, err := who.c.Do(req)
		if err != nil {
			t.Fatalf("%s %s %s: %v", r.who, r.method, r.path, err)
		}
		res.Body.Close() // the live stream too: its status is all we need
		if res.StatusCode != r.want {
			t.Errorf("%s %s %s: %d, want %d", r.who, r.method, r.path, res.StatusCode, r.want)
		}
	}
}

// p7SuspectID submits a honeypot answer with a comment at desk p7-q1 and
// returns its id from the suspects list.
func p7SuspectID(t *testing.T, a *apptest.Site, admin *http.Client) string {
	t.Helper()
	var desks []apptest.Desk
	res, err := admin.Get(a.URL + "/api/v1/desks")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(res.Body).Decode(&desks)
	res.Body.Close()
	for _, d := range desks {
		if d.ID != "p7-q1" {
			continue
		}
		c := apptest.Client(t)
		form := apptest.GetForm(t, c, d.SurveyURL)
		answers := apptest.ValidAnswers()
		answers.Set("website", "http://spam.example")
		if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, answers); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("honeypot answer: %d", res.StatusCode)
		}
		var list []struct{ ID string }
		res, err := admin.Get(a.URL + "/api/v1/suspects?unit=vt-p7")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(&list); err != nil || len(list) != 1 {
			t.Fatalf("suspects of vt-p7: %v %s", err, b)
		}
		return list[0].ID
	}
	t.Fatal("no desk p7-q1")
	return ""
}
