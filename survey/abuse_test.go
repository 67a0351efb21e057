package survey

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/internal/limit"
	"hailong/internal/metrics"
	"hailong/internal/metrics/metricstest"
	"hailong/internal/testdb"
)

func TestJudge(t *testing.T) {
	testdb.EachRedis(t, func(t *testing.T, r testdb.Redis) {
		ctx := context.Background()
		h := &Handler{limiter: limit.New(limit.Config{Redis: r.Client, Secret: []byte("s")}), limits: DefaultLimits()}
		unit := &Unit{ID: "vt-p1", StaffCIDRs: []string{"10.20.0.0/16"}}
		desk := &Desk{ID: fmt.Sprintf("q-%d", time.Now().UnixNano())}
		qrTarget := &target{Desk: desk, Unit: unit, Channel: ChannelQR}
		n := 0
		try := func(t *target, ip, device string, took time.Duration) verdict {
			n++
			return h.judge(ctx, attempt{t: t, ip: ip, device: device, nonce: fmt.Sprint(desk.ID, n), took: took})
		}

		// 30 citizens behind one Wi-Fi address, each on their own phone.
		for i := 0; i < 30; i++ {
			if v := try(qrTarget, "203.0.113.7", fmt.Sprint("phone-", i), time.Minute); v.limit != "" || len(v.reasons) > 0 {
				t.Fatalf("citizen %d: %+v, want accepted and not suspect", i+1, v)
			}
		}
		// The 31st answer within the minute is past the desk's ceiling:
		// accepted, but suspect.
		if v := try(qrTarget, "203.0.113.8", "phone-x", time.Minute); v.limit != "" || !reflect.DeepEqual(v.reasons, []string{ReasonBurst}) {
			t.Errorf("31st answer in a minute: %+v, want stored as burst", v)
		}
		// One phone answering again.
		v := try(qrTarget, "203.0.113.7", "phone-0", time.Minute)
		if v.limit != metrics.LimitDevice || v.retryAfter < 11*time.Hour || v.retryAfter > 12*time.Hour {
			t.Errorf("second answer of a phone: %+v, want refused by the device limit for ~12 h", v)
		}
		// A resent form (same nonce) is never refused: its first copy is stored.
		resend := attempt{t: qrTarget, ip: "203.0.113.7", device: "phone-0", nonce: desk.ID + "1", took: time.Minute}
		if v := h.judge(ctx, resend); v.limit != "" {
			t.Errorf("resent form refused: %+v", v)
		}
		// A kiosk is every citizen's device.
		kiosk := &target{Desk: desk, Unit: unit, Channel: ChannelKiosk}
		for i := 0; i < 3; i++ {
			if v := try(kiosk, "10.20.1.5", "tablet", time.Minute); v.limit != "" {
				t.Fatalf("kiosk answer %d refused: %+v", i+1, v)
			} else if contains(v.reasons, ReasonStaffNetwork) {
				t.Errorf("kiosk answer marked as from the staff network: %v", v.reasons)
			}
		}

		// Suspicion rules on a quiet desk.
		quiet := &target{Desk: &Desk{ID: desk.ID + "-b"}, Unit: unit, Channel: ChannelQR}
		if v := try(quiet, "203.0.113.9", "p1", time.Second); !reflect.DeepEqual(v.reasons, []string{ReasonTooFast}) {
			t.Errorf("1-second answer: %+v, want too_fast", v)
		}
		if v := try(quiet, "10.20.3.4", "p2", time.Minute); !reflect.DeepEqual(v.reasons, []string{ReasonStaffNetwork}) {
			t.Errorf("answer from the staff network: %+v", v)
		}
		if v := try(quiet, "::ffff:10.20.3.4", "p3", time.Minute); !reflect.DeepEqual(v.reasons, []string{ReasonStaffNetwork}) {
			t.Errorf("IPv4-mapped staff address: %+v", v)
		}

		// The address limit, made small.
		h.limits.IPPerHour = 5
		small := &target{Desk: &Desk{ID: desk.ID + "-c"}, Unit: unit, Channel: ChannelQR}
		for i := 0; i < 5; i++ {
			if v := try(small, "198.51.100.1", fmt.Sprint("d", i), time.Minute); v.limit != "" {
				t.Fatalf("answer %d refused: %+v", i+1, v)
			}
		}
		if v := try(small, "198.51.100.1", "d5", time.Minute); v.limit != metrics.LimitIP || v.retryAfter <= 0 {
			t.Errorf("6th answer from one address at 5/h: %+v, want refused by the address limit", v)
		}
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestAddressKey(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"::ffff:203.0.113.7":   "203.0.113.7",
		"2001:db8:1:2:a:b:c:d": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
	} {
		if got := addressKey(ip); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", ip, got, want)
		}
	}
}

func TestValidateUnitStaffCIDRs(t *testing.T) {
	units := []Unit{{ID: "vt"}}
	for _, tt := range []struct {
		cidrs []string
		ok    bool
	}{
		{nil, true},
		{[]string{"10.20.0.0/16", "2001:db8::/32", "192.0.2.7/32"}, true},
		{[]string{"10.20.1.7/16"}, false}, // host bits set: a typo
		{[]string{"10.20.0.0"}, false},
		{[]string{"mạng cơ quan"}, false},
		{make([]string, 51), false},
	} {
		u := &Unit{ID: "vt-p1", Name: "Phường 1", Kind: KindWard, Parent: "vt", StaffCIDRs: tt.cidrs}
		ve := ValidateUnit(u, units)
		if got := ve == nil; got != tt.ok {
			t.Errorf("staff_cidrs %v: valid = %v, want %v (%v)", tt.cidrs, got, tt.ok, ve)
		}
		if !tt.ok && ve != nil && ve.Fields["staff_cidrs"] != FieldCIDR {
			t.Errorf("staff_cidrs %v: problems %v", tt.cidrs, ve.Fields)
		}
	}
}

// Through HTTP: a limited citizen gets 429, Retry-After and the form with
// every answer kept and a calm message; a limited bot gets the thank-you.
func TestSubmitLimited(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	reg := prometheus.NewRegistry()
	counters := metrics.NewAbuse(reg)
	s := newTestSite(t, HandlerConfig{
		Limiter: limit.New(limit.Config{Redis: rdb, Secret: []byte("s"), Metrics: counters}),
		Limits:  Limits{IPPerHour: 60, DevicePerWindow: 1, DeviceWindow: 12 * time.Hour}, Metrics: counters,
	})
	phone := &http.Cookie{Name: DeviceIDCookie, Value: "phone-1"}
	first := validForm()
	first.Set(FieldTicket, s.h.tickets.issue(s.path, time.Now().Add(-time.Minute)))
	if rec := s.post(first, phone); rec.Code != http.StatusSeeOther {
		t.Fatalf("first answer: %d", rec.Code)
	}
	rec := s.post(validForm(), phone)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("second answer of the phone: %d, want 429", rec.Code)
	}
	if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 11*3600 || ra > 12*3600 {
		t.Errorf("Retry-After = %q, want about 12 h in seconds", rec.Header().Get("Retry-After"))
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if msg := doc.Find(`#problems[role=alert]`).Text(); !strings.Contains(msg, "chưa được gửi") || !strings.Contains(msg, "12 giờ") {
		t.Errorf("429 message = %q, want it to say the rating was not sent and when to try", strings.TrimSpace(msg))
	}
	if doc.Find(`#a-4[checked]`).Length() != 1 || !strings.Contains(doc.Find(`textarea[name=comment]`).Text(), "nhiệt tình") {
		t.Error("the 429 page lost the citizen's answers")
	}
	// The same form sent again (a double tap on the stored one) gets the thank-you.
	if rec := s.post(first, phone); rec.Code != http.StatusSeeOther {
		t.Errorf("resent stored form: %d, want 303", rec.Code)
	}
	// A bot over the limit learns nothing.
	bot := validForm()
	bot.Set(FieldHoneypot, "http://spam.example")
	if rec := s.post(bot, phone); rec.Code != http.StatusSeeOther {
		t.Errorf("limited honeypot bot: %d, want the usual 303", rec.Code)
	}
	if n, _ := s.store.responses.CountDocuments(context.Background(), bson.D{}); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
	for outcome, want := range map[string]float64{metrics.OutcomeStored: 1, metrics.OutcomeLimited: 2, metrics.OutcomeDuplicate: 1} {
		if got := metricstest.Value(t, reg, "hailong_submissions_total", map[string]string{"outcome": outcome}); got != want {
			t.Errorf("submissions{outcome=%s} = %v, want %v", outcome, got, want)
		}
	}
}

func TestWaitText(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		d    time.Duration
		lang string
		want string
	}{
		{40 * time.Second, "vi", "40 giây"},
		{90 * time.Second, "vi", "2 phút"},
		{time.Hour, "vi", "1 giờ"},
		{11*time.Hour + 59*time.Minute + 1*time.Second, "vi", "12 giờ"},
		{150 * time.Minute, "vi", "2 giờ 30 phút"},
		{150 * time.Minute, "en", "2 h 30 min"},
	} {
		if got := WaitText(cat, tt.lang, tt.d); got != tt.want {
			t.Errorf("WaitText(%v, %s) = %q, want %q", tt.d, tt.lang, got, tt.want)
		}
	}
}
