package plan_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hailong/internal/app/apptest"
)

// TestPlanTaskForm: a unit manager updates its own task from /plan; other
// units' tasks, viewers and bad values are refused and store nothing; the
// change is audited.
func TestPlanTaskForm(t *testing.T) {
	a := apptest.Start(t, apptest.Options{})
	a.AddUser(t, "p1", "unit_manager", "vt-p1", "matkhau-p1")
	a.AddUser(t, "tt", "viewer", "vt-thang-tam", "matkhau-tt")
	p1, p1csrf := apptest.LoginAs(t, a.URL, "p1", "matkhau-p1")
	tt, ttcsrf := apptest.LoginAs(t, a.URL, "tt", "matkhau-tt")

	page := func(c *http.Client) *goquery.Document {
		t.Helper()
		res, err := c.Get(a.URL + "/plan")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /plan: %v %v", res.StatusCode, err)
		}
		defer res.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(res.Body)
		return doc
	}
	doc := page(p1)
	if n := doc.Find(`form[action="/plan/p1-ke-hoach"]`).Length(); n != 1 {
		t.Fatalf("p1 sees %d forms for its task", n)
	}
	if row := doc.Find(`tr#p1-ke-hoach td`).First().Text(); row != "UBND Phường 1" {
		t.Errorf("unit cell = %q, want the unit's name", row)
	}
	if due := doc.Find(`tr#p1-ke-hoach td`).Eq(3).Text(); !strings.HasPrefix(due, "31/03/2024") {
		t.Errorf("due cell = %q, want dd/mm/yyyy", due)
	}
	if n := page(tt).Find(`form.task-form`).Length(); n != 0 {
		t.Errorf("viewer sees %d task forms", n)
	}

	noRedirect := func(c *http.Client) *http.Client {
		cc := *c
		cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return &cc
	}
	send := func(c *http.Client, csrf, id string, v url.Values) (*http.Response, string) {
		t.Helper()
		v.Set("_csrf", csrf)
		res, err := noRedirect(c).PostForm(a.URL+"/plan/"+id, v)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}
	good := url.Values{"status": {"doing"}, "progress": {"40"}, "note": {"Đã niêm yết tại bộ phận một cửa"}, "evidence": {"https://vungtau.example/minh-chung"}}

	res, _ := send(p1, p1csrf, "p1-ke-hoach", good)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/plan?saved=p1-ke-hoach#p1-ke-hoach" {
		t.Fatalf("update: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = p1.Get(a.URL + res.Header.Get("Location"))
	doc, _ = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if msg := doc.Find(`p.ok`).Text(); !strings.Contains(msg, "Đã cập nhật nhiệm vụ p1-ke-hoach") {
		t.Errorf("confirmation = %q", msg)
	}
	if v, _ := doc.Find(`#pr-p1-ke-hoach`).Attr("value"); v != "40" {
		t.Errorf("progress shown = %q, want 40", v)
	}

	for _, tc := range []struct {
		name string
		c    *http.Client
		csrf string
		id   string
		v    url.Values
		want int
		msg  string
	}{
		{"other unit", p1, p1csrf, "p7-loa", good, 404, ""},
		{"viewer", tt, ttcsrf, "tt-to-roi", good, 403, ""},
		{"no csrf", p1, "forged", "p1-ke-hoach", good, 403, ""},
		{"bad status", p1, p1csrf, "p1-ke-hoach", url.Values{"status": {"finished"}, "progress": {"10"}}, 422, "Tình trạng chỉ nhận"},
		{"bad progress", p1, p1csrf, "p1-ke-hoach", url.Values{"status": {"doing"}, "progress": {"140"}}, 422, "Tiến độ phải là số nguyên từ 0 đến 100"},
		{"progress not a number", p1, p1csrf, "p1-ke-hoach", url.Values{"status": {"doing"}, "progress": {"abc"}}, 422, "Tiến độ phải là số nguyên"},
		{"bad link", p1, p1csrf, "p1-ke-hoach", url.Values{"status": {"doing"}, "progress": {"10"}, "evidence": {"javascript:alert(1)"}}, 422, "Đường dẫn minh chứng"},
	} {
		res, body := send(tc.c, tc.csrf, tc.id, tc.v)
		if res.StatusCode != tc.want || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: %d, want %d with %q", tc.name, res.StatusCode, tc.want, tc.msg)
		}
	}

	// Nothing of the refused posts was stored.
	var task struct {
		Status   string
		Progress int
		Evidence string
	}
	req, _ := http.NewRequest("GET", a.URL+"/api/v1/plan-tasks", nil)
	res, _ = p1.Do(req)
	var tasks []map[string]any
	_ = json.NewDecoder(res.Body).Decode(&tasks)
	res.Body.Close()
	for _, m := range tasks {
		if m["id"] == "p1-ke-hoach" {
			b, _ := json.Marshal(m)
			_ = json.Unmarshal(b, &task)
		}
	}
	if task.Status != "doing" || task.Progress != 40 || task.Evidence != "https://vungtau.example/minh-chung" {
		t.Errorf("stored task = %+v, want the accepted update only", task)
	}
	var p7 struct{ Status string }
	apptest.GetJSON(t, a.URL+"/api/v1/plan-tasks", &tasks)
	for _, m := range tasks {
		if m["id"] == "p7-loa" {
			p7.Status, _ = m["status"].(string)
		}
	}
	if p7.Status != "todo" {
		t.Errorf("p7-loa status = %q after refused posts", p7.Status)
	}

	// Audited once, by p1.
	var entries []struct{ User, Action, Target string }
	apptest.GetJSON(t, a.URL+"/api/v1/audit", &entries)
	n := 0
	for _, e := range entries {
		if e.Action == "task.update" && e.Target == "task:p1-ke-hoach" {
			n++
			if e.User != "p1" {
				t.Errorf("audit user = %q", e.User)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d audit entries for the task, want 1", n)
	}

	// The accounts page names units too.
	admin, _ := apptest.Admin(t, a.URL)
	res, _ = admin.Get(a.URL + "/users")
	doc, _ = goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	found := false
	doc.Find("tbody tr").Each(func(_ int, r *goquery.Selection) {
		if r.Find("td").First().Text() == "p1" {
			found = r.Find("td").Eq(3).Text() == "UBND Phường 1"
		}
	})
	if !found {
		t.Error("/users does not show p1's unit by name")
	}
}
