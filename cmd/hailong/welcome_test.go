package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
)

// TestWelcomeURLsOpen: every address the app prints at start (the desk's
// survey, the portal survey, the officials' login) opens a page.
func TestWelcomeURLsOpen(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	urls := regexp.MustCompile(`http://\S+`).FindAllString(a.Welcome, -1)
	var paths []string
	for _, u := range urls {
		if u == a.URL {
			continue // the "listening on" line
		}
		paths = append(paths, strings.TrimPrefix(u, a.URL))
		res, err := apptest.Client(t).Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("printed %s answers %d", u, res.StatusCode)
		}
	}
	for _, prefix := range []string{"/s/", "/p/", "/login"} {
		found := false
		for _, p := range paths {
			found = found || strings.HasPrefix(p, prefix)
		}
		if !found {
			t.Errorf("the app prints no %s address:\n%s", prefix, a.Welcome)
		}
	}
}
