package survey_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/internal/testdb"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// Issue 5: 30 citizens behind one address, each on their own phone, can
// all answer; one phone answering 10 times is limited after the configured
// count, with a calm 429 page.
func TestAbuseSharedWiFiAndOneDevice(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Redis: apptest.RealRedisDB(t), Config: func(c *app.Config) {
		limitsOn(c)
		c.Limits.DevicePerWindow = 3
	}})
	a.CheckRealRedis(t)
	desks := a.Desks(t)
	crowd, family := desks[0], desks[1]

	for i := 0; i < 30; i++ {
		if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, crowd.SurveyURL); code != http.StatusSeeOther {
			t.Fatalf("citizen %d of 30 behind one address: %d, want 303", i+1, code)
		}
	}
	deskN(t, a, crowd.ID, apptest.Today(), 30) // all counted: none suspect

	phone := apptest.Client(t)
	for i := 1; i <= 10; i++ {
		code, res := apptest.Answer(t, phone, a.URL, family.SurveyURL)
		if i <= 3 {
			if code != http.StatusSeeOther {
				t.Fatalf("answer %d of one phone: %d, want 303", i, code)
			}
			continue
		}
		if code != http.StatusTooManyRequests {
			t.Fatalf("answer %d of one phone: %d, want 429", i, code)
		}
		if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 12*3600 {
			t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
		}
		if i == 4 {
			doc, _ := goquery.NewDocumentFromReader(res.Body)
			msg := doc.Find("#problems").Text()
			if !strings.Contains(msg, "chưa được gửi") || !strings.Contains(msg, "lúc") {
				t.Errorf("429 page says %q, want that the rating was not sent and when to try", strings.TrimSpace(msg))
			}
			if doc.Find(`#overall-5[checked]`).Length() != 1 {
				t.Error("429 page lost the answers")
			}
		}
	}
	deskN(t, a, family.ID, apptest.Today(), 3)
	if got := apptest.Metric(t, a.URL, "hailong_limiter_decisions_total", `limit="device"`, `decision="deny"`); got != 7 {
		t.Errorf("device denials = %v, want 7", got)
	}
	if got := apptest.Metric(t, a.URL, "hailong_submissions_total", `outcome="limited"`); got != 7 {
		t.Errorf("limited submissions = %v, want 7", got)
	}
	if got := apptest.Metric(t, a.URL, "hailong_submissions_total", `outcome="stored"`); got != 33 {
		t.Errorf("stored submissions = %v, want 33", got)
	}
}

// Issue 5: two app instances sharing one store and one Redis enforce one
// limit: N allowed in total, not N per instance.
func TestAbuseLimitSharedByTwoInstances(t *testing.T) {
	redisURL := os.Getenv("HAILONG_TEST_REDIS_URL")
	if redisURL == "" {
		t.Skip("needs a real Redis shared by two instances: set HAILONG_TEST_REDIS_URL (CI starts a redis-server)")
	}
	// Each instance has a client of its own to the one server.
	rdbA, rdbB := testdb.RealRedis(t), testdb.RealRedis(t)
	secret := make([]byte, 24)
	_, _ = rand.Read(secret) // fresh keys in the shared Redis for every run
	config := func(c *app.Config) {
		limitsOn(c)
		c.Secret = []byte(hex.EncodeToString(secret))
		c.SharedStore = true // as with HAILONG_MONGO_URI
		c.Limits.IPPerHour = 5
		// A reply slower than the production 50 ms (a loaded CI machine
		// under -race) would be decided by each instance's own fallback,
		// which counts alone: wait for Redis, which is what is under test.
		// The Redis error count below proves no decision fell back.
		c.RedisTimeout = 5 * time.Second
	}
	a := apptest.Start(t, apptest.Options{Redis: rdbA, Config: config})
	b := apptest.Start(t, apptest.Options{Redis: rdbB, DB: a.DB, Config: config})
	desk := a.Desks(t)[0]
	if other := b.Desks(t)[0]; other.SurveyURL[len(b.URL):] != desk.SurveyURL[len(a.URL):] {
		t.Fatalf("the instances disagree on the desk code: %s vs %s", desk.SurveyURL, other.SurveyURL)
	}
	path := desk.SurveyURL[len(a.URL):]
	accepted := map[string]int{}
	for i := 0; i < 12; i++ {
		app := a
		if i%2 == 1 {
			app = b
		}
		code, _ := apptest.Answer(t, apptest.Client(t), app.URL, app.URL+path)
		switch code {
		case http.StatusSeeOther:
			accepted[app.URL]++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("answer %d: %d", i+1, code)
		}
	}
	if total := accepted[a.URL] + accepted[b.URL]; total != 5 || accepted[a.URL] == 0 || accepted[b.URL] == 0 {
		t.Errorf("accepted %v across two instances, want 5 in total from both", accepted)
	}
	for _, app := range []*apptest.Site{a, b} {
		if n := apptest.Metric(t, app.URL, "hailong_redis_errors_total"); n != 0 {
			t.Errorf("%s: %v Redis errors: some decisions were taken by the per-process fallback", app.URL, n)
		}
	}
}

