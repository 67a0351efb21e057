package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"sort"
	"testing"
	"time"
)

// benchData returns HAILONG_BENCH_DATA_DIR, or a data dir holding 10,000
// generated responses of 2024 over 50 desks.
func benchData(b *testing.B) string {
	if dir := os.Getenv("HAILONG_BENCH_DATA_DIR"); dir != "" {
		return dir
	}
	dir := b.TempDir()
	g := generateConfig{N: 10000, From: "2024-01-01", To: "2024-12-31", Seed: 1, Instrument: "counter", Desks: 50}
	cfg, err := parseConfig("bench", []string{"-data-dir", dir}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		b.Fatal(err)
	}
	if err := generate(context.Background(), cfg, g, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkIndicatorsYear measures GET /api/v1/indicators for a whole year
// at city scope. With HAILONG_BENCH_DATA_DIR it runs on that data dir
// (fill one with "hailong generate -n 1000000 -desks 50 -- -data-dir DIR");
// otherwise on 10,000 generated responses. It reports the first (cold)
// request and the p50/p95 of the following ones.
func BenchmarkIndicatorsYear(b *testing.B) {
	dir := benchData(b)
	a := startApp(b, dir, map[string]string{"HAILONG_DEMO": "false"})
	url := a.URL + "/api/v1/indicators?from=2024-01-01&to=2024-12-31&by=month"
	get := func() time.Duration {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth("admin", testAdminPassword)
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
	dir := benchData(b)
	a := startApp(b, dir, map[string]string{"HAILONG_DEMO": "false"})
	c := loginClientTB(b, a)
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
