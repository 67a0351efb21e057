package apptest

import (
	"net/http"
	"strings"
	"testing"
)

// TestSite: the site serves the citizen's form and the officials' pages
// over real HTTP, stores an answer, counts it, and stops cleanly.
func TestSite(t *testing.T) {
	s := Start(t, Options{})
	desks := s.Desks(t)
	if len(desks) == 0 {
		t.Fatal("the demo city has no desks")
	}
	d := desks[0]
	if !strings.HasPrefix(d.SurveyURL, s.URL+"/s/") {
		t.Errorf("survey URL %q does not start with the site's %q", d.SurveyURL, s.URL)
	}
	if code, _ := Answer(t, Client(t), s.URL, d.SurveyURL); code != http.StatusSeeOther {
		t.Fatalf("answer: %d, want 303", code)
	}
	s.WaitIndicators(t, "desk="+d.ID, 1)
	admin, _ := Admin(t, s.URL)
	if doc := HTMLPage(t, admin, s.URL+"/"); doc.Find("main").Length() != 1 {
		t.Error("the overview has no main")
	}
	if n := len(StoredResponses(t, s.DB)); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
	s.Stop()
	if _, err := http.Get(s.URL + "/healthz"); err == nil {
		t.Error("the site still answers after Stop")
	}
}
