package desks_test

// Registering a kiosk tablet or display (issue 4): the device keeps only
// its device token, never the official's session, and unit managers may
// register the desks of their own scope.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
)

func TestDeviceRegistrationSignsOut(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	a.AddUser(t, "p1", "unit_manager", "vt-p1", "matkhau-p1")

	register := func(c *http.Client, csrf, desk string) *http.Response {
		t.Helper()
		res, err := c.PostForm(a.URL+"/desks/"+desk+"/device", url.Values{"_csrf": {csrf}, "kind": {"kiosk"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	admin, csrf := apptest.Admin(t, a.URL)
	// The page asks before rotating or registering.
	doc := apptest.HTMLPage(t, admin, a.URL+"/desks")
	if n := doc.Find(`form[action="/desks/vt-q1/rotate"][data-confirm]`).Length(); n != 1 {
		t.Errorf("the rotate form of vt-q1 has no data-confirm (%d)", n)
	}
	if n := doc.Find(`head script[src*="/static/manage."]`).Length(); n != 1 {
		t.Errorf("the desks page does not load manage.js (%d)", n)
	}
	old := apptest.SessionCookie(t, admin, a.URL)
	if res := register(admin, csrf, "vt-q1"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/k/vt-q1" {
		t.Fatalf("register kiosk: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	for _, p := range []string{"/desks", "/users", "/"} {
		res, _ := apptest.Get(t, admin, a.URL+p)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("GET %s on the registered tablet: %d %q, want 303 to /login", p, res.StatusCode, loc)
		}
	}
	// The session itself is gone, not only the tablet's cookie.
	thief := apptest.Client(t)
	u, _ := url.Parse(a.URL)
	thief.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value, Path: "/"}})
	if res, _ := apptest.Get(t, thief, a.URL+"/desks"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the registering session still opens /desks: %d", res.StatusCode)
	}
	if res, _ := apptest.Get(t, admin, a.URL+"/k/vt-q1"); res.StatusCode != http.StatusOK {
		t.Errorf("the kiosk after registration: %d, want 200", res.StatusCode)
	}

	// A unit manager: their own desk yes, another ward's no.
	p1, p1csrf := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	if n := apptest.HTMLPage(t, p1, a.URL+"/desks").Find(`form[action="/desks/p1-q1/device"][data-confirm]`).Length(); n != 1 {
		t.Errorf("the unit manager's desks page has no device form for p1-q1 (%d)", n)
	}
	if res := register(p1, p1csrf, "p7-q1"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unit manager registering another ward's desk: %d, want 404", res.StatusCode)
	}
	if res := register(p1, p1csrf, "p1-q1"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/k/p1-q1" {
		t.Errorf("unit manager registering their desk: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := apptest.Get(t, p1, a.URL+"/desks"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the unit manager is still signed in on the tablet: %d", res.StatusCode)
	}
}
