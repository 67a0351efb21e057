package exports_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// BenchmarkExportMonthXLSX builds the May XLSX over HTTP for 50 desks and
// 20,000 answers of the month (the comments sheet scans all of them).
func BenchmarkExportMonthXLSX(b *testing.B) {
	a := apptest.Start(b, apptest.Options{}) // the demo city
	a.Stop()
	generate(b, a.DB, a.Redis, 20000, "2024-05-01", "2024-05-31", 50)
	a = apptest.Start(b, apptest.Options{DB: a.DB, Config: func(c *app.Config) { c.Demo = false }})
	get := func() (time.Duration, int) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/exports/2024-05.xlsx", nil)
		req.SetBasicAuth("admin", apptest.AdminPassword)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		return time.Since(start), int(n)
	}
	get() // warm the caches
	b.ResetTimer()
	var total time.Duration
	var size int
	for i := 0; i < b.N; i++ {
		d, n := get()
		total, size = total+d, n
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "build-ms")
	b.ReportMetric(float64(size)/1024, "xlsx-KiB")
	// A closed month reads its snapshot: no tally, no scan.
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/exports/2024-05/close", nil)
	req.SetBasicAuth("admin", apptest.AdminPassword)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("close: %v", err)
	}
	frozen, _ := get()
	b.ReportMetric(float64(frozen.Microseconds())/1000, "closed-ms")
}

// generate adds n counter answers between the days from and to, spread
// over the demo desks padded to desks, then rebuilds the rollups: the same
// data as "hailong generate -n N -from FROM -to TO -desks DESKS" (seed 1)
// writes into a data dir where the service ran once, service stopped.
func generate(b *testing.B, db *mongo.Database, rdb *redis.Client, n int, fromDay, toDay string, desks int) {
	b.Helper()
	ctx := context.Background()
	from, ok1 := period.ParseDay(fromDay)
	to, ok2 := period.ParseDay(toDay)
	if !ok1 || !ok2 || to.Before(from) {
		b.Fatalf("days %s %s", fromDay, toDay)
	}
	set, err := survey.LoadInstruments()
	if err != nil {
		b.Fatal(err)
	}
	in, ok := set.Latest("counter")
	if !ok {
		b.Fatal("no counter instrument")
	}
	g := survey.Generation{In: in, N: n, From: from, To: to, Seed: 1, Desks: desks} // what "hailong generate" runs
	if err := survey.NewStore(db).Generate(ctx, g); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if _, err := rollup.NewCommitter(db, rollup.NewRollups(db, rdb, log), log).Reindex(ctx); err != nil {
		b.Fatalf("reindex: %v", err)
	}
}
