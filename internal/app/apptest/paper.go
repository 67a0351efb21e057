package apptest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// CreateBatch prints a batch of paper forms through the form of /paper
// with c (signed in, csrf its token) and returns the serials printed.
func CreateBatch(t testing.TB, base string, c *http.Client, csrf string, form url.Values) []string {
	t.Helper()
	form.Set("_csrf", csrf)
	res, err := c.PostForm(base+"/paper/batches", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/paper/batches/") {
		t.Fatalf("create batch %v: %d → %q", form, res.StatusCode, loc)
	}
	var serials []string
	HTMLPage(t, c, base+loc).Find("article.paper-form").Each(func(_ int, s *goquery.Selection) {
		serials = append(serials, s.AttrOr("data-serial", ""))
	})
	return serials
}
