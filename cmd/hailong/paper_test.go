package main

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

	"hailong/survey"
)

// serialChars is the alphabet of serials (Crockford base 32).
const serialChars = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

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

// createBatch prints a batch through the form and returns its serials.
func createBatch(t *testing.T, a *testApp, c *http.Client, csrf string, form url.Values) []string {
	t.Helper()
	form.Set("_csrf", csrf)
	res, err := c.PostForm(a.URL+"/paper/batches", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/paper/batches/") {
		t.Fatalf("create batch %v: %d → %q", form, res.StatusCode, loc)
	}
	doc := getDoc(t, c, a.URL+loc)
	var serials []string
	doc.Find("article.paper-form").Each(func(_ int, s *goquery.Selection) {
		serials = append(serials, s.AttrOr("data-serial", ""))
	})
	return serials
}

// fetchPage fetches u and returns the status and the parsed page.
func fetchPage(t *testing.T, c *http.Client, u string) (int, *goquery.Document) {
	t.Helper()
	res, body := get(t, c, u)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, doc
}

// keyForm posts one keying of serial and returns the status, the redirect
// and the page shown (for refusals).
func keyForm(t *testing.T, a *testApp, c *http.Client, csrf, serial string, answers url.Values) (int, string, *goquery.Document) {
	t.Helper()
	body := url.Values{"_csrf": {csrf}, "serial": {serial}}
	for k, v := range answers {
		body[k] = v
	}
	res, err := c.PostForm(a.URL+"/paper/entry", body)
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

// paperN returns today's answer count of unit, and how many came on paper.
func paperN(t *testing.T, a *testApp, unit string) (int64, int64) {
	t.Helper()
	var rep apiReport
	if code := getJSON(t, a.URL+"/api/v1/indicators?unit="+unit+"&from="+today()+"&to="+today(), &rep); code != http.StatusOK {
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

func alert(doc *goquery.Document) string { return strings.TrimSpace(doc.Find("#refusal").Text()) }

func TestPaperSerials(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	admin, csrf := adminClient(t, a)
	addUser(t, a, admin, csrf, "nhap-p1", "operator", "vt-p1")
	addUser(t, a, admin, csrf, "nhap-p7", "operator", "vt-p7")
	addUser(t, a, admin, csrf, "xem-p1", "viewer", "vt-p1")
	serials := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q1"}, "count": {"3"}})
	if len(serials) != 3 {
		t.Fatalf("batch of 3 prints %d forms", len(serials))
	}
	op, opCSRF := loginAs(t, a, "nhap-p1", "matkhau-nhap-p1")

	// Keyed once: stored, counted, on paper, with its operator and serial.
	if code, doc := fetchPage(t, op, a.URL+"/paper/entry?serial="+url.QueryEscape(strings.ToLower(serials[0]))); code != http.StatusOK ||
		doc.Find("#paper-entry fieldset.pq").Length() == 0 {
		t.Fatalf("open %s (typed in lower case): %d, %d questions", serials[0], code, doc.Find("#paper-entry fieldset.pq").Length())
	}
	code, loc, _ := keyForm(t, a, op, opCSRF, serials[0], validAnswers())
	if code != http.StatusSeeOther || !strings.Contains(loc, "state=saved") {
		t.Fatalf("key %s: %d → %q, want 303 to the saved message", serials[0], code, loc)
	}
	waitPaperN(t, a, "vt-p1", 1)

	// The same serial again: refused with the date it was entered, on
	// opening and on saving; nothing more is counted.
	wantDone := "Phiếu số " + serials[0] + " đã được nhập ngày " + time.Now().In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")
	code, doc := fetchPage(t, op, a.URL+"/paper/entry?serial="+serials[0])
	if code != http.StatusConflict || !strings.Contains(alert(doc), wantDone) {
		t.Errorf("open %s again: %d %q, want 409 %q", serials[0], code, alert(doc), wantDone)
	}
	code, _, doc = keyForm(t, a, op, opCSRF, serials[0], validAnswers())
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
		if code, _, _ := keyForm(t, a, op, opCSRF, typo, validAnswers()); code != http.StatusNotFound {
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
	op7, op7CSRF := loginAs(t, a, "nhap-p7", "matkhau-nhap-p7")
	code, doc = fetchPage(t, op7, a.URL+"/paper/entry?serial="+serials[1])
	if code != http.StatusForbidden || !strings.Contains(alert(doc), "ngoài phạm vi") {
		t.Errorf("operator of vt-p7 opens %s of vt-p1: %d %q, want 403 ngoài phạm vi", serials[1], code, alert(doc))
	}
	if code, _, _ := keyForm(t, a, op7, op7CSRF, serials[1], validAnswers()); code != http.StatusForbidden {
		t.Errorf("operator of vt-p7 keys %s: %d, want 403", serials[1], code)
	}
	viewer, _ := loginAs(t, a, "xem-p1", "matkhau-xem-p1")
	if res, _ := get(t, viewer, a.URL+"/paper/entry"); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer opens the entry screen: %d, want 403", res.StatusCode)
	}
	// Operators key; they neither print batches nor settle mismatches.
	for _, p := range []string{"/paper", "/paper/review"} {
		if res, _ := get(t, op, a.URL+p); res.StatusCode != http.StatusForbidden {
			t.Errorf("operator GET %s: %d, want 403", p, res.StatusCode)
		}
	}
	// A refused save keeps what was typed: a missing required answer.
	bad := validAnswers()
	bad.Del("overall")
	code, _, doc = keyForm(t, a, op, opCSRF, serials[1], bad)
	if code != http.StatusUnprocessableEntity || doc.Find(`#q-overall.bad`).Length() != 1 ||
		doc.Find(`input[name=a][value="4"][checked]`).Length() != 1 {
		t.Errorf("save without the overall answer: %d, want 422 with the question marked and the answers kept", code)
	}
	if n, paper := paperN(t, a, "vt-p1"); n != 1 || paper != 1 {
		t.Errorf("after refusals vt-p1 counts %d answers (%d paper), want 1", n, paper)
	}

	a.Stop(t)
	stored := paperResponses(t, dir)
	r, ok := stored[serials[0]]
	if len(stored) != 1 || !ok {
		t.Fatalf("stored paper responses %v, want only %s", stored, serials[0])
	}
	if r.Operator != "nhap-p1" || r.Desk != "p1-q1" || r.Unit != "vt-p1" || r.Channel != survey.ChannelPaper || r.Answers["overall"] != 5 ||
		r.Nonce != "paper:"+serials[0] {
		t.Errorf("stored %+v, want operator nhap-p1 at p1-q1, overall 5, nonce paper:%s", r, serials[0])
	}
}

func TestPaperDoubleKeying(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	admin, csrf := adminClient(t, a)
	for _, u := range []struct{ name, role string }{{"nhap-a", "operator"}, {"nhap-b", "operator"}, {"nhap-c", "operator"}, {"gs-p1", "unit_manager"}} {
		addUser(t, a, admin, csrf, u.name, u.role, "vt-p1")
	}
	// A unit-level batch (no desk), keyed twice.
	serials := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p1"}, "count": {"2"}, "double": {"1"}})
	if len(serials) != 2 {
		t.Fatalf("batch of 2 prints %d forms", len(serials))
	}
	opA, csrfA := loginAs(t, a, "nhap-a", "matkhau-nhap-a")
	opB, csrfB := loginAs(t, a, "nhap-b", "matkhau-nhap-b")
	opC, _ := loginAs(t, a, "nhap-c", "matkhau-nhap-c")
	sup, csrfS := loginAs(t, a, "gs-p1", "matkhau-gs-p1")
	if n, paper := paperN(t, a, "vt-p1"); n != 0 || paper != 0 {
		t.Fatalf("before keying vt-p1 counts %d answers", n)
	}

	// Form 1: both keyings equal → stored once.
	s1 := serials[0]
	if code, loc, _ := keyForm(t, a, opA, csrfA, s1, validAnswers()); code != http.StatusSeeOther || !strings.Contains(loc, "state=first") {
		t.Fatalf("first keying of %s: %d → %q", s1, code, loc)
	}
	code, doc := fetchPage(t, opA, a.URL+"/paper/entry?serial="+s1)
	if code != http.StatusConflict || !strings.Contains(alert(doc), "phải do người khác") {
		t.Errorf("same operator opens %s again: %d %q, want 409 phải do người khác", s1, code, alert(doc))
	}
	if code, _, _ := keyForm(t, a, opA, csrfA, s1, validAnswers()); code != http.StatusConflict {
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
	if n, _ := paperN(t, a, "vt-p1"); n != 0 {
		t.Errorf("after one keying of a double-keyed form vt-p1 counts %d answers, want 0", n)
	}
	if code, loc, _ := keyForm(t, a, opB, csrfB, s1, validAnswers()); code != http.StatusSeeOther || !strings.Contains(loc, "state=matched") {
		t.Fatalf("second keying of %s: %d → %q, want matched", s1, code, loc)
	}
	waitPaperN(t, a, "vt-p1", 1)

	// Form 2: one answer differs → held, not counted, listed, resolved.
	s2 := serials[1]
	if code, _, _ := keyForm(t, a, opA, csrfA, s2, validAnswers()); code != http.StatusSeeOther {
		t.Fatalf("first keying of %s: %d", s2, code)
	}
	second := validAnswers()
	second.Set("overall", "4")
	if code, loc, _ := keyForm(t, a, opB, csrfB, s2, second); code != http.StatusSeeOther || !strings.Contains(loc, "state=held") {
		t.Fatalf("differing second keying of %s: %d → %q, want held", s2, code, loc)
	}
	code, doc = fetchPage(t, opC, a.URL+"/paper/entry?serial="+s2)
	if code != http.StatusConflict || !strings.Contains(alert(doc), "chờ người giám sát") {
		t.Errorf("third operator opens held %s: %d %q, want 409 chờ người giám sát", s2, code, alert(doc))
	}
	time.Sleep(1200 * time.Millisecond)
	if n, paper := paperN(t, a, "vt-p1"); n != 1 || paper != 1 {
		t.Errorf("with %s held vt-p1 counts %d answers, want 1", s2, n)
	}
	doc = getDoc(t, sup, a.URL+"/paper/review")
	if got := doc.Find("table.held tr[data-serial]").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("data-serial", "") }); len(got) != 1 || got[0] != s2 {
		t.Fatalf("supervisor's list %v, want [%s]", got, s2)
	}
	doc = getDoc(t, sup, a.URL+"/paper/review/"+s2)
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
	waitPaperN(t, a, "vt-p1", 2)
	res, err = sup.PostForm(a.URL+"/paper/review/"+s2, url.Values{"_csrf": {csrfS}, "overall": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Errorf("resolve %s again: %d, want 409", s2, res.StatusCode)
	}
	if n := getDoc(t, sup, a.URL+"/paper/review").Find("table.held tr[data-serial]").Length(); n != 0 {
		t.Errorf("after resolving, the supervisor's list holds %d forms", n)
	}
	if code, doc := fetchPage(t, opC, a.URL+"/paper/entry?serial="+s2); code != http.StatusConflict || !strings.Contains(alert(doc), "đã được nhập ngày") {
		t.Errorf("open resolved %s: %d %q", s2, code, alert(doc))
	}
	time.Sleep(1200 * time.Millisecond)
	if n, paper := paperN(t, a, "vt-p1"); n != 2 || paper != 2 {
		t.Errorf("vt-p1 counts %d answers (%d paper), want 2", n, paper)
	}

	// Answers of a unit-level batch (no desk) show on the dashboard and in
	// the month's exports like any other.
	month := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01")
	for _, p := range []string{"/", "/?channel=paper&unit=vt-p1", "/exports/" + month + ".xlsx", "/exports/" + month + ".csv?table=desks"} {
		if res, _ := get(t, admin, a.URL+p); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s with desk-less paper answers: %d, want 200", p, res.StatusCode)
		}
	}

	a.Stop(t)
	stored := paperResponses(t, dir)
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
	db := openDataDir(t, dir)
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

func TestPaperBatchPrint(t *testing.T) {
	a := startApp(t, t.TempDir(), nil)
	admin, csrf := adminClient(t, a)
	in, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	counter, _ := in.Latest("counter")
	var deskURL string
	for _, d := range apiDesks(t, a) {
		if d.ID == "p1-q1" {
			deskURL = d.SurveyURL
		}
	}

	serials := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q1"}, "count": {"5"}})
	if len(serials) != 5 {
		t.Fatalf("batch of 5 prints %d forms", len(serials))
	}
	batch := serials[0][:4]
	doc := getDoc(t, admin, a.URL+"/paper/batches/"+batch)
	seen := map[string]bool{}
	doc.Find("article.paper-form").Each(func(i int, f *goquery.Selection) {
		s := f.AttrOr("data-serial", "")
		seen[s] = true
		if got := strings.TrimSpace(f.Find(".pf-serial").Text()); got != s {
			t.Errorf("form %d prints serial %q, want %q", i+1, got, s)
		}
		if f.Find(".pf-unit").Text() != "UBND Phường 1" || f.Find(".pf-desk").Text() != "Quầy 1 – Hộ tịch" {
			t.Errorf("form %s pre-prints %q / %q", s, f.Find(".pf-unit").Text(), f.Find(".pf-desk").Text())
		}
		if f.Find(".pf-country").Text() != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" {
			t.Errorf("form %s has no national header", s)
		}
		if src := f.Find("img.pf-qr-serial").AttrOr("src", ""); src != "/paper/qr/"+s+".svg" {
			t.Errorf("form %s: serial QR %q", s, src)
		}
		items := f.Find("li.pf-item")
		if items.Length() != len(counter.Items) {
			t.Errorf("form %s has %d questions, want %d", s, items.Length(), len(counter.Items))
		}
		items.Each(func(j int, q *goquery.Selection) {
			it := counter.Items[j]
			if !strings.Contains(q.Find(".pf-q").Text(), it.Text.VI) {
				t.Errorf("form %s question %d reads %q, want the exact text %q", s, j+1, q.Find(".pf-q").Text(), it.Text.VI)
			}
			want := len(it.Choices())
			if it.NA {
				want++
			}
			if it.Type == survey.TypeText {
				want = 0
			}
			if n := q.Find(".pf-box").Length(); n != want {
				t.Errorf("form %s question %s has %d boxes, want %d", s, it.Code, n, want)
			}
		})
		// The codes beside the boxes are the keys of the entry screen.
		if got := f.Find(`li.pf-item[data-item=a] .pf-code`).Map(func(_ int, c *goquery.Selection) string { return c.Text() }); strings.Join(got, "") != "123450" {
			t.Errorf("form %s codes of item a: %v, want 1–5 and 0 for không áp dụng", s, got)
		}
	})
	for _, s := range serials {
		if !seen[s] || len(seen) != 5 {
			t.Errorf("print view is missing serial %s (has %v)", s, seen)
		}
	}
	if n := doc.Find(`head link[href*="/static/print."]`).Length(); n != 1 {
		t.Errorf("print view loads print.css %d times, want 1", n)
	}
	cssURL := doc.Find(`head link[href*="/static/print."]`).AttrOr("href", "")
	_, css := get(t, admin, a.URL+cssURL)
	for _, want := range []string{"@page { size: A4", ".paper-form + .paper-form { break-before: page }"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("print.css lacks %q", want)
		}
	}

	// A part of the batch, and ranges outside it.
	part := getDoc(t, admin, a.URL+"/paper/batches/"+batch+"?from=2&to=3")
	if got := part.Find("article.paper-form").Map(func(_ int, f *goquery.Selection) string { return f.AttrOr("data-serial", "") }); len(got) != 2 || got[0] != serials[1] || got[1] != serials[2] {
		t.Errorf("forms 2–3 of the batch: %v, want %v", got, serials[1:3])
	}
	for _, q := range []string{"?from=0", "?to=6", "?from=4&to=2", "?from=hai"} {
		if res, _ := get(t, admin, a.URL+"/paper/batches/"+batch+q); res.StatusCode != http.StatusBadRequest {
			t.Errorf("print %s: %d, want 400", q, res.StatusCode)
		}
	}

	// The QR codes decode: the serial, and the desk's online survey.
	online := doc.Find("img.pf-qr-online").First().AttrOr("src", "")
	_, img := get(t, admin, a.URL+strings.TrimSuffix(online, ".svg")+".png")
	if got := zbarDecode(t, img); got != deskURL {
		t.Errorf("online QR decodes to %q, want the desk's survey URL %q", got, deskURL)
	}
	_, img = get(t, admin, a.URL+"/paper/qr/"+serials[2]+".png")
	if got := zbarDecode(t, img); got != serials[2] {
		t.Errorf("serial QR decodes to %q, want %q", got, serials[2])
	}
	// A unit-level batch points at the unit's portal survey.
	unitLevel := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p7"}, "count": {"1"}})
	_, img = get(t, admin, a.URL+"/paper/batches/"+unitLevel[0][:4]+"/online.png")
	if got := zbarDecode(t, img); got != a.URL+"/p/vt-p7" {
		t.Errorf("unit-level online QR decodes to %q, want %s/p/vt-p7", got, a.URL)
	}

	// A big batch is offered in print runs of 100.
	big := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p7"}, "count": {"150"}})
	runs := getDoc(t, admin, a.URL+"/paper/batches/"+big[0][:4]).Find(".toolbar .parts a").Map(func(_ int, l *goquery.Selection) string { return l.AttrOr("href", "") })
	if len(big) != 150 || len(runs) != 3 || !strings.HasSuffix(runs[1], "?from=101&to=150") {
		t.Errorf("batch of %d forms offers print runs %v, want 1–100, 101–150 and all", len(big), runs)
	}

	// The batch list, and what a batch form refuses.
	list := getDoc(t, admin, a.URL+"/paper")
	if n := list.Find("table.batches tr[data-batch]").Length(); n != 3 {
		t.Errorf("batch list has %d rows, want 3", n)
	}
	for _, bad := range []url.Values{
		{"unit": {"vt-p1"}, "count": {"0"}},
		{"unit": {"vt-p1"}, "count": {"1001"}},
		{"unit": {"vt-p1"}, "count": {"mười"}},
		{"unit": {"khong-co"}, "count": {"5"}},
		{"unit": {"vt-p1"}, "desk": {"p7-q1"}, "count": {"5"}},
		{"unit": {"vt-p1"}, "instrument": {"khong-co"}, "count": {"5"}},
	} {
		bad.Set("_csrf", csrf)
		res, err := admin.PostForm(a.URL+"/paper/batches", bad)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(".alert").Length() == 0 {
			t.Errorf("create batch %v: %d, want 422 with a message", bad, res.StatusCode)
		}
	}
	// A unit manager prints for their own unit only and sees only its batches.
	addUser(t, a, admin, csrf, "ql-p7", "unit_manager", "vt-p7")
	mgr, mgrCSRF := loginAs(t, a, "ql-p7", "matkhau-ql-p7")
	if res, _ := get(t, mgr, a.URL+"/paper/batches/"+batch); res.StatusCode != http.StatusNotFound {
		t.Errorf("manager of vt-p7 opens a vt-p1 batch: %d, want 404", res.StatusCode)
	}
	res, err := mgr.PostForm(a.URL+"/paper/batches", url.Values{"_csrf": {mgrCSRF}, "unit": {"vt-p1"}, "count": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("manager of vt-p7 prints for vt-p1: %d, want 422", res.StatusCode)
	}
	if n := getDoc(t, mgr, a.URL+"/paper").Find("table.batches tr[data-batch]").Length(); n != 2 {
		t.Errorf("manager of vt-p7 lists %d batches, want 2", n)
	}
}

// TestPaperEnteredOnceUnderRace: ten saves of one form at the same moment
// store it once (the unique nonce "paper:"+serial decides), and three
// operators keying one double-keyed form at once give one first keying,
// one second, and a kept-aside third; every keying is kept.
func TestPaperEnteredOnceUnderRace(t *testing.T) {
	dir := t.TempDir()
	a := startApp(t, dir, nil)
	admin, csrf := adminClient(t, a)
	single := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p1"}, "desk": {"p1-q2"}, "count": {"1"}})
	double := createBatch(t, a, admin, csrf, url.Values{"unit": {"vt-p1"}, "count": {"1"}, "double": {"1"}})
	type op struct {
		c    *http.Client
		csrf string
	}
	var ops []op
	for _, name := range []string{"nhap-1", "nhap-2", "nhap-3"} {
		addUser(t, a, admin, csrf, name, "operator", "vt-p1")
		c, tok := loginAs(t, a, name, "matkhau-"+name)
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
				for k, v := range validAnswers() {
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
	waitPaperN(t, a, "vt-p1", 2)

	a.Stop(t)
	stored := paperResponses(t, dir)
	if len(stored) != 2 {
		t.Errorf("%d paper responses stored, want 2", len(stored))
	}
	if r := stored[double[0]]; r.Operator == "" || r.SecondOperator == "" || r.Operator == r.SecondOperator {
		t.Errorf("double-keyed %s stored with operators %q and %q, want two different ones", double[0], r.Operator, r.SecondOperator)
	}
	db := openDataDir(t, dir)
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
