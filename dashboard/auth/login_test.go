package auth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

func TestOfficialLogin(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	c := apptest.Client(t)

	res, err := c.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous GET /: %d %s, want redirect to /login", res.StatusCode, res.Header.Get("Location"))
	}

	csrf := apptest.LoginCSRF(t, a.URL, c)

	login := func(pass, token string) *http.Response {
		res, err := c.PostForm(a.URL+"/login", url.Values{"_csrf": {token}, "username": {"admin"}, "password": {pass}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := login(apptest.AdminPassword, "forged"); res.StatusCode != http.StatusForbidden {
		t.Errorf("login with a forged CSRF token: %d, want 403", res.StatusCode)
	}
	if res := login("wrong password", csrf); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", res.StatusCode)
	}
	res = login(apptest.AdminPassword, csrf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d, want 303", res.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "hl_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", session)
	}

	res, err = c.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || doc.Find("table.grid tbody tr").Length() < 5 {
		t.Fatalf("home: %d with %d desk rows", res.StatusCode, doc.Find("table.grid tbody tr").Length())
	}

	// The API takes the session too, and refuses anyone else.
	res, err = c.Get(a.URL + "/api/v1/desks")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("API with session: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	res, err = http.Get(a.URL + "/api/v1/desks")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("anonymous API: %d %s, want 401 JSON", res.StatusCode, res.Header.Get("Content-Type"))
	}

	res, err = c.PostForm(a.URL+"/logout", url.Values{"_csrf": {csrf}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	res, _ = c.Get(a.URL + "/")
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout GET /: %d, want redirect", res.StatusCode)
	}
}
