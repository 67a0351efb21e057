package app_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"hailong/internal/app/apptest"
)

// TestHeadLikeGet: HEAD (link-preview bots, uptime checkers) gets the
// status and headers GET gets, and no body, on the citizen, portal and
// health routes; a route that answers GET 404 answers HEAD 404 too.
func TestHeadLikeGet(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desks := a.Desks(t)
	if len(desks) == 0 {
		t.Fatal("demo has no desks")
	}
	form, err := url.Parse(desks[0].SurveyURL)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]int{
		form.Path:                 http.StatusOK,
		"/p/" + desks[0].Unit:     http.StatusOK,
		"/healthz":                http.StatusOK,
		"/readyz":                 http.StatusOK,
		"/login":                  http.StatusOK,
		"/s/khong-co-quay-nay":    http.StatusNotFound,
		"/khong-co-trang-nay-dau": http.StatusNotFound,
	}
	c := apptest.Client(t)
	for p, want := range paths {
		get := doMethod(t, c, http.MethodGet, a.URL+p)
		head := doMethod(t, c, http.MethodHead, a.URL+p)
		if get.status != want {
			t.Errorf("GET %s: status %d, want %d", p, get.status, want)
		}
		if head.status != get.status {
			t.Errorf("HEAD %s: status %d, GET gets %d", p, head.status, get.status)
		}
		if head.contentType != get.contentType {
			t.Errorf("HEAD %s: Content-Type %q, GET gets %q", p, head.contentType, get.contentType)
		}
		if head.bodyLen != 0 {
			t.Errorf("HEAD %s: %d bytes of body, want none", p, head.bodyLen)
		}
		if get.bodyLen == 0 {
			t.Errorf("GET %s: empty body", p)
		}
	}
}

type headAnswer struct {
	status      int
	contentType string
	bodyLen     int
}

func doMethod(t *testing.T, c *http.Client, method, u string) headAnswer {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return headAnswer{res.StatusCode, res.Header.Get("Content-Type"), len(b)}
}
