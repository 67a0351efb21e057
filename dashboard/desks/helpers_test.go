package desks_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"net/http"
	"net/url"
	"testing"

	"hailong/internal/app/apptest"
)

// answer opens a survey URL and submits a valid answer; it returns the
// POST's status and the page it led to (the GET's when it is not 200).
func answer(t *testing.T, c *http.Client, base, surveyURL string) (int, *http.Response) {
	t.Helper()
	res, err := c.Get(surveyURL)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, res
	}
	form := apptest.ParseForm(t, res.Body)
	res.Body.Close()
	res = apptest.Post(t, c, base+form.Action, form.Hidden, apptest.ValidAnswers())
	return res.StatusCode, res
}

// sessionCookie returns the session cookie the client holds for the site.
func sessionCookie(t *testing.T, c *http.Client, base string) *http.Cookie {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_session" {
			return ck
		}
	}
	t.Fatal("the signed-in client holds no hl_session cookie")
	return nil
}
