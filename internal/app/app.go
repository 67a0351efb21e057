// Package app builds the service from its open stores: every service once,
// handed to whoever needs it; the HTTP routes of the citizens' and the
// officials' sides; and the background jobs (the group-commit writer, live
// updates, the automatic closing of months). cmd/hailong opens the stores
// and serves; tests build the same app over fresh stores (package apptest).
package app

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/dashboard/auth"
	"hailong/dashboard/exports"
	"hailong/dashboard/overview"
	"hailong/dashboard/paper"
	"hailong/dashboard/plan"
	"hailong/internal/limit"
	"hailong/internal/metrics"
	"hailong/internal/web"
	"hailong/qr"
	"hailong/static"
	"hailong/survey"
	"hailong/survey/rollup"
)

// Config is what the app needs to know, already validated.
type Config struct {
	// BaseURL is the public URL in QR codes and links, without a final "/".
	BaseURL string
	// Secret is the HMAC key of desk codes, forms and device cookies.
	Secret []byte
	// Demo loads the demo city and its plan into an empty database.
	Demo bool
	// AdminPassword is the first admin's password ("": generated).
	AdminPassword string
	ReceiptTTL    time.Duration
	// AutoCloseDays closes a month's figures this many days after it ends (0: never).
	AutoCloseDays int
	// SharedStore: other replicas write the same MongoDB.
	SharedStore bool
	// Limits are the citizens' abuse limits; LoginFailures and
	// LoginMaxWait the officials' sign-in backoff.
	Limits        survey.Limits
	LoginFailures int
	LoginMaxWait  time.Duration
	// RedisTimeout bounds each limiter call to Redis.
	RedisTimeout time.Duration
	// AlertSuspects is the overview's suspect burst alert threshold (0: off).
	AlertSuspects int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (empty: the TCP peer is the client).
	TrustedProxies []*net.IPNet
	// MetricsOnMain serves /metrics on the main listener.
	MetricsOnMain bool
	// EmbedOrigins may frame the portal survey; EmbedAncestors is the same
	// list as a CSP frame-ancestors value.
	EmbedOrigins, EmbedAncestors string
}

// Stores are the open connections.
type Stores struct {
	Mongo *mongo.Client
	DB    *mongo.Database
	Redis *redis.Client
}

// UI is what is read from the binary before any store is touched: a
// broken build fails before it locks anything.
type UI struct {
	Instruments *survey.Instruments
	Catalog     *web.Catalog
	Assets      *web.Assets
	Render      *web.Renderer
}

// LoadUI reads the instruments, the text catalogue, the assets and the
// templates built into the binary.
func LoadUI() (*UI, error) {
	var ui UI
	var err error
	if ui.Instruments, err = survey.LoadInstruments(); err != nil {
		return nil, err
	}
	if ui.Catalog, err = web.LoadCatalog(static.FS, "i18n/*.yaml"); err != nil {
		return nil, err
	}
	if ui.Assets, err = web.NewAssets(static.FS); err != nil {
		return nil, err
	}
	if ui.Render, err = web.NewRenderer(static.FS, ui.Catalog, ui.Assets); err != nil {
		return nil, err
	}
	return &ui, nil
}

// App is the service: each service built once.
type App struct {
	cfg    Config
	ui     *UI
	stores Stores
	log    *slog.Logger
	now    func() time.Time

	Codes     *qr.Signer
	Survey    *survey.Store
	Rollups   *rollup.Rollups
	Committer *rollup.Committer
	Tasks     *plan.Tasks
	Users     *auth.Users
	Sessions  *auth.Sessions
	Tokens    *auth.Tokens
	Accounts  *auth.Accounts
	Audit     *auth.Audit
	Comments  *survey.Comments
	Paper     *paper.Store
	Exporter  *exports.Exporter
	Live      *overview.Live
	Limiter   *limit.Limiter
	Metrics   *metrics.Abuse
	// Registry holds the app's Prometheus metrics (one per app: tests
	// run several apps in one process).
	Registry *prometheus.Registry
}

// New builds the app over open stores and prepares the data (Prepare). It
// returns a generated admin password to print once, or "". now stamps
// answers (tests move it across months).
func New(ctx context.Context, cfg Config, st Stores, ui *UI, log *slog.Logger, now func() time.Time) (*App, string, error) {
	a := Build(cfg, st, ui, log, now)
	password, err := a.Prepare(ctx)
	if err != nil {
		return nil, "", err
	}
	return a, password, nil
}

// Build constructs every service once, without touching the stores.
func Build(cfg Config, st Stores, ui *UI, log *slog.Logger, now func() time.Time) *App {
	if now == nil {
		now = time.Now
	}
	a := &App{cfg: cfg, ui: ui, stores: st, log: log, now: now, Codes: qr.NewSigner(cfg.Secret)}
	a.Survey = survey.NewStore(st.DB)
	a.Tasks = plan.NewTasks(st.DB)
	a.Rollups = rollup.NewRollups(st.DB, st.Redis, log)
	a.Committer = rollup.NewCommitter(st.DB, a.Rollups, log)
	if cfg.SharedStore {
		// Other replicas write the same rollups; each writer keeps a
		// heartbeat, and the journal of writers silent for a minute is
		// replayed every 10 s (see repair).
		a.Rollups.ShareStore()
		a.Committer.ShareStore(10*time.Second, staleWriter)
	}
	a.Users = auth.NewUsers(st.DB)
	a.Sessions = auth.NewSessions(st.Redis, 8*time.Hour, 24*time.Hour)
	a.Tokens = auth.NewTokens(st.DB)
	a.Audit = auth.NewAudit(st.DB)
	a.Accounts = auth.NewAccounts(a.Users, a.Tokens, a.Audit, a.Survey)
	a.Comments = survey.NewComments(st.Redis, st.DB)
	a.Paper = paper.NewStore(st.DB)
	a.Exporter = &exports.Exporter{Store: a.Survey, Rollups: a.Rollups, Instruments: ui.Instruments, Tasks: a.Tasks,
		Comments: a.Comments, Catalog: ui.Catalog, Snapshots: st.DB.Collection("snapshots")}
	a.Live = overview.NewLive()
	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Metrics = metrics.NewAbuse(a.Registry)
	a.Limiter = limit.New(limit.Config{
		Redis: st.Redis, Secret: cfg.Secret, Metrics: a.Metrics, Log: log, Timeout: cfg.RedisTimeout,
	})
	return a
}
