package survey

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"hailong/internal/limit"
	"hailong/internal/testdb"
)

// BenchmarkLimiter measures what the abuse rules add to one submission
// against the real redis-server of HAILONG_TEST_REDIS_URL: the resend mark,
// the address, device and desk limits (four round trips), every citizen on
// a phone of their own, behind 97 addresses, across 50 desks.
// It reports the p50 and p99 of one submission's judgement.
//
//	HAILONG_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./survey -run '^$' -bench BenchmarkLimiter -benchtime 20000x
func BenchmarkLimiter(b *testing.B) {
	rdb := testdb.RealRedis(b)
	h := &Handler{limiter: limit.New(limit.Config{Redis: rdb, Secret: []byte(fmt.Sprint(time.Now().UnixNano()))}), limits: DefaultLimits()}
	unit := &Unit{ID: "vt-p1", StaffCIDRs: []string{"10.20.0.0/16"}}
	targets := make([]*target, 50)
	for i := range targets {
		targets[i] = &target{Desk: &Desk{ID: fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)}, Unit: unit, Channel: ChannelQR}
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := attempt{t: targets[i%len(targets)], ip: fmt.Sprintf("203.0.113.%d", i%97), device: fmt.Sprint("phone-", i),
			nonce: fmt.Sprint("n-", i), took: time.Minute}
		start := time.Now()
		v := h.judge(ctx, a)
		lat = append(lat, time.Since(start))
		if v.limit != "" {
			b.Fatalf("submission %d refused by the %s limit: the run must measure the full path", i, v.limit)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}
