package main

// Helpers of the desks, poster and paper tests that cmd tests still use
// (those tests moved to dashboard/desks and dashboard/paper, on apptest).

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

// sessionCookie returns the session cookie the client holds for the app.
func sessionCookie(t *testing.T, c *http.Client, a *testApp) *http.Cookie {
	t.Helper()
	u, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hl_session" {
			return ck
		}
	}
	t.Fatal("the signed-in client holds no hl_session cookie")
	return nil
}

// addUser creates an account through the admin's users page.
func addUser(t *testing.T, a *testApp, admin *http.Client, csrf, name, role, unit string) {
	t.Helper()
	res, err := admin.PostForm(a.URL+"/users", url.Values{"_csrf": {csrf}, "username": {name}, "name": {"Cán bộ " + name},
		"role": {role}, "unit": {unit}, "password": {"matkhau-" + name}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("add user %s (%s): %d", name, role, res.StatusCode)
	}
}

// paperN returns today's answer count of unit, and how many came on paper.
func paperN(t *testing.T, a *testApp, unit string) (int64, int64) {
	t.Helper()
	var rep apptest.Report
	if code := apptest.GetJSON(t, a.URL+"/api/v1/indicators?unit="+unit+"&from="+today()+"&to="+today(), &rep); code != http.StatusOK {
		t.Fatalf("indicators: %d", code)
	}
	return rep.N, rep.Channels[survey.ChannelPaper]
}

// waitPaperN waits until the indicators of unit count want paper answers.
func waitPaperN(t *testing.T, a *testApp, unit string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, paper := paperN(t, a, unit)
		if n == want && paper == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("indicators of %s count %d answers (%d on paper), want %d on paper", unit, n, paper, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// paperResponses reads the stored paper responses of a stopped app, by serial.
func paperResponses(t *testing.T, dir string) map[string]survey.Response {
	t.Helper()
	db := openDataDir(t, dir)
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
