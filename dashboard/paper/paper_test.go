package paper_test

// Printed forms and their keying (issue 9 items 2 and 3): serials are
// registered in batches, each form is stored once, a typo in a serial is
// refused, double keying holds a mismatch for a supervisor, and the print
// view carries the serials, the questions and decodable QR codes.

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app/apptest"
	"hailong/survey"
)

// serialChars is the alphabet of serials (Crockford base 32).
const serialChars = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// fetchPage fetches u and returns the status and the parsed page.
func fetchPage(t *testing.T, c *http.Client, u string) (int, *goquery.Document) {
	t.Helper()
	res, body := apptest.Get(t, c, u)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, doc
}

// keyForm posts one keying of serial and returns the status, the redirect
// and the page shown (for refusals).
func keyForm(t *testing.T, base string, c *http.Client, csrf, serial string, answers url.Values) (int, string, *goquery.Document) {
	t.Helper()
	body := url.Values{"_csrf": {csrf}, "serial": {serial}}
	for k, v := range answers {
		body[k] = v
	}
	res, err := c.PostForm(base+"/paper/entry", body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Location"), doc
}

func alert(doc *goquery.Document) string { return strings.TrimSpace(doc.Find("#refusal").Text()) }

func TestPaperSerials(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	a.AddUser(t, "nhap-p1", "operator", "vt-p1")
	a.AddUser(t, "nhap-p7", "operator", "vt-p7")
	a.AddUser(t, "xem-p1", "viewer", "vt-p1")
	serials := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q1"}, "count": {"3"}})
	if len(serials) != 3 {
		t.Fatalf("batch of 3 prints %d forms", len(serials))
	}
	op, opCSRF := apptest.LoginAs(t, a.URL, "nhap-p1", "matkhau-nhap-p1")

	// Keyed once: stored, counted, on paper, with its operator and serial.
	if code, doc := fetchPage(t, op, a.URL+"/paper/entry?serial="+url.QueryEscape(strings.ToLower(serials[0]))); code != http.StatusOK ||
		doc.Find("#paper-entry fieldset.pq").Length() == 0 {
		t.Fatalf("open %s (typed in lower case): %d, %d questions", serials[0], code, doc.Find("#paper-entry fieldset.pq").Length())
	}
	code, loc, _ := keyForm(t, a.URL, op, opCSRF, serials[0], apptest.ValidAnswers())
	if code != http.StatusSeeOther || !strings.Contains(loc, "state=saved") {
		t.Fatalf("key %s: %d → %q, want 303 to the saved message", serials[0], code, loc)
	}
	apptest.WaitPaperN(t, a.URL, "vt-p1", 1)
	today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
	raw, _ := apptest.Download(t, admin, a.URL+"/exports/raw.csv?from="+today+"&to="+today)
	if recs := apptest.ReadCSV(t, raw); len(recs) != 2 || recs[0][4] != "channel" || recs[0][10] != "serial" ||
		recs[1][4] != "paper" || recs[1][10] != serials[0] {
		t.Errorf("raw.csv does not show the paper answer with its serial: %v", recs)
	}

	// The same serial again: refused with the date it was entered, on
	// opening and on saving; nothing more is counted.
	wantDone := "Phiếu số " + serials[0] + " đã được nhập ngày " + time.Now().In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")
	code, doc := fetchPage(t, op, a.URL+"/paper/entry?serial="+serials[0])
	if code != http.StatusConflict || !strings.Contains(alert(doc), wantDone) {
		t.Errorf("open %s again: %d %q, want 409 %q", serials[0], code, alert(doc), wantDone)
	}
	code, _, doc = keyForm(t, a.URL, op, opCSRF, serials[0], apptest.ValidAnswers())
	if code != http.StatusConflict || !strings.Contains(alert(doc), wantDone) {
		t.Errorf("key %s again: %d %q, want 409 %q", serials[0], code, alert(doc), wantDone)
	}

	// A mistyped check character, or a typo anywhere, is an unknown form.
	s := serials[1]
	last := s[len(s)-1:]
	other := "A"
	if last == "A" {
		other = "B"
	}
	for _, typo := range []string{s[:len(s)-1] + other, s[:5] + "9" + s[6:], s[:6] + s[7:8] + s[6:7] + s[8:]} {
		if typo == s {
			continue
		}
		code, doc := fetchPage(t, op, a.URL+"/paper/entry?serial="+url.QueryEscape(typo))
		if code != http.StatusNotFound || !strings.Contains(alert(doc), "Không tìm thấy phiếu số") || !strings.Contains(alert(doc), "kiểm tra") {
			t.Errorf("typo %s of %s: %d %q, want 404 Không tìm thấy … ký tự kiểm tra", typo, s, code, alert(doc))
		}
		if code, _, _ := keyForm(t, a.URL, op, opCSRF, typo, apptest.ValidAnswers()); code != http.StatusNotFound {
			t.Errorf("key typo %s: %d, want 404", typo, code)
		}
	}
	// Form 0004 of a batch of three is well formed but was never printed:
	// of the 32 check characters, exactly one passes the check, and that
	// serial is refused as unknown.
	body := s[:5] + "0004-"
	unknown := 0
	for _, ch := range serialChars {
		typed := body + string(ch)
		code, doc := fetchPage(t, op, a.URL+"/paper/entry?serial="+typed)
		msg := alert(doc)
		switch {
		case code != http.StatusNotFound:
			t.Errorf("unprinted %s: %d, want 404", typed, code)
		case msg == "Không tìm thấy phiếu số "+typed+".":
			unknown++
		case !strings.Contains(msg, "ký tự kiểm tra"):
			t.Errorf("unprinted %s: %q", typed, msg)
		}
	}
	if unknown != 1 {
		t.Errorf("%d of 32 check characters of %s… pass as an unknown form, want exactly 1", unknown, body)
	}

	// Another unit's operator is refused; a viewer cannot key at all.
	op7, op7CSRF := apptest.LoginAs(t, a.URL, "nhap-p7", "matkhau-nhap-p7")
	code, doc = fetchPage(t, op7, a.URL+"/paper/entry?serial="+serials[1])
	if code != http.StatusNotFound || !strings.Contains(alert(doc), "Không tìm thấy phiếu số") {
		t.Errorf("operator of vt-p7 opens %s of vt-p1: %d %q, want 404 as an unknown form", serials[1], code, alert(doc))
	}
	if code, _, _ := keyForm(t, a.URL, op7, op7CSRF, serials[1], apptest.ValidAnswers()); code != http.StatusNotFound {
		t.Errorf("operator of vt-p7 keys %s: %d, want 404", serials[1], code)
	}
	viewer, _ := apptest.LoginAs(t, a.URL, "xem-p1", "matkhau-xem-p1")
	if res, _ := apptest.Get(t, viewer, a.URL+"/paper/entry"); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer opens the entry screen: %d, want 403", res.StatusCode)
	}
	// Operators key; they neither print batches nor settle mismatches.
	for _, p := range []string{"/paper", "/paper/review"} {
		if res, _ := apptest.Get(t, op, a.URL+p); res.StatusCode != http.StatusForbidden {
			t.Errorf("operator GET %s: %d, want 403", p, res.StatusCode)
		}
	}
	// Nobody is shown a tab that would answer 403.
	for _, tc := range []struct {
		who    *http.Client
		page   string
		absent []string
	}{
		{op, "/paper/entry", []string{"/paper", "/paper/review"}},
		{viewer, "/", []string{"/paper/entry"}},
	} {
		_, doc := fetchPage(t, tc.who, a.URL+tc.page)
		for _, href := range tc.absent {
			if doc.Find(`nav.tabs a[href="`+href+`"]`).Length() != 0 {
				t.Errorf("%s shows a tab to %s, which this official may not open", tc.page, href)
			}
		}
	}
	if _, doc := fetchPage(t, admin, a.URL+"/paper/entry"); doc.Find(`nav.tabs a[href="/paper/review"]`).Length() != 1 {
		t.Error("the admin's paper tabs miss the review page")
	}
	// A refused save keeps what was typed: a missing required answer.
	bad := apptest.ValidAnswers()
	bad.Del("overall")
	code, _, doc = keyForm(t, a.URL, op, opCSRF, serials[1], bad)
	if code != http.StatusUnprocessableEntity || doc.Find(`#q-overall.bad`).Length() != 1 ||
		doc.Find(`input[name=a][value="4"][checked]`).Length() != 1 {
		t.Errorf("save without the overall answer: %d, want 422 with the question marked and the answers kept", code)
	}
	if n, paper := apptest.PaperN(t, a.URL, "vt-p1"); n != 1 || paper != 1 {
		t.Errorf("after refusals vt-p1 counts %d answers (%d paper), want 1", n, paper)
	}

	a.Stop()
	stored := apptest.PaperResponses(t, a.DB)
	r, ok := stored[serials[0]]
	if len(stored) != 1 || !ok {
		t.Fatalf("stored paper responses %v, want only %s", stored, serials[0])
	}
	if r.Operator != "nhap-p1" || r.Desk != "p1-q1" || r.Unit != "vt-p1" || r.Channel != survey.ChannelPaper || r.Answers["overall"] != 5 ||
		r.Nonce != "paper:"+serials[0] {
		t.Errorf("stored %+v, want operator nhap-p1 at p1-q1, overall 5, nonce paper:%s", r, serials[0])
	}
}

