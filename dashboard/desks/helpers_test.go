package desks_test

// Helpers of the tests that drive the whole service over HTTP (apptest).

import (
	"net/http"
	"net/url"
	"testing"
)

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
