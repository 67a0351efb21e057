package apptest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/survey"
)

// SurveyForm is a citizen's form as served: where it posts, its hidden
// fields (ticket, CSRF, nonce...) and the page.
type SurveyForm struct {
	Action string
	Hidden url.Values
	Doc    *goquery.Document
}

// GetForm opens a survey form, which must answer 200.
func GetForm(t testing.TB, c *http.Client, u string) SurveyForm {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", u, res.StatusCode)
	}
	return ParseForm(t, res.Body)
}

// ParseForm reads the one form.survey of a page.
func ParseForm(t testing.TB, r io.Reader) SurveyForm {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		t.Fatal(err)
	}
	f := SurveyForm{Hidden: url.Values{}, Doc: doc}
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

// Post sends the hidden fields and the answers as a form; the body is
// closed when the test ends.
func Post(t testing.TB, c *http.Client, u string, hidden, answers url.Values) *http.Response {
	t.Helper()
	res, err := c.PostForm(u, MergeValues(hidden, answers))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// PortalPost sends the portal form with the pick (where: "desk:ID",
// "field:CODE" or "unknown"; served: "in_person", "online_full"...; an
// empty one is left out) and the answers; it returns the response and its
// body.
func PortalPost(t testing.TB, c *http.Client, base string, form SurveyForm, where, served string, answers url.Values) (*http.Response, string) {
	t.Helper()
	pick := url.Values{}
	if where != "" {
		pick.Set("where", where)
	}
	if served != "" {
		pick.Set("served", served)
	}
	res := Post(t, c, base+form.Action, form.Hidden, MergeValues(pick, answers))
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// MergeValues joins form values; a key in several keeps every value.
func MergeValues(vs ...url.Values) url.Values {
	out := url.Values{}
	for _, v := range vs {
		for k, x := range v {
			out[k] = append(out[k], x...)
		}
	}
	return out
}

// ValidAnswers are a complete, valid set of answers to the counter form.
func ValidAnswers() url.Values {
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

// Desk is a desk as GET /api/v1/desks lists it.
type Desk struct {
	ID         string `json:"id"`
	Unit       string `json:"unit"`
	UnitName   string `json:"unit_name"`
	Name       string `json:"name"`
	Instrument string `json:"instrument"`
	Active     bool   `json:"active"`
	SurveyURL  string `json:"survey_url"`
}

// Desks lists the desks through the API, as the admin.
func (s *Site) Desks(t testing.TB) []Desk {
	t.Helper()
	return Desks(t, s.URL)
}

// Desks lists the desks of the service at base through the API, as the
// admin (HTTP Basic).
func Desks(t testing.TB, base string) []Desk {
	t.Helper()
	var desks []Desk
	if code := GetJSON(t, base+"/api/v1/desks", &desks); code != http.StatusOK {
		t.Fatalf("GET /api/v1/desks: status %d", code)
	}
	return desks
}

// Desk returns the desk with id, or fails the test.
func (s *Site) Desk(t testing.TB, id string) Desk {
	t.Helper()
	for _, d := range s.Desks(t) {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no desk %s", id)
	return Desk{}
}

// Answer opens a desk's form with c and sends valid answers; it returns
// the POST's status (303: stored) and the page it led to, or the GET's
// when the form is not served (410: desk or unit closed...).
func Answer(t testing.TB, c *http.Client, base, surveyURL string) (int, *http.Response) {
	t.Helper()
	res, err := c.Get(surveyURL)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, res
	}
	form := ParseForm(t, res.Body)
	res.Body.Close()
	res = Post(t, c, base+form.Action, form.Hidden, ValidAnswers())
	return res.StatusCode, res
}

// Report is the part of GET /api/v1/indicators most tests read.
type Report struct {
	N        int64            `json:"n"`
	Channels map[string]int64 `json:"channels"`
}

// WaitIndicators polls the indicators API until it counts n answers (the
// rollups are written once a second), or fails after 15 s.
func (s *Site) WaitIndicators(t testing.TB, query string, n int64) Report {
	t.Helper()
	return WaitIndicators(t, s.URL, query, n)
}

// WaitIndicators is Site.WaitIndicators for the service at base.
func WaitIndicators(t testing.TB, base, query string, n int64) Report {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var rep Report
		if code := GetJSON(t, base+"/api/v1/indicators?"+query, &rep); code != http.StatusOK {
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

// StoredResponses reads every stored response.
func StoredResponses(t testing.TB, db *mongo.Database) []survey.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cur, err := db.Collection("responses").Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []survey.Response
	if err := cur.All(ctx, &all); err != nil {
		t.Fatal(err)
	}
	return all
}
