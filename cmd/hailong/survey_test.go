package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/survey"
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

func TestSurveyEndToEnd(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	desks := apiDesks(t, a)
	if len(desks) < 5 {
		t.Fatalf("demo has %d desks, want several", len(desks))
	}
	desk := desks[0]
	if !strings.HasPrefix(desk.SurveyURL, a.URL+"/s/") || desk.Instrument != "counter" || desk.UnitName == "" {
		t.Fatalf("desk JSON = %+v", desk)
	}

	c := client(t)
	form := getForm(t, c, desk.SurveyURL)
	if got := form.Doc.Find(`input[name=overall][type=radio]`).Length(); got != 5 {
		t.Errorf("overall has %d choices, want 5", got)
	}
	if form.Hidden.Get("_csrf") == "" || form.Hidden.Get("t") == "" {
		t.Fatalf("form lacks CSRF token or ticket: %v", form.Hidden)
	}
	if form.Doc.Find(`input[name=website]`).Length() != 1 {
		t.Error("form lacks the honeypot field")
	}
	postURL := a.URL + form.Action

	// Invalid: overall missing, a code out of range, comment too long.
	bad := validAnswers()
	bad.Del("overall")
	bad.Set("b", "9")
	bad.Set("comment", strings.Repeat("dài ", 300))
	res := post(t, c, postURL, form.Hidden, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid POST: status %d, want 422", res.StatusCode)
	}
	again := parseForm(t, res.Body)
	if again.Doc.Find(`#a-4[checked]`).Length() != 1 {
		t.Error("re-rendered form lost the answer to question a")
	}
	if !strings.Contains(again.Doc.Find(`textarea[name=comment]`).Text(), "dài dài") {
		t.Error("re-rendered form lost the comment")
	}
	for _, q := range []string{"overall", "b", "comment"} {
		if again.Doc.Find("#e-"+q).Length() != 1 {
			t.Errorf("no problem message for %s", q)
		}
	}
	if again.Doc.Find("#e-a").Length() != 0 {
		t.Error("a valid answer is marked as a problem")
	}
	if again.Hidden.Get("t") != form.Hidden.Get("t") {
		t.Error("re-render changed the ticket: a fixed resubmission would count twice")
	}

	// Valid, twice with the same ticket (a double tap).
	for i := 0; i < 2; i++ {
		res = post(t, c, postURL, form.Hidden, validAnswers())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("valid POST %d: status %d, want 303", i+1, res.StatusCode)
		}
		if loc := res.Header.Get("Location"); loc != form.Action+"/thanks" {
			t.Fatalf("redirect to %q", loc)
		}
	}
	res, err := c.Get(postURL + "/thanks")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("thank-you page: %v %v", res.StatusCode, err)
	}
	res.Body.Close()

	// A second process on the same data dir stops with the lock message.
	if _, err := tryStartApp(t, dir, nil); err == nil || !strings.Contains(err.Error(), "in use by another hailong process") {
		t.Fatalf("second process on one data dir: err = %v", err)
	}

	// Stop, start again: the answer is still there and the demo is not doubled.
	a.Stop(t)
	a = startApp(t, dir, nil)
	if got := len(apiDesks(t, a)); got != len(desks) {
		t.Errorf("after restart %d desks, want %d", got, len(desks))
	}
	a.Stop(t)

	db := openDataDir(t, dir)
	ctx := context.Background()
	n, err := db.Collection("responses").CountDocuments(ctx, bson.D{})
	if err != nil || n != 1 {
		t.Fatalf("stored responses = %d (%v), want exactly 1", n, err)
	}
	var raw bson.M
	if err := db.Collection("responses").FindOne(ctx, bson.D{}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ip", "ip_hash", "user_agent", "ua", "phone"} {
		if _, ok := raw[k]; ok {
			t.Errorf("response stores %q", k)
		}
	}
	var got survey.Response
	if err := db.Collection("responses").FindOne(ctx, bson.D{}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Instrument != "counter@1" || got.Desk != desk.ID || got.Unit != desk.Unit || got.Channel != "qr" ||
		got.Status != "ok" || got.Comment != "Cán bộ nhiệt tình, nhưng phòng chờ hơi nóng." || got.Nonce == "" {
		t.Errorf("stored response = %+v", got)
	}
	wantAnswers := map[string]int{"overall": 5, "a": 4, "b": 5, "c": 3, "d": 0, "e": 2, "harass": 1, "online_next": 3}
	if !reflect.DeepEqual(got.Answers, wantAnswers) {
		t.Errorf("stored answers = %v, want %v", got.Answers, wantAnswers)
	}
	if heard := got.Choices["heard"]; !reflect.DeepEqual(heard, []string{"radio", "portal"}) {
		t.Errorf("stored choices = %v", got.Choices)
	}
	if time.Since(got.SubmittedAt) > time.Minute || got.SubmittedAt.Location() != time.UTC {
		t.Errorf("submitted_at = %v", got.SubmittedAt)
	}
}

// The blank form is rendered once per desk and language; every view must
// still carry its own ticket and the viewer's own CSRF token.
func TestFormViewsAreDistinct(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	desk := apiDesks(t, a)[0]
	c1, c2 := client(t), client(t)
	f1, f1b, f2 := getForm(t, c1, desk.SurveyURL), getForm(t, c1, desk.SurveyURL), getForm(t, c2, desk.SurveyURL)
	if f1.Hidden.Get("t") == f1b.Hidden.Get("t") || f1.Hidden.Get("t") == f2.Hidden.Get("t") {
		t.Error("two views share a ticket: their answers would collide as duplicates")
	}
	if f1.Hidden.Get("_csrf") != f1b.Hidden.Get("_csrf") || f1.Hidden.Get("_csrf") == f2.Hidden.Get("_csrf") {
		t.Error("CSRF tokens must follow the browser, not the cached page")
	}
	for _, f := range []surveyForm{f1, f2} {
		if strings.Contains(f.Doc.Text(), "PLACEHOLDER") {
			t.Fatal("a placeholder reached the page")
		}
	}
	if res := post(t, c2, a.URL+f2.Action, f2.Hidden, validAnswers()); res.StatusCode != http.StatusSeeOther {
		t.Errorf("POST from the second browser: %d", res.StatusCode)
	}
	en := getForm(t, client(t), desk.SurveyURL+"?lang=en")
	if !strings.Contains(en.Doc.Find("h1").Text(), "satisfied") {
		t.Errorf("English form heading: %q", en.Doc.Find("h1").Text())
	}
}
