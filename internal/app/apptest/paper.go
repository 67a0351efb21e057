package apptest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/survey"
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

// PaperN returns today's answer count of unit, and how many came on paper.
func PaperN(t testing.TB, base, unit string) (int64, int64) {
	t.Helper()
	var rep Report
	if code := GetJSON(t, base+"/api/v1/indicators?unit="+unit+"&from="+Today()+"&to="+Today(), &rep); code != http.StatusOK {
		t.Fatalf("indicators: %d", code)
	}
	return rep.N, rep.Channels[survey.ChannelPaper]
}

// WaitPaperN waits until the indicators of unit count want paper answers.
func WaitPaperN(t testing.TB, base, unit string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, paper := PaperN(t, base, unit)
		if n == want && paper == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators of %s count %d answers (%d on paper), want %d on paper", unit, n, paper, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PaperResponses reads the stored paper responses, by serial (read them
// once the site is stopped: every acknowledged answer is then stored); a
// serial stored twice fails the test.
func PaperResponses(t testing.TB, db *mongo.Database) map[string]survey.Response {
	t.Helper()
	cur, err := db.Collection("responses").Find(context.Background(), bson.D{{Key: "channel", Value: survey.ChannelPaper}})
	if err != nil {
		t.Fatal(err)
	}
	var rs []survey.Response
	if err := cur.All(context.Background(), &rs); err != nil {
		t.Fatal(err)
	}
	out := map[string]survey.Response{}
	for _, r := range rs {
		if _, dup := out[r.Serial]; dup {
			t.Errorf("serial %s stored twice", r.Serial)
		}
		out[r.Serial] = r
	}
	return out
}
