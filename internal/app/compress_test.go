package app_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"hailong/internal/app/apptest"
)

// TestCompression: the blank form (deflated once, tokens spliced in), the
// thank-you page and the API are gzipped for clients that accept it, decode
// to the same page, and are sent plain to clients that do not.
func TestCompression(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desks := a.Desks(t)
	c := apptest.Client(t)
	form := apptest.GetForm(t, c, desks[0].SurveyURL)
	res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, apptest.ValidAnswers())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	thanks := a.URL + res.Header.Get("Location")
	for _, u := range []string{desks[0].SurveyURL, thanks} {
		var pages [2]string
		for i, enc := range []string{"gzip", "identity"} {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			req.Header.Set("Accept-Encoding", enc)
			// The Go transport decodes gzip only when it asked for it, so
			// this request's answer arrives as sent.
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := res.Header.Get("Content-Encoding")
			if (enc == "gzip") != (got == "gzip") {
				t.Fatalf("%s with Accept-Encoding %s: Content-Encoding %q", u, enc, got)
			}
			if enc == "gzip" {
				body = gunzip(t, body)
			}
			if !strings.Contains(string(body), "</html>") {
				t.Fatalf("%s (%s): not a whole page: %.200s", u, enc, body)
			}
			pages[i] = string(body)
		}
		if u == thanks && pages[0] != pages[1] {
			t.Errorf("%s: the gzip and plain pages differ", u)
		}
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip does not decode: %v", err)
	}
	return out
}
