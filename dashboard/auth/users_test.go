package auth_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

func TestUsersPageAndSessions(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	res, err := admin.PostForm(a.URL+"/users", url.Values{"_csrf": {csrf}, "username": {"p7"}, "name": {"Cán bộ Phường 7"},
		"role": {"unit_manager"}, "unit": {"vt-p7"}, "password": {"matkhau-p7"}})
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("add user: %v %v", res.StatusCode, err)
	}
	res.Body.Close()

	// Session fixation is TestSessionFixationLogoutCSRF.
	p7, _ := apptest.LoginAs(t, a.URL, "p7", "matkhau-p7")
	status := func(c *http.Client, path string) int {
		res, err := c.Get(a.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := status(p7, "/"); got != http.StatusOK {
		t.Fatalf("p7 overview: %d", got)
	}
	if got := status(p7, "/users"); got != http.StatusForbidden {
		t.Errorf("a unit manager on /users: %d, want 403", got)
	}

	// A new password ends every earlier session of the account.
	res, _ = admin.PostForm(a.URL+"/users/p7/password", url.Values{"_csrf": {csrf}, "password": {"matkhau-moi-p7"}})
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if doc.Find("p.ok").Length() != 1 {
		t.Fatalf("password change not confirmed: %d", res.StatusCode)
	}
	if got := status(p7, "/"); got != http.StatusSeeOther {
		t.Errorf("old session after a password change: %d, want a redirect to login", got)
	}
	p7, _ = apptest.LoginAs(t, a.URL, "p7", "matkhau-moi-p7")
	res, _ = admin.PostForm(a.URL+"/users/p7/disable", url.Values{"_csrf": {csrf}})
	res.Body.Close()
	if got := status(p7, "/"); got != http.StatusSeeOther {
		t.Errorf("session of a disabled account: %d, want a redirect to login", got)
	}
	// Forged CSRF on the management page.
	res, _ = admin.PostForm(a.URL+"/users/p7/enable", url.Values{"_csrf": {"forged"}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("forged CSRF: %d, want 403", res.StatusCode)
	}
}
