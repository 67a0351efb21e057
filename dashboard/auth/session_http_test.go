package auth_test

// Sessions over real HTTP (issue 6, "session: fixation, expiry, logout,
// CSRF rejection"): every check replays an old cookie value on a fresh
// client, so it fails if the server kept the session alive.

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// sessionValue is the hl_session cookie c holds for a ("" when none).
func sessionValue(t *testing.T, a *apptest.Site, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(a.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_session" {
			return ck.Value
		}
	}
	return ""
}

// withSession is a fresh client carrying only session cookie value.
func withSession(t *testing.T, a *apptest.Site, value string) *http.Client {
	t.Helper()
	c := apptest.Client(t)
	u, _ := url.Parse(a.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "hl_session", Value: value, Path: "/"}})
	return c
}

// signedIn reports whether c's session opens the overview: 200, or a 303
// to the login page.
func signedIn(t *testing.T, a *apptest.Site, c *http.Client) bool {
	t.Helper()
	res, err := c.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	switch {
	case res.StatusCode == http.StatusOK:
		return true
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login"):
		return false
	}
	t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Location"))
	return false
}

func TestSessionFixationLogoutCSRF(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	a.AddUser(t, "p7", "unit_manager", "vt-p7")

	// An attacker signs in with their own account and plants that valid
	// session id in the victim's browser before the victim signs in.
	attacker, _ := apptest.LoginAs(t, a.URL, "p7", "matkhau-p7")
	planted := sessionValue(t, a, attacker)
	if planted == "" || !signedIn(t, a, withSession(t, a, planted)) {
		t.Fatal("the attacker's own session does not work")
	}
	victim := withSession(t, a, planted)
	csrf := apptest.LoginWith(t, a.URL, victim, "admin", apptest.AdminPassword)
	got := sessionValue(t, a, victim)
	if got == "" || got == planted {
		t.Fatalf("login kept the planted session value %q", planted)
	}
	if signedIn(t, a, withSession(t, a, planted)) {
		t.Error("the planted session still works after the victim signed in on top of it")
	}
	if !signedIn(t, a, withSession(t, a, got)) {
		t.Fatal("the new session does not work")
	}
	// A made-up value is replaced too, and never becomes a session.
	junk := withSession(t, a, "planted.value")
	apptest.LoginWith(t, a.URL, junk, "admin", apptest.AdminPassword)
	if v := sessionValue(t, a, junk); v == "" || v == "planted.value" {
		t.Errorf("login kept a made-up session value: %q", v)
	}
	if signedIn(t, a, withSession(t, a, "planted.value")) {
		t.Error("a made-up session value opens the dashboard")
	}

	// CSRF: a state change without the token is refused and changes
	// nothing; the session stays valid.
	res, _ := victim.PostForm(a.URL+"/logout", url.Values{"_csrf": {"forged"}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a forged CSRF token: %d, want 403", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPatch, a.URL+"/api/v1/plan-tasks/p7-loa", strings.NewReader(`{"status":"done"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := victim.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("API change by session without X-CSRF-Token: %v %v, want 403", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
	if !signedIn(t, a, withSession(t, a, got)) {
		t.Fatal("a refused forged logout ended the session")
	}

	// Logout ends the session on the server, not only in this browser.
	res, err := victim.PostForm(a.URL+"/logout", url.Values{"_csrf": {csrf}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	if signedIn(t, a, withSession(t, a, got)) {
		t.Error("the session value still works after logout")
	}
	req, _ = http.NewRequest(http.MethodGet, a.URL+"/api/v1/indicators", nil)
	if res, err := withSession(t, a, got).Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("API with a logged-out session: %v %v, want 401", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
}

// TestSessionAbsoluteExpiry: a session in use all the time still ends 24 h
// after sign-in (the app's clock is moved; Redis' idle TTL is real time).
func TestSessionAbsoluteExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	a := apptest.Start(t, apptest.Options{Now: clock})
	c, _ := apptest.Admin(t, a.URL)
	for _, step := range []time.Duration{6 * time.Hour, 6 * time.Hour, 6 * time.Hour, 5*time.Hour + 50*time.Minute} {
		now.Add(int64(step))
		if !signedIn(t, a, c) {
			t.Fatalf("session ended before 24 h (at %v)", clock().UTC())
		}
	}
	now.Add(int64(11 * time.Minute)) // 24 h 1 min after sign-in
	if signedIn(t, a, c) {
		t.Error("session still valid 24 h after sign-in")
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/indicators", nil)
	if res, err := c.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("API after expiry: %v %v, want 401", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
}
