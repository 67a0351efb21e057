package paper_test

// Double keying (issue 9 item 3): two operators key a form blind; equal
// keyings are stored once, a mismatch waits for a supervisor.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
)

func TestPaperDoubleKeying(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	for _, u := range []struct{ name, role string }{{"nhap-a", "operator"}, {"nhap-b", "operator"}, {"nhap-c", "operator"}, {"gs-p1", "unit_manager"}} {
		a.AddUser(t, u.name, u.role, "vt-p1")
	}
	// A unit-level batch (no desk), keyed twice.
	serials := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "count": {"2"}, "double": {"1"}})
	if len(serials) != 2 {
		t.Fatalf("batch of 2 prints %d forms", len(serials))
	}
	opA, csrfA := apptest.LoginAs(t, a.URL, "nhap-a", "matkhau-nhap-a")
	opB, csrfB := apptest.LoginAs(t, a.URL, "nhap-b", "matkhau-nhap-b")
	opC, _ := apptest.LoginAs(t, a.URL, "nhap-c", "matkhau-nhap-c")
	sup, csrfS := apptest.LoginAs(t, a.URL, "gs-p1", "matkhau-gs-p1")
	if n, paper := apptest.PaperN(t, a.URL, "vt-p1"); n != 0 || paper != 0 {
		t.Fatalf("before keying vt-p1 counts %d answers", n)
	}

	// Form 1: both keyings equal → stored once.
	s1 := serials[0]
	if code, loc, _ := keyForm(t, a.URL, opA, csrfA, s1, apptest.ValidAnswers()); code != http.StatusSeeOther || !strings.Contains(loc, "state=first") {
		t.Fatalf("first keying of %s: %d → %q", s1, code, loc)
	}
	code, doc := fetchPage(t, opA, a.URL+"/paper/entry?serial="+s1)
	if code != http.StatusConflict || !strings.Contains(alert(doc), "phải do người khác") {
		t.Errorf("same operator opens %s again: %d %q, want 409 phải do người khác", s1, code, alert(doc))
	}
	if code, _, _ := keyForm(t, a.URL, opA, csrfA, s1, apptest.ValidAnswers()); code != http.StatusConflict {
		t.Errorf("same operator keys %s twice: %d, want 409", s1, code)
	}
	// The second operator keys blind: nothing of the first keying shows.
	code, doc = fetchPage(t, opB, a.URL+"/paper/entry?serial="+s1)
	if code != http.StatusOK || doc.Find("#paper-entry fieldset.pq").Length() == 0 {
		t.Fatalf("second operator opens %s: %d", s1, code)
	}
	if n := doc.Find("#paper-entry input[checked]").Length(); n != 0 || strings.TrimSpace(doc.Find("#paper-entry textarea").Text()) != "" {
		t.Errorf("second keying screen shows %d answers of the first keying, want none", n)
	}
	time.Sleep(1200 * time.Millisecond) // a flush: the held keying must not count
	if n, _ := apptest.PaperN(t, a.URL, "vt-p1"); n != 0 {
		t.Errorf("after one keying of a double-keyed form vt-p1 counts %d answers, want 0", n)
	}
	if code, loc, _ := keyForm(t, a.URL, opB, csrfB, s1, apptest.ValidAnswers()); code != http.StatusSeeOther || !strings.Contains(loc, "state=matched") {
		t.Fatalf("second keying of %s: %d → %q, want matched", s1, code, loc)
	}
	apptest.WaitPaperN(t, a.URL, "vt-p1", 1)

	// Form 2: one answer differs → held, not counted, listed, resolved.
	s2 := serials[1]
	if code, _, _ := keyForm(t, a.URL, opA, csrfA, s2, apptest.ValidAnswers()); code != http.StatusSeeOther {
		t.Fatalf("first keying of %s: %d", s2, code)
	}
	second := apptest.ValidAnswers()
	second.Set("overall", "4")
	if code, loc, _ := keyForm(t, a.URL, opB, csrfB, s2, second); code != http.StatusSeeOther || !strings.Contains(loc, "state=held") {
		t.Fatalf("differing second keying of %s: %d → %q, want held", s2, code, loc)
	}
	code, doc = fetchPage(t, opC, a.URL+"/paper/entry?serial="+s2)
	if code != http.StatusConflict || !strings.Contains(alert(doc), "chờ người giám sát") {
		t.Errorf("third operator opens held %s: %d %q, want 409 chờ người giám sát", s2, code, alert(doc))
	}
	time.Sleep(1200 * time.Millisecond)
	if n, paper := apptest.PaperN(t, a.URL, "vt-p1"); n != 1 || paper != 1 {
		t.Errorf("with %s held vt-p1 counts %d answers, want 1", s2, n)
	}
	doc = apptest.HTMLPage(t, sup, a.URL+"/paper/review")
	if got := doc.Find("table.held tr[data-serial]").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-serial", "") }); len(got) != 1 || got[0] != s2 {
		t.Fatalf("supervisor's list %v, want [%s]", got, s2)
	}
	doc = apptest.HTMLPage(t, sup, a.URL+"/paper/review/"+s2)
	diff := doc.Find("table.side-by-side tr.diff")
	if diff.Length() != 1 || diff.AttrOr("data-item", "") != "overall" {
		t.Fatalf("side by side: %d differing rows (%q), want only overall", diff.Length(), diff.AttrOr("data-item", ""))
	}
	if k1, k2 := strings.TrimSpace(diff.Find("td.k1").Text()), strings.TrimSpace(diff.Find("td.k2").Text()); !strings.HasPrefix(k1, "5") || !strings.HasPrefix(k2, "4") {
		t.Errorf("overall side by side: %q vs %q, want 5 … vs 4 …", k1, k2)
	}
	if !strings.Contains(diff.Find("th").Text(), "Nhìn chung, Ông/Bà hài lòng") {
		t.Errorf("differing row names %q, want the question text", diff.Find("th").Text())
	}
	if n := doc.Find("table.side-by-side tr.same").Length(); n != 9 {
		t.Errorf("%d agreeing rows, want 9", n)
	}
	// An operator cannot settle it; a supervisor without a pick is asked again.
	res, err := opA.PostForm(a.URL+"/paper/review/"+s2, url.Values{"_csrf": {csrfA}, "overall": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("operator resolves: %d, want 403", res.StatusCode)
	}
	res, err = sup.PostForm(a.URL+"/paper/review/"+s2, url.Values{"_csrf": {csrfS}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("resolve without a pick: %d, want 422", res.StatusCode)
	}
	res, err = sup.PostForm(a.URL+"/paper/review/"+s2, url.Values{"_csrf": {csrfS}, "overall": {"4"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/paper/review?resolved=") {
		t.Fatalf("resolve %s: %d → %q", s2, res.StatusCode, res.Header.Get("Location"))
	}
	apptest.WaitPaperN(t, a.URL, "vt-p1", 2)
	res, err = sup.PostForm(a.URL+"/paper/review/"+s2, url.Values{"_csrf": {csrfS}, "overall": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Errorf("resolve %s again: %d, want 409", s2, res.StatusCode)
	}
	if n := apptest.HTMLPage(t, sup, a.URL+"/paper/review").Find("table.held tr[data-serial]").Length(); n != 0 {
		t.Errorf("after resolving, the supervisor's list holds %d forms", n)
	}
	if code, doc := fetchPage(t, opC, a.URL+"/paper/entry?serial="+s2); code != http.StatusConflict || !strings.Contains(alert(doc), "đã được nhập ngày") {
		t.Errorf("open resolved %s: %d %q", s2, code, alert(doc))
	}
	time.Sleep(1200 * time.Millisecond)
	if n, paper := apptest.PaperN(t, a.URL, "vt-p1"); n != 2 || paper != 2 {
		t.Errorf("vt-p1 counts %d answers (%d paper), want 2", n, paper)
	}

	// Answers of a unit-level batch (no desk) show on the dashboard and in
	// the month's exports like any other.
	month := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01")
	for _, p := range []string{"/", "/?channel=paper&unit=vt-p1", "/exports/" + month + ".xlsx", "/exports/" + month + ".csv?table=desks"} {
		if res, _ := apptest.Get(t, admin, a.URL+p); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s with desk-less paper answers: %d, want 200", p, res.StatusCode)
		}
	}

	a.Stop()
	stored := apptest.PaperResponses(t, a.DB)
	if len(stored) != 2 {
		t.Fatalf("%d paper responses stored, want 2", len(stored))
	}
	if r := stored[s1]; r.Operator != "nhap-a" || r.SecondOperator != "nhap-b" || r.ResolvedBy != "" || r.Desk != "" || r.Answers["overall"] != 5 {
		t.Errorf("matched %s stored as %+v", s1, r)
	}
	if r := stored[s2]; r.Operator != "nhap-a" || r.SecondOperator != "nhap-b" || r.ResolvedBy != "gs-p1" || r.Answers["overall"] != 4 || r.Answers["a"] != 4 {
		t.Errorf("resolved %s stored as %+v", s2, r)
	}
	// Every keying is kept, and the resolution is audited.
	db := a.DB
	ctx := context.Background()
	for _, s := range serials {
		if n, _ := db.Collection("paper_serials").CountDocuments(ctx, bson.D{{Key: "_id", Value: s}}); n != 1 {
			t.Errorf("serial %s registered %d times, want once", s, n)
		}
	}
	if n, _ := db.Collection("paper_entries").CountDocuments(ctx, bson.D{}); n != 6 {
		t.Errorf("%d keyings kept, want 6 (two per form, the resolution, and nhap-a's refused second try kept aside)", n)
	}
	var audit struct {
		User   string         `bson:"user"`
		Before map[string]any `bson:"before"`
		After  map[string]any `bson:"after"`
	}
	if err := db.Collection("audit").FindOne(ctx, bson.D{{Key: "action", Value: "paper.resolve"}, {Key: "target", Value: "paper:" + s2}}).Decode(&audit); err != nil {
		t.Fatalf("resolution not audited: %v", err)
	}
	if audit.User != "gs-p1" || audit.Before["overall"] == nil || audit.After["overall"] == nil {
		t.Errorf("resolution audit %+v, want gs-p1 with overall before and after", audit)
	}
}

// TestPaperKeyerCannotResolve: a supervisor who keyed one of the two
// differing keyings does not settle them; another supervisor does.
func TestPaperKeyerCannotResolve(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	a.AddUser(t, "gs-p1", "unit_manager", "vt-p1")
	a.AddUser(t, "nhap-b", "operator", "vt-p1")
	s := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "count": {"1"}, "double": {"1"}})[0]
	sup, csrfS := apptest.LoginAs(t, a.URL, "gs-p1", "matkhau-gs-p1")
	opB, csrfB := apptest.LoginAs(t, a.URL, "nhap-b", "matkhau-nhap-b")
	if code, _, _ := keyForm(t, a.URL, sup, csrfS, s, apptest.ValidAnswers()); code != http.StatusSeeOther {
		t.Fatalf("supervisor keys %s: %d", s, code)
	}
	second := apptest.ValidAnswers()
	second.Set("overall", "4")
	if code, loc, _ := keyForm(t, a.URL, opB, csrfB, s, second); code != http.StatusSeeOther || !strings.Contains(loc, "state=held") {
		t.Fatalf("differing second keying: %d → %q, want held", code, loc)
	}
	res, err := sup.PostForm(a.URL+"/paper/review/"+s, url.Values{"_csrf": {csrfS}, "overall": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusConflict || !strings.Contains(string(body), "người giám sát khác") {
		t.Errorf("the keyer resolves: %d, want 409 naming another supervisor", res.StatusCode)
	}
	res, err = admin.PostForm(a.URL+"/paper/review/"+s, url.Values{"_csrf": {csrf}, "overall": {"4"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("another supervisor resolves: %d, want 303", res.StatusCode)
	}
	apptest.WaitPaperN(t, a.URL, "vt-p1", 1)
}
