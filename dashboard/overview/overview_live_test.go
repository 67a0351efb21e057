package overview_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// liveRead is the page script's re-read after a flush: only the part it
// replaces, with the caller's own CSRF token.
func liveRead(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("X-Hailong-Live", "1")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("live read: %d %s", res.StatusCode, body)
	}
	return string(body)
}

// Dashboards share one rendering of the live part per flush, but each
// official's hide forms carry their own CSRF token, viewers get none, and
// a new answer shows in the next read.
func TestOverviewLivePart(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, adminCSRF := apptest.Admin(t, a.URL)
	a.AddUser(t, "xem", "viewer", "")
	viewer, viewerCSRF := apptest.LoginAs(t, a.URL, "xem", "matkhau-xem")
	other, otherCSRF := apptest.Admin(t, a.URL)
	if adminCSRF == otherCSRF {
		t.Fatal("two admin sessions share a CSRF token: the test proves nothing")
	}

	desk := a.Desks(t)[0]
	c := apptest.Client(t)
	f := apptest.GetForm(t, c, desk.SurveyURL)
	ans := apptest.ValidAnswers()
	ans.Set("comment", "Cán bộ hướng dẫn tận tình")
	if res := apptest.Post(t, c, a.URL+f.Action, f.Hidden, ans); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", res.StatusCode)
	}
	// The rollup writer flushes within a second; the next flush's read
	// must show the answer (a shared build never outlives its flush).
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(liveRead(t, admin, a.URL+"/"), "Cán bộ hướng dẫn tận tình") {
		if time.Now().After(deadline) {
			t.Fatal("the new comment never reached the live part")
		}
		time.Sleep(100 * time.Millisecond)
	}

	for _, tc := range []struct {
		name  string
		c     *http.Client
		csrf  string
		forms bool
	}{{"admin", admin, adminCSRF, true}, {"second admin", other, otherCSRF, true}, {"viewer", viewer, viewerCSRF, false}} {
		part := liveRead(t, tc.c, a.URL+"/")
		if strings.Contains(part, "<html") || strings.Contains(part, "live-main") {
			t.Errorf("%s: the live part carries the whole page", tc.name)
		}
		if !strings.Contains(part, `id="kpi-n"`) || !strings.Contains(part, "Cán bộ hướng dẫn tận tình") {
			t.Errorf("%s: the live part misses the answer count or the new comment", tc.name)
		}
		if strings.Contains(part, "HLCSRFSLOT") {
			t.Errorf("%s: the token slot was not filled", tc.name)
		}
		hasForm := strings.Contains(part, `name="_csrf" value="`+tc.csrf+`"`)
		if hasForm != tc.forms || strings.Contains(part, "/hide") != tc.forms {
			t.Errorf("%s: hide form with own token = %v, want %v", tc.name, hasForm, tc.forms)
		}
	}
	full, err := admin.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(full.Body)
	full.Body.Close()
	if !strings.Contains(string(page), `id="live-main"`) || !strings.Contains(string(page), `id="kpi-n"`) {
		t.Error("the full overview lost its live part")
	}
}
