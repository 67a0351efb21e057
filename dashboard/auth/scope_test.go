package auth_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"hailong/internal/app/apptest"
)

func TestRoleScoping(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	a.AddUser(t, "p1", "unit_manager", "vt-p1", "matkhau-p1")
	a.AddUser(t, "tt", "viewer", "vt-thang-tam", "matkhau-tt")
	admin, _ := apptest.Admin(t, a.URL)
	p1, p1csrf := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	tt, _ := apptest.LoginAs(t, a.URL, "tt", "matkhau-tt")

	type call struct {
		who    string
		method string
		path   string
		body   string
		want   int
	}
	clients := map[string]*http.Client{"admin": admin, "p1": p1, "tt": tt, "anon": apptest.Client(t)}
	for _, tc := range []call{
		{"anon", "GET", "/api/v1/indicators", "", 401},
		{"anon", "GET", "/", "", 303},
		{"p1", "GET", "/api/v1/indicators", "", 200},
		{"p1", "GET", "/api/v1/indicators?unit=vt-p1", "", 200},
		{"p1", "GET", "/api/v1/indicators?unit=vt-p7", "", 404},
		{"p1", "GET", "/api/v1/indicators?unit=vt", "", 404},
		{"p1", "GET", "/api/v1/indicators?desk=p7-q1", "", 404},
		{"p1", "GET", "/?unit=vt-p7", "", 404},
		{"p1", "GET", "/?desk=tt-q1", "", 404},
		{"p1", "GET", "/", "", 200},
		{"p1", "GET", "/plan", "", 200},
		{"p1", "POST", "/api/v1/units", `{"id":"x","name":"X","kind":"ward","parent":"vt-p1"}`, 403},
		{"p1", "PATCH", "/api/v1/desks/p1-q1", `{"name":"Quầy mới"}`, 403},
		{"p1", "POST", "/api/v1/desks/p7-q1/rotate", "", 403},
		{"p1", "PATCH", "/api/v1/plan-tasks/p1-ke-hoach", `{"status":"doing","progress":40}`, 200},
		{"p1", "PATCH", "/api/v1/plan-tasks/p7-loa", `{"status":"done"}`, 404},
		{"p1", "POST", "/api/v1/receipt-links", `{"desk":"p7-q1","dossier_code":"H01-1"}`, 404},
		{"p1", "POST", "/api/v1/receipt-links", `{"desk":"p1-q1","dossier_code":"H01-2"}`, 201},
		{"tt", "GET", "/api/v1/indicators?unit=vt-thang-tam", "", 200},
		{"tt", "GET", "/api/v1/indicators?unit=vt-p1", "", 404},
		{"tt", "PATCH", "/api/v1/plan-tasks/tt-to-roi", `{"status":"done"}`, 403},
		{"tt", "PATCH", "/api/v1/plan-tasks/p1-ke-hoach", `{"status":"done"}`, 404},
		{"admin", "GET", "/api/v1/indicators?unit=vt-p7", "", 200},
		{"admin", "PATCH", "/api/v1/plan-tasks/p7-loa", `{"status":"doing"}`, 200},
	} {
		req, _ := http.NewRequest(tc.method, a.URL+tc.path, bytes.NewBufferString(tc.body))
		req.Header.Set("Content-Type", "application/json")
		if tc.method != "GET" {
			req.Header.Set("X-CSRF-Token", p1csrf) // only p1's matches its cookie; others use admin role checks first
		}
		c := clients[tc.who]
		if tc.who == "admin" && tc.method != "GET" {
			req.SetBasicAuth("admin", apptest.AdminPassword)
			c = apptest.Client(t)
		}
		if tc.who == "tt" && tc.method != "GET" {
			req.SetBasicAuth("tt", "matkhau-tt")
			c = apptest.Client(t)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s %s %s: %d, want %d", tc.who, tc.method, tc.path, res.StatusCode, tc.want)
		}
	}

	// Lists only show the scope.
	var desks []apptest.Desk
	req, _ := http.NewRequest("GET", a.URL+"/api/v1/desks", nil)
	res, _ := p1.Do(req)
	_ = json.NewDecoder(res.Body).Decode(&desks)
	res.Body.Close()
	if len(desks) != 2 {
		t.Errorf("p1 sees %d desks, want its 2", len(desks))
	}
	for _, d := range desks {
		if d.Unit != "vt-p1" {
			t.Errorf("p1 sees desk %s of %s", d.ID, d.Unit)
		}
	}
	var scoped struct {
		Scope struct{ Unit string }
	}
	req, _ = http.NewRequest("GET", a.URL+"/api/v1/indicators", nil)
	res, _ = p1.Do(req)
	_ = json.NewDecoder(res.Body).Decode(&scoped)
	res.Body.Close()
	if scoped.Scope.Unit != "vt-p1" {
		t.Errorf("p1's default scope = %q, want vt-p1", scoped.Scope.Unit)
	}
	// (That "hailong user passwd" signs the account out everywhere is
	// cmd/hailong's TestUserPasswdSignsOut.)
}
