package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkExportMonthXLSX builds the May XLSX over HTTP for 50 desks and
// 20,000 answers of the month (the comments sheet scans all of them).
func BenchmarkExportMonthXLSX(b *testing.B) {
	dir := b.TempDir()
	a := startApp(b, dir, nil)
	a.Stop(b)
	env := map[string]string{"HAILONG_DATA_DIR": dir, "HAILONG_ADMIN_PASSWORD": testAdminPassword, "HAILONG_LOG_FORMAT": "text"}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"generate", "-n", "20000", "-from", "2024-05-01", "-to", "2024-05-31", "-desks", "50"},
		func(k string) string { return env[k] }, &out, io.Discard); err != nil {
		b.Fatalf("generate: %v %s", err, out.String())
	}
	a = startApp(b, dir, map[string]string{"HAILONG_DEMO": "false"})
	get := func() (time.Duration, int) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/exports/2024-05.xlsx", nil)
		req.SetBasicAuth("admin", testAdminPassword)
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
	req.SetBasicAuth("admin", testAdminPassword)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("close: %v", err)
	}
	frozen, _ := get()
	b.ReportMetric(float64(frozen.Microseconds())/1000, "closed-ms")
}