// Issue 5: Redis stopped mid-test: submissions keep being accepted and
// stored under the fallback limits, and the log and /metrics say so.
func TestAbuseRedisDown(t *testing.T) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	a := apptest.Start(t, apptest.Options{Redis: rdb, Config: limitsOn})
	desks := a.Desks(t)
	for i := 0; i < 2; i++ {
		if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, desks[0].SurveyURL); code != http.StatusSeeOther {
			t.Fatalf("answer with Redis up: %d", code)
		}
	}
	m.Close()
	stored := 2
	for i := 0; i < 6; i++ {
		start := time.Now()
		if code, _ := apptest.Answer(t, apptest.Client(t), a.URL, desks[i%len(desks)].SurveyURL); code != http.StatusSeeOther {
			t.Fatalf("answer %d with Redis down: %d, want 303", i+1, code)
		}
		stored++
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("answer %d with Redis down took %v", i+1, took)
		}
	}
	// The fallback still limits: one phone, one answer per desk.
	phone := apptest.Client(t)
	if code, _ := apptest.Answer(t, phone, a.URL, desks[1].SurveyURL); code != http.StatusSeeOther {
		t.Fatalf("phone's first answer with Redis down: %d", code)
	}
	stored++
	if code, _ := apptest.Answer(t, phone, a.URL, desks[1].SurveyURL); code != http.StatusTooManyRequests {
		t.Errorf("phone's second answer with Redis down: %d, want 429 from the fallback", code)
	}
	if !strings.Contains(a.Logs(), "Redis limiter unavailable") {
		t.Errorf("no warning in the log:\n%s", a.Logs())
	}
	if n := strings.Count(a.Logs(), "Redis limiter unavailable"); n > 2 {
		t.Errorf("%d warnings in a few seconds: the warning is not rate-limited", n)
	}
	if got := apptest.Metric(t, a.URL, "hailong_redis_errors_total"); got < 1 {
		t.Errorf("hailong_redis_errors_total = %v", got)
	}
	if got := apptest.Metric(t, a.URL, "hailong_limiter_fallback_total"); got < 1 {
		t.Errorf("hailong_limiter_fallback_total = %v", got)
	}
	a.Stop()
	n, err := a.DB.Collection("responses").CountDocuments(context.Background(), bson.D{})
	if err != nil || n != int64(stored) {
		t.Errorf("%d responses stored (%v), want %d", n, err, stored)
	}
}