// TestPaperEnteredOnceUnderRace: ten saves of one form at the same moment
// store it once (the unique nonce "paper:"+serial decides), and three
// operators keying one double-keyed form at once give one first keying,
// one second, and a kept-aside third; every keying is kept.
func TestPaperEnteredOnceUnderRace(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	admin, csrf := apptest.Admin(t, a.URL)
	single := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q2"}, "count": {"1"}})
	double := apptest.CreateBatch(t, a.URL, admin, csrf, url.Values{"unit": {"vt-p1"}, "count": {"1"}, "double": {"1"}})
	type op struct {
		c    *http.Client
		csrf string
	}
	var ops []op
	for _, name := range []string{"nhap-1", "nhap-2", "nhap-3"} {
		a.AddUser(t, name, "operator", "vt-p1")
		c, tok := apptest.LoginAs(t, a.URL, name, "matkhau-"+name)
		ops = append(ops, op{c, tok})
	}
	race := func(serial string, n int) map[int]int {
		codes := make(chan int, n)
		startGun := make(chan struct{})
		for i := range n {
			o := ops[i%len(ops)]
			go func() {
				<-startGun
				body := url.Values{"_csrf": {o.csrf}, "serial": {serial}}
				for k, v := range apptest.ValidAnswers() {
					body[k] = v
				}
				res, err := o.c.PostForm(a.URL+"/paper/entry", body)
				if err != nil {
					codes <- 0
					return
				}
				res.Body.Close()
				codes <- res.StatusCode
			}()
		}
		close(startGun)
		got := map[int]int{}
		for range n {
			got[<-codes]++
		}
		return got
	}
	if got := race(single[0], 10); got[http.StatusSeeOther] != 1 || got[http.StatusConflict] != 9 {
		t.Errorf("10 saves of single-keyed %s at once: %v, want one 303 and nine 409", single[0], got)
	}
	if got := race(double[0], 3); got[http.StatusSeeOther] != 2 || got[http.StatusConflict] != 1 {
		t.Errorf("3 operators keying double-keyed %s at once: %v, want two 303 (first and second keying) and one 409", double[0], got)
	}
	apptest.WaitPaperN(t, a.URL, "vt-p1", 2)

	a.Stop()
	stored := apptest.PaperResponses(t, a.DB)
	if len(stored) != 2 {
		t.Errorf("%d paper responses stored, want 2", len(stored))
	}
	if r := stored[double[0]]; r.Operator == "" || r.SecondOperator == "" || r.Operator == r.SecondOperator {
		t.Errorf("double-keyed %s stored with operators %q and %q, want two different ones", double[0], r.Operator, r.SecondOperator)
	}
	db := a.DB
	ctx := context.Background()
	// Nothing typed is lost: the nine refused saves are kept aside (the
	// tenth is the response), and all three keyings of the double form.
	for serial, want := range map[string]int64{single[0]: 9, double[0]: 3} {
		n, err := db.Collection("paper_entries").CountDocuments(ctx, bson.D{{Key: "serial", Value: serial}})
		if err != nil || n != want {
			t.Errorf("%d keyings of %s kept (%v), want %d", n, serial, err, want)
		}
	}
}
