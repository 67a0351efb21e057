package survey_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

func TestSurveyEndToEnd(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desks := a.Desks(t)
	if len(desks) < 5 {
		t.Fatalf("demo has %d desks, want several", len(desks))
	}
	desk := desks[0]
	if !strings.HasPrefix(desk.SurveyURL, a.URL+"/s/") || desk.Instrument != "counter" || desk.UnitName == "" {
		t.Fatalf("desk JSON = %+v", desk)
	}

	c := apptest.Client(t)
	form := apptest.GetForm(t, c, desk.SurveyURL)
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
	bad := apptest.ValidAnswers()
	bad.Del("overall")
	bad.Set("b", "9")
	bad.Set("comment", strings.Repeat("dài ", 300))
	res := apptest.Post(t, c, postURL, form.Hidden, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid POST: status %d, want 422", res.StatusCode)
	}
	again := apptest.ParseForm(t, res.Body)
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
		res = apptest.Post(t, c, postURL, form.Hidden, apptest.ValidAnswers())
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

	// (A second process on the same data dir is cmd/hailong's
	// TestDataDirInUse.)

	// Stop, start again on the same store: the answer is still there and
	// the demo is not doubled.
	a.Stop()
	b := apptest.Start(t, apptest.Options{DB: a.DB})
	if got := len(b.Desks(t)); got != len(desks) {
		t.Errorf("after restart %d desks, want %d", got, len(desks))
	}
	b.Stop()

	db := a.DB
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
	a := apptest.Start(t, apptest.Options{})
	desk := a.Desks(t)[0]
	c1, c2 := apptest.Client(t), apptest.Client(t)
	f1, f1b, f2 := apptest.GetForm(t, c1, desk.SurveyURL), apptest.GetForm(t, c1, desk.SurveyURL), apptest.GetForm(t, c2, desk.SurveyURL)
	if f1.Hidden.Get("t") == f1b.Hidden.Get("t") || f1.Hidden.Get("t") == f2.Hidden.Get("t") {
		t.Error("two views share a ticket: their answers would collide as duplicates")
	}
	if f1.Hidden.Get("_csrf") != f1b.Hidden.Get("_csrf") || f1.Hidden.Get("_csrf") == f2.Hidden.Get("_csrf") {
		t.Error("CSRF tokens must follow the browser, not the cached page")
	}
	for _, f := range []apptest.SurveyForm{f1, f2} {
		if strings.Contains(f.Doc.Text(), "PLACEHOLDER") {
			t.Fatal("a placeholder reached the page")
		}
	}
	if res := apptest.Post(t, c2, a.URL+f2.Action, f2.Hidden, apptest.ValidAnswers()); res.StatusCode != http.StatusSeeOther {
		t.Errorf("POST from the second browser: %d", res.StatusCode)
	}
	en := apptest.GetForm(t, apptest.Client(t), desk.SurveyURL+"?lang=en")
	if !strings.Contains(en.Doc.Find("h1").Text(), "satisfied") {
		t.Errorf("English form heading: %q", en.Doc.Find("h1").Text())
	}
}

func TestCitizenErrorPages(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desk := a.Desks(t)[0]
	forged := desk.SurveyURL[:len(desk.SurveyURL)-3] + "zzz"
	for _, tt := range []struct {
		url  string
		want int
	}{
		{a.URL + "/s/khong-co-quay-abcdefghij", http.StatusNotFound},
		{a.URL + "/s/x", http.StatusNotFound},
		{forged, http.StatusNotFound},
		{a.URL + "/khong-ton-tai", http.StatusNotFound},
	} {
		res, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.url, res.StatusCode, tt.want)
		}
		if h := doc.Find("h1").Text(); !strings.Contains(h, "Không tìm thấy") {
			t.Errorf("GET %s: heading %q is not the Vietnamese not-found message", tt.url, h)
		}
	}
	res, err := http.Get(a.URL + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v", err)
	}
	res, err = http.Get(a.URL + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", res.StatusCode, err)
	}
}