// Client addresses come from X-Forwarded-For only when the peer is a
// configured proxy.
func TestAbuseTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		name    string
		proxies string
		// whether a second address behind the same peer gets its own limit
		separate bool
	}{
		{"direct", "", false},
		{"behind proxy", "127.0.0.0/8", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := apptest.Start(t, apptest.Options{Config: func(c *app.Config) {
				c.Limits.IPPerHour = 1
				c.TrustedProxies = apptest.CIDRs(t, tt.proxies)
			}})
			desk := a.Desks(t)[0]
			send := func(xff string) int {
				c := apptest.Client(t)
				req, _ := http.NewRequest(http.MethodGet, desk.SurveyURL, nil)
				req.Header.Set("X-Forwarded-For", xff)
				res, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				form := apptest.ParseForm(t, res.Body)
				res.Body.Close()
				body := apptest.MergeValues(form.Hidden, apptest.ValidAnswers())
				req, _ = http.NewRequest(http.MethodPost, a.URL+form.Action, strings.NewReader(body.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", xff)
				res, err = c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			if code := send("203.0.113.5"); code != http.StatusSeeOther {
				t.Fatalf("first answer: %d", code)
			}
			want := http.StatusTooManyRequests
			if tt.separate {
				want = http.StatusSeeOther
			}
			if code := send("203.0.113.6"); code != want {
				t.Errorf("another X-Forwarded-For address: %d, want %d", code, want)
			}
			if code := send("203.0.113.5"); code != http.StatusTooManyRequests {
				t.Errorf("the first address again: %d, want 429", code)
			}
		})
	}
}

type suspectAPI struct {
	ID          string         `json:"id"`
	Desk        string         `json:"desk"`
	Unit        string         `json:"unit"`
	SubmittedAt time.Time      `json:"submitted_at"`
	Reasons     []string       `json:"reasons"`
	Answers     map[string]int `json:"answers"`
	Comment     string         `json:"comment"`
}

// Issue 5: a honeypot hit, a 1-second completion and an answer from the
// unit's staff network are stored as suspect, not counted; an official
// confirms one and the indicators change; a reindex keeps the decision.
func TestAbuseSuspectFlow(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	advance := func(d time.Duration) { now.Add(int64(d)) }
	opts := apptest.Options{Redis: apptest.RealRedisDB(t), Now: clock, Config: func(c *app.Config) { c.Limits.MinFill = 5 * time.Second }}
	a := apptest.Start(t, opts)
	a.CheckRealRedis(t)
	desk := a.Desks(t)[0]
	day := clock().In(period.Vietnam).Format("2006-01-02")
	submit := func(took time.Duration, extra map[string]string) {
		t.Helper()
		c := apptest.Client(t)
		form := apptest.GetForm(t, c, desk.SurveyURL)
		advance(took)
		answers := apptest.ValidAnswers()
		for k, v := range extra {
			answers.Set(k, v)
		}
		if res := apptest.Post(t, c, a.URL+form.Action, form.Hidden, answers); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST: %d, want the thank-you", res.StatusCode)
		}
	}
	submit(time.Minute, nil)
	submit(time.Minute, map[string]string{"website": "http://spam.example"})
	submit(time.Second, map[string]string{"overall": "1", "comment": "Nhanh quá"})
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/"+desk.Unit, map[string]any{"staff_cidrs": []string{"127.0.0.0/8"}}, nil); code != http.StatusOK {
		t.Fatalf("set staff networks: %d", code)
	}
	submit(time.Minute, nil)
	var e struct{ Error string }
	if code := apptest.AdminCall(t, http.MethodPatch, a.URL+"/api/v1/units/"+desk.Unit, map[string]any{"staff_cidrs": []string{"127.0.0.1/8"}}, &e); code != http.StatusBadRequest || !strings.Contains(e.Error, "staff_cidrs") {
		t.Errorf("a CIDR with host bits: %d %q, want 400 naming staff_cidrs", code, e.Error)
	}
	deskN(t, a, desk.ID, day, 1)

	var suspects []suspectAPI
	if code := apptest.GetJSON(t, a.URL+"/api/v1/suspects?from="+day+"&to="+day+"&unit="+desk.Unit, &suspects); code != http.StatusOK || len(suspects) != 3 {
		t.Fatalf("GET /api/v1/suspects: %d with %d answers, want 3", code, len(suspects))
	}
	byReason := map[string]suspectAPI{}
	for _, s := range suspects {
		if len(s.Reasons) != 1 || s.Desk != desk.ID || s.Unit != desk.Unit || s.ID == "" || s.SubmittedAt.IsZero() || len(s.Answers) == 0 {
			t.Errorf("suspect = %+v", s)
		}
		byReason[strings.Join(s.Reasons, ",")] = s
	}
	fast, bot := byReason["too_fast"], byReason["honeypot"]
	if fast.ID == "" || bot.ID == "" || byReason["staff_network"].ID == "" || fast.Comment != "Nhanh quá" || fast.Answers["overall"] != 1 {
		t.Fatalf("suspects by reason: %+v", byReason)
	}

	review := func(id, decision string) (int, string) {
		var out struct{ Error string }
		code := apptest.AdminCall(t, http.MethodPost, a.URL+"/api/v1/responses/"+id+"/review", map[string]string{"decision": decision, "note": "Đã kiểm tra"}, &out)
		return code, out.Error
	}
	if code, _ := review(fast.ID, "confirm"); code != http.StatusCreated {
		t.Fatalf("confirm: %d", code)
	}
	deskN(t, a, desk.ID, day, 2)
	var rep struct {
		Overall struct{ N int64 } `json:"overall"`
	}
	apptest.GetJSON(t, a.URL+"/api/v1/indicators?desk="+desk.ID+"&from="+day+"&to="+day, &rep)
	if rep.Overall.N != 2 {
		t.Errorf("overall item counts %d answers after the confirmation, want 2", rep.Overall.N)
	}
	if code, _ := review(bot.ID, "reject"); code != http.StatusCreated {
		t.Fatalf("reject: %d", code)
	}
	if code, msg := review(fast.ID, "reject"); code != http.StatusConflict || msg == "" {
		t.Errorf("second review: %d %q, want 409", code, msg)
	}
	if code, _ := review(bot.ID, "maybe"); code != http.StatusBadRequest {
		t.Errorf("unknown decision: %d, want 400", code)
	}
	if code, _ := review(bson.NewObjectID().Hex(), "confirm"); code != http.StatusNotFound {
		t.Errorf("unknown response: %d, want 404", code)
	}
	deskN(t, a, desk.ID, day, 2)
	a.Stop()

	// A reindex (what "hailong reindex" runs) counts the confirmed answer too.
	db, rdb := a.DB, a.Redis
	log := slog.New(slog.DiscardHandler)
	if _, err := rollup.NewCommitter(db, rollup.NewRollups(db, rdb, log), log).Reindex(context.Background()); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	opts.DB, opts.Redis = db, rdb
	a = apptest.Start(t, opts)
	deskN(t, a, desk.ID, day, 2)
	a.Stop()

	// Every decision is audited.
	for _, action := range []string{"response.confirm", "response.reject"} {
		if n, _ := db.Collection("audit").CountDocuments(context.Background(), bson.D{{Key: "action", Value: action}}); n != 1 {
			t.Errorf("%d audit entries %s, want 1", n, action)
		}
	}
}

