package main

// Helpers of the tests that start the binary: forms, desks, sign-in.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

type deskJSON struct {
	ID         string `json:"id"`
	Unit       string `json:"unit"`
	UnitName   string `json:"unit_name"`
	Name       string `json:"name"`
	Instrument string `json:"instrument"`
	Active     bool   `json:"active"`
	SurveyURL  string `json:"survey_url"`
}

// apiDesks lists the desks through the API with HTTP Basic.
func apiDesks(t testing.TB, a *testApp) []deskJSON {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/desks", nil)
	req.SetBasicAuth("admin", testAdminPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/desks: status %d", res.StatusCode)
	}
	var desks []deskJSON
	if err := json.NewDecoder(res.Body).Decode(&desks); err != nil {
		t.Fatal(err)
	}
	return desks
}

// surveyForm is a rendered form: where it posts and its hidden fields.
type surveyForm struct {
	Action string
	Hidden url.Values
	Doc    *goquery.Document
}

func getForm(t testing.TB, c *http.Client, u string) surveyForm {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", u, res.StatusCode)
	}
	return parseForm(t, res.Body)
}

func parseForm(t testing.TB, r io.Reader) surveyForm {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		t.Fatal(err)
	}
	f := surveyForm{Hidden: url.Values{}, Doc: doc}
	form := doc.Find("form.survey")
	if form.Length() != 1 {
		t.Fatalf("want one form.survey, got %d", form.Length())
	}
	f.Action, _ = form.Attr("action")
	form.Find(`input[type=hidden]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		f.Hidden.Set(name, val)
	})
	return f
}

func validAnswers() url.Values {
	return url.Values{
		"overall":     {"5"},
		"a":           {"4"},
		"b":           {"5"},
		"c":           {"3"},
		"d":           {"0"}, // không áp dụng
		"e":           {"2"},
		"harass":      {"1"},
		"heard":       {"radio", "portal"},
		"online_next": {"3"},
		"comment":     {"Cán bộ nhiệt tình, nhưng phòng chờ hơi nóng."},
	}
}

func post(t *testing.T, c *http.Client, u string, hidden, answers url.Values) *http.Response {
	t.Helper()
	body := url.Values{}
	for k, v := range hidden {
		body[k] = v
	}
	for k, v := range answers {
		body[k] = v
	}
	res, err := c.PostForm(u, body)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// waitIndicators polls the indicators API until query counts n answers.
func waitIndicators(t *testing.T, a *testApp, query string, n int64) apiReport {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var rep apiReport
		if code := getJSON(t, a.URL+"/api/v1/indicators?"+query, &rep); code != http.StatusOK {
			t.Fatalf("GET indicators?%s: %d", query, code)
		}
		if rep.N == n {
			return rep
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators?%s count %d answers, want %d", query, rep.N, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// loginFormCSRF opens the login form with c and returns its CSRF token.
func loginFormCSRF(t testing.TB, a *testApp, c *http.Client) string {
	t.Helper()
	res, err := c.Get(a.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	csrf, _ := doc.Find(`input[name=_csrf]`).Attr("value")
	return csrf
}

// loginAs signs in through the login form and returns the client and CSRF token.
func loginAs(t testing.TB, a *testApp, user, pass string) (*http.Client, string) {
	t.Helper()
	c := client(t)
	csrf := loginFormCSRF(t, a, c)
	res, err := c.PostForm(a.URL+"/login", url.Values{"_csrf": {csrf}, "username": {user}, "password": {pass}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %v %v", user, res.StatusCode, err)
	}
	res.Body.Close()
	return c, csrf
}
