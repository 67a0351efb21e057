package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A download that takes longer than the server's WriteTimeout but keeps
// making progress arrives whole; without Streaming it is cut off.
func TestStreamingOutlivesWriteTimeout(t *testing.T) {
	const rows = 12
	for _, tc := range []struct {
		name   string
		stream bool
	}{{"streaming", true}, {"plain flush", false}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				flush := func() { _ = http.NewResponseController(w).Flush() }
				if tc.stream {
					flush = streaming(w, 200*time.Millisecond)
				}
				for i := 0; i < rows; i++ {
					_, _ = io.WriteString(w, strings.Repeat("x", 2000)+"\n")
					flush()
					time.Sleep(50 * time.Millisecond)
				}
			})))
			srv.Config.WriteTimeout = 300 * time.Millisecond
			srv.Start()
			defer srv.Close()
			// The transport asks for gzip and unpacks it, so the
			// compressing wrapper is in the path too.
			res, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			got := strings.Count(string(body), "\n")
			if tc.stream && (err != nil || got != rows) {
				t.Fatalf("streamed %d of %d rows (err %v): the deadline was not moved", got, rows, err)
			}
			if !tc.stream && err == nil && got == rows {
				t.Fatalf("without Streaming all %d rows arrived past the WriteTimeout: the test proves nothing", rows)
			}
		})
	}
}