// Issue 5 (e): officials' sign-in backs off per account and per address:
// 429 with Retry-After on the form and JSON on the API.
func TestAbuseLoginBackoff(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Redis: apptest.RealRedisDB(t), Config: func(c *app.Config) { c.LoginFailures = 2 }})
	a.CheckRealRedis(t)
	c := apptest.Client(t)
	csrf := apptest.LoginCSRF(t, a.URL, c)
	login := func(pass string) *http.Response {
		res, err := c.PostForm(a.URL+"/login", map[string][]string{"_csrf": {csrf}, "username": {"admin"}, "password": {pass}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	for i := 0; i < 3; i++ {
		if res := login("sai mật khẩu"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, res.StatusCode)
		}
	}
	res := login(apptest.AdminPassword)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("sign-in right after 3 failures: %d (Retry-After %q), want 429", res.StatusCode, res.Header.Get("Retry-After"))
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	if msg := doc.Find(".alert, [role=alert]").Text(); !strings.Contains(msg, "chờ") {
		t.Errorf("429 sign-in page says %q", strings.TrimSpace(msg))
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/desks", nil)
	req.SetBasicAuth("admin", "sai mật khẩu")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || body["error"] == nil {
		t.Errorf("API guess while blocked: %d %v, want 429 JSON", res.StatusCode, body)
	}
	time.Sleep(1200 * time.Millisecond)
	if res := login(apptest.AdminPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in after the wait: %d, want 303", res.StatusCode)
	}
	if got := apptest.Metric(t, a.URL, "hailong_limiter_decisions_total", `limit="login"`, `decision="deny"`); got < 2 {
		t.Errorf("login denials = %v, want at least 2", got)
	}
}
