package suspects_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

func TestSuspectsPageReview(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	desk := a.Desks(t)[0]
	c := apptest.Client(t)
	form := apptest.GetForm(t, c, desk.SurveyURL)
	bot := apptest.ValidAnswers()
	bot.Set("website", "http://spam.example")
	if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, bot); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("honeypot answer: %d (bots get the normal thank-you)", res.StatusCode)
	}
	admin, csrf := apptest.Admin(t, a.URL)
	res, _ := admin.Get(a.URL + "/suspects")
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	action, ok := doc.Find(`form[action^="/responses/"]`).Attr("action")
	if res.StatusCode != http.StatusOK || !ok || !strings.Contains(doc.Find("tbody").Text(), "điền ô ẩn") {
		t.Fatalf("suspects page: %d, review form %v", res.StatusCode, ok)
	}
	n := func() int64 {
		var r struct{ N int64 }
		apptest.GetJSON(t, a.URL+"/api/v1/indicators", &r)
		return r.N
	}
	if got := n(); got != 0 {
		t.Fatalf("a suspect answer is counted: n=%d", got)
	}
	res, _ = admin.PostForm(a.URL+action, url.Values{"_csrf": {csrf}, "decision": {"confirm"}, "note": {"Cán bộ xác nhận người dân gửi thật"}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for n() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the confirmed answer does not count")
		}
		time.Sleep(200 * time.Millisecond)
	}
	var audit []struct{ Action string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &audit)
	b, _ := json.Marshal(audit)
	if !strings.Contains(string(b), "response.confirm") {
		t.Errorf("no audit entry for the confirmation: %s", b)
	}
}
