// Package apptest starts the whole service for tests: the app package's
// routes and background jobs over a fresh embedded FerretDB and an
// embedded miniredis (or the redis-server of HAILONG_TEST_REDIS_URL), on
// an httptest server. Feature tests (dashboard/..., survey) drive it over
// real HTTP, as a browser or a script would; tests that need the binary
// itself (run(), configuration, killing processes) stay in cmd/hailong.
package apptest

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/internal/app"
	"hailong/internal/embedded"
	"hailong/internal/testdb"
)

// AdminPassword is the password of the admin account every site starts with.
const AdminPassword = "mat-khau-thu-nghiem"

// Site is the whole service under test.
type Site struct {
	// URL is the base URL, "http://127.0.0.1:port".
	URL   string
	App   *app.App
	DB    *mongo.Database
	Redis *redis.Client
	logs  *logBuffer
	srv   *httptest.Server
	stop  func()
}

// Options change a site before it starts.
type Options struct {
	// Config changes the configuration (limits, alerts...).
	Config func(*app.Config)
	// Now stamps answers (default time.Now): tests move it across days
	// and months.
	Now func() time.Time
	// Redis is a Redis client to use instead of an embedded miniredis
	// (testdb.RealRedis for the limits shared by replicas).
	Redis *redis.Client
	// DB is the store to use instead of a fresh one (a second replica).
	DB *mongo.Database
}

// Config is the configuration a site starts with: the demo city, the test
// admin password, and the abuse limits, the too-fast rule and automatic
// closing off (tests drive the service far faster than people, from one
// address); a test turns on what it checks.
func Config() app.Config {
	return app.Config{
		Secret: []byte("a test secret of at least 32 characters"), Demo: true, AdminPassword: AdminPassword,
		ReceiptTTL: 720 * time.Hour, LoginFailures: 5, LoginMaxWait: 15 * time.Minute,
		RedisTimeout: 50 * time.Millisecond, AlertSuspects: 10, MetricsOnMain: true,
		EmbedOrigins: "https:", EmbedAncestors: "https:",
	}
}

// CIDRs parses a comma-separated list of CIDRs, as HAILONG_TRUSTED_PROXIES
// takes it, for Config.TrustedProxies.
func CIDRs(t testing.TB, list string) []*net.IPNet {
	t.Helper()
	var out []*net.IPNet
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// Start starts a site and stops it when the test ends.
func Start(t testing.TB, opts Options) *Site {
	t.Helper()
	s := &Site{logs: &logBuffer{}, DB: opts.DB, Redis: opts.Redis}
	if s.DB == nil {
		s.DB = testdb.Mongo(t)
	}
	if s.Redis == nil {
		addr, stop, err := embedded.StartMiniredis()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		s.Redis = redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { s.Redis.Close() })
	}
	s.srv = httptest.NewUnstartedServer(nil)
	s.URL = "http://" + s.srv.Listener.Addr().String()
	cfg := Config()
	cfg.BaseURL = s.URL
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	ui, err := app.LoadUI()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(s.logs, nil))
	st := app.Stores{Mongo: s.DB.Client(), DB: s.DB, Redis: s.Redis}
	ctx, cancel := context.WithCancel(context.Background())
	if s.App, _, err = app.New(ctx, cfg, st, ui, log, opts.Now); err != nil {
		cancel()
		t.Fatalf("start the app: %v", err)
	}
	stopWriter := s.App.Start(ctx)
	srv := s.App.Server()
	s.srv.Config = srv
	s.srv.Start()
	s.stop = func() {
		s.App.Live.Close() // ends live streams, which Close would wait for
		s.srv.Close()
		cancel()
		stopWriter()
	}
	t.Cleanup(s.Stop)
	return s
}

// Stop shuts the site down: HTTP, then the background jobs, then the
// writer (every acknowledged answer is stored). Stopping twice is fine.
func (s *Site) Stop() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// Logs is what the app logged so far.
func (s *Site) Logs() string { return s.logs.String() }

// Do sends req to the site's handler directly, without a connection.
func (s *Site) Do(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.srv.Config.Handler.ServeHTTP(rec, req)
	return rec
}

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
