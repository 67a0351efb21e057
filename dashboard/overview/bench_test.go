package overview_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/internal/embedded"
	"hailong/internal/testdb"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// benchSite starts the app, demo city off, on the benchmark data.
//
// With HAILONG_BENCH_DATA_DIR it is that data dir of the binary, filled with
// "hailong generate -n 1000000 -desks 50 -- -data-dir DIR": its embedded
// store (SQLite in DIR/ferretdb, database "hailong", as the binary opens it)
// is started through internal/embedded and given to apptest as
// Options.DB. Stop any hailong serving DIR first: the binary's lock
// (DIR/.lock) is not taken here.
//
// Otherwise it is a fresh store holding 10,000 responses of 2024 over 50
// desks, made as "hailong generate -n 10000 -desks 50" makes them.
func benchSite(b *testing.B) *apptest.Site {
	var db *mongo.Database
	if dir := os.Getenv("HAILONG_BENCH_DATA_DIR"); dir != "" {
		db = openDataDir(b, dir)
	} else {
		db = testdb.Mongo(b)
		if err := generate(context.Background(), db, 10000, 50); err != nil {
			b.Fatal(err)
		}
	}
	return apptest.Start(b, apptest.Options{DB: db, Config: func(c *app.Config) { c.Demo = false }})
}

// openDataDir opens the embedded store of a data dir of the binary.
func openDataDir(b *testing.B, dir string) *mongo.Database {
	uri, stop, err := embedded.StartFerretDB(filepath.Join(dir, "ferretdb"))
	if err != nil {
		b.Fatal(err)
	}
	cl, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		stop()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cl.Disconnect(context.Background())
		stop()
	})
	return cl.Database("hailong")
}

// generate adds n counter responses of 2024 (seed 1) to db, over the demo
// desks and numbered ones up to desks, then rebuilds the rollups: what
// "hailong generate -n N -desks D" does with its default period, seed and
// instrument (both call survey.Store.Generate).
func generate(ctx context.Context, db *mongo.Database, n, desks int) error {
	from, _ := period.ParseDay("2024-01-01")
	to, _ := period.ParseDay("2024-12-31")
	set, err := survey.LoadInstruments()
	if err != nil {
		return err
	}
	in, _ := set.Latest("counter")
	store := survey.NewStore(db)
	if err := store.EnsureIndexes(ctx); err != nil {
		return err
	}
	if _, err := store.SeedDemo(ctx, time.Now()); err != nil {
		return err
	}
	if err := store.Generate(ctx, survey.Generation{In: in, N: n, From: from, To: to, Seed: 1, Desks: desks}); err != nil {
		return err
	}
	// The binary's generate reindexes with an embedded Redis of its own,
	// gone when it ends.
	addr, stop, err := embedded.StartMiniredis()
	if err != nil {
		return err
	}
	defer stop()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err = rollup.NewCommitter(db, rollup.NewRollups(db, rdb, log), log).Reindex(ctx)
	return err
}

// BenchmarkIndicatorsYear measures GET /api/v1/indicators for a whole year
// at city scope. With HAILONG_BENCH_DATA_DIR it runs on that data dir
// (fill one with "hailong generate -n 1000000 -desks 50 -- -data-dir DIR");
// otherwise on 10,000 generated responses. It reports the first (cold)
// request and the p50/p95 of the following ones.
func BenchmarkIndicatorsYear(b *testing.B) {
	a := benchSite(b)
	url := a.URL + "/api/v1/indicators?from=2024-01-01&to=2024-12-31&by=month"
	get := func() time.Duration {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth("admin", apptest.AdminPassword)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d: %s", res.StatusCode, buf.String())
		}
		return time.Since(start)
	}
	reportLatency(b, get)
}

// BenchmarkOverviewYear measures the officials' overview page for the whole
// city over 2024 (HAILONG_BENCH_DATA_DIR as for BenchmarkIndicatorsYear, or
// 10,000 generated responses), signed in with a session.
func BenchmarkOverviewYear(b *testing.B) {
	a := benchSite(b)
	c, _ := apptest.Admin(b, a.URL)
	url := a.URL + "/?from=2024-01-01&to=2024-12-31"
	get := func() time.Duration {
		// Dashboards with the same filters share a build for a second:
		// wait it out, so every request here builds the page.
		time.Sleep(1100 * time.Millisecond)
		start := time.Now()
		res, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		return time.Since(start)
	}
	reportLatency(b, get)
}

// reportLatency times one cold call of get, then b.N warm ones, and reports
// the cold time and the warm p50 and p95.
func reportLatency(b *testing.B, get func() time.Duration) {
	cold := get()
	b.ResetTimer()
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		lat = append(lat, get())
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
