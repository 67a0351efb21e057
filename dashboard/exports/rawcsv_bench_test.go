package exports_test

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/app"
	"hailong/internal/app/apptest"
	"hailong/internal/embedded"
)

// BenchmarkRawCSV streams GET /exports/raw.csv for 2024 from
// HAILONG_BENCH_DATA_DIR (1,000,000 responses from "hailong generate"),
// then reads the same documents with a bare cursor in the same run, and
// reports rows/s of both, their ratio, and the peak Go heap while
// streaming (the app runs in this process).
func BenchmarkRawCSV(b *testing.B) {
	dir := os.Getenv("HAILONG_BENCH_DATA_DIR")
	if dir == "" {
		b.Skip("set HAILONG_BENCH_DATA_DIR to a data dir filled by hailong generate")
	}
	db, closeStore := openDataDir(b, dir)
	a := apptest.Start(b, apptest.Options{DB: db, Config: func(c *app.Config) { c.Demo = false }})
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	b.ResetTimer()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/exports/raw.csv?from=2024-01-01&to=2024-12-31", nil)
	req.SetBasicAuth("admin", apptest.AdminPassword)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		rows++
	}
	if err := sc.Err(); err != nil {
		b.Fatalf("after %d lines: %v", rows, err)
	}
	res.Body.Close()
	csvDur := time.Since(start)
	close(stop)
	a.Stop()
	closeStore()

	db, _ = openDataDir(b, dir) // a fresh store, as the service had
	start = time.Now()
	cur, err := db.Collection("responses").Find(context.Background(), bson.D{{Key: "submitted_at", Value: bson.D{
		{Key: "$gte", Value: time.Date(2023, 12, 31, 17, 0, 0, 0, time.UTC)}, {Key: "$lt", Value: time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC)}}}},
		options.Find().SetBatchSize(1000))
	if err != nil {
		b.Fatal(err)
	}
	docs, same := 0, 0
	for cur.Next(context.Background()) {
		docs++
		// The export's default instrument is the counter survey.
		if in, ok := cur.Current.Lookup("instrument").StringValueOK(); ok && strings.HasPrefix(in, "counter@") {
			same++
		}
	}
	bareDur := time.Since(start)
	b.StopTimer()
	if rows-1 != same {
		b.Fatalf("the CSV has %d rows, the store %d counter answers in 2024: the download was cut short", rows-1, same)
	}
	b.ReportMetric(float64(rows-1)/csvDur.Seconds(), "csv-rows/s")
	b.ReportMetric(float64(docs)/bareDur.Seconds(), "bare-docs/s")
	b.ReportMetric((float64(rows-1)/csvDur.Seconds())/(float64(docs)/bareDur.Seconds()), "ratio")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

// openDataDir opens the embedded store of a data dir (its ferretdb
// folder, database "hailong") with the client options the service uses.
// The store closes when the benchmark ends, or earlier by the returned
// func (closing twice is fine).
func openDataDir(b *testing.B, dir string) (*mongo.Database, func()) {
	b.Helper()
	uri, stopFerret, err := embedded.StartFerretDB(filepath.Join(dir, "ferretdb"))
	if err != nil {
		b.Fatal(err)
	}
	cl, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).SetTimeout(10 * time.Second).SetAppName("hailong"))
	if err != nil {
		stopFerret()
		b.Fatal(err)
	}
	closed := false
	closeStore := func() {
		if !closed {
			closed = true
			_ = cl.Disconnect(context.Background())
			stopFerret()
		}
	}
	b.Cleanup(closeStore)
	return cl.Database("hailong"), closeStore
}
