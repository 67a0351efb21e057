package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"hailong/dashboard"
	"hailong/dashboard/auth"
	"hailong/dashboard/paper"
	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/qr"
	"hailong/static"
	"hailong/survey"
)

// app is everything serve wires together.
type app struct {
	cfg      config
	log      *slog.Logger
	stores   *stores
	secret   []byte
	codes    *qr.Signer
	survey   *survey.Store
	rollups  *survey.Rollups
	tasks    *plan.Tasks
	live     *dashboard.Live
	commit   *survey.Committer
	users    *auth.Users
	sessions *auth.Sessions
	tokens   *auth.Tokens
	audit    *auth.Audit
	comments *survey.Comments
	render   *web.Renderer
	catalog  *web.Catalog
	assets   *web.Assets
	instr    *survey.Instruments
	baseURL  string
	now      func() time.Time
	registry *prometheus.Registry
	metrics  *survey.Metrics
	limiter  *survey.Limiter
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// serve runs the HTTP service until ctx is done, then shuts down in reverse
// order: HTTP (letting in-flight submissions finish), then Redis, then
// MongoDB, then the embedded stores.
func serve(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	return serveWithClock(ctx, cfg, stdout, stderr, time.Now)
}

// serveWithClock is serve with the clock that stamps answers; tests use it
// to submit answers on both sides of a month boundary.
func serveWithClock(ctx context.Context, cfg config, stdout, stderr io.Writer, now func() time.Time) error {
	log := newLogger(cfg.LogFormat, stderr)
	a := &app{cfg: cfg, log: log, now: now}

	// Everything that can be checked without touching a store is checked
	// first, so a broken build fails before it locks anything.
	var err error
	if a.instr, err = survey.LoadInstruments(); err != nil {
		return err
	}
	if a.catalog, err = web.LoadCatalog(static.FS, "i18n/*.yaml"); err != nil {
		return err
	}
	if a.assets, err = web.NewAssets(static.FS); err != nil {
		return err
	}
	if a.render, err = web.NewRenderer(static.FS, a.catalog, a.assets); err != nil {
		return err
	}

	st, closeStores, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStores()
	a.stores = st
	a.secret = []byte(cfg.Secret)
	if len(a.secret) == 0 {
		if a.secret, err = loadSecret(cfg.DataDir); err != nil {
			return err
		}
	}
	a.codes = qr.NewSigner(a.secret)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	a.baseURL = cfg.BaseURL
	if a.baseURL == "" {
		a.baseURL = "http://" + publicHost(ln.Addr().(*net.TCPAddr))
	}

	adminPassword, err := a.prepareData(ctx)
	if err != nil {
		return err
	}

	// The committer outlives HTTP: submissions in flight at shutdown
	// are stored and their rollups flushed before the stores close.
	commitCtx, stopCommit := context.WithCancel(context.Background())
	commitDone := make(chan struct{})
	go func() {
		defer close(commitDone)
		a.commit.Run(commitCtx)
	}()
	defer func() {
		stopCommit()
		<-commitDone
	}()
	listenCtx, stopListen := context.WithCancel(ctx)
	defer stopListen()
	exporter := &dashboard.Exporter{Store: a.survey, Rollups: a.rollups, Instruments: a.instr, Tasks: a.tasks,
		Comments: a.comments, Catalog: a.catalog, Snapshots: a.stores.db.Collection("snapshots")}
	go exporter.AutoClose(listenCtx, cfg.AutoCloseDays, a.audit, log, a.now)
	a.live = dashboard.NewLive()
	go a.rollups.Listen(listenCtx, a.live.Notify)

	a.setupAbuse()
	stopMetrics, err := a.serveMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	e := a.routes()
	srv := &http.Server{
		Handler:           web.HeadAsGet(web.Compress(e)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	e.Server = srv
	srv.RegisterOnShutdown(a.live.Close)

	if err := a.printWelcome(ctx, stdout, adminPassword, publicHost(ln.Addr().(*net.TCPAddr))); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("HTTP server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Error("HTTP shutdown", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("HTTP server", "err", err)
	}
	return nil
}

// prepareData creates indexes, the demo city and the first admin. It
// returns a generated admin password to print once, or "".
func (a *app) prepareData(ctx context.Context) (string, error) {
	now := time.Now()
	a.survey = survey.NewStore(a.stores.db)
	if err := a.survey.EnsureIndexes(ctx); err != nil {
		return "", err
	}
	a.tasks = plan.NewTasks(a.stores.db)
	if a.cfg.Demo {
		seeded, err := a.survey.SeedDemo(ctx, now)
		if err != nil {
			return "", fmt.Errorf("demo data: %w", err)
		}
		if seeded {
			a.log.Info("demo units and desks created")
			units, err := a.survey.Units(ctx)
			if err != nil {
				return "", err
			}
			f, err := plan.ParsePlan(plan.DemoPlan(), units)
			if err != nil {
				return "", fmt.Errorf("demo plan: %w", err)
			}
			if _, _, err := a.tasks.Import(ctx, f); err != nil {
				return "", fmt.Errorf("demo plan: %w", err)
			}
		}
	}
	a.rollups = survey.NewRollups(a.stores.db, a.stores.redis, a.log)
	if a.cfg.MongoURI != "" {
		a.rollups.ShareStore() // other replicas may write the same rollups
	}
	a.commit = survey.NewCommitter(a.stores.db, a.rollups, a.log)
	// Alone on the embedded store, every journal entry left is from a
	// crashed run of this process. With a shared store, others may still
	// be writing theirs: each writer keeps a heartbeat, and the entries of
	// writers silent for a minute are replayed, now and every 10 s while
	// this process runs (a replica restarted at once never waits for a
	// later restart to get its predecessor's last batches counted).
	var staleAfter time.Duration
	if a.cfg.MongoURI != "" {
		staleAfter = time.Minute
		a.commit.ShareStore(10*time.Second, staleAfter)
		if err := a.commit.Beat(ctx); err != nil {
			return "", err
		}
	}
	if n, err := a.commit.Repair(ctx, staleAfter); err != nil {
		return "", fmt.Errorf("repair rollups: %w", err)
	} else if n > 0 {
		a.log.Warn("rollups repaired after an unclean stop", "batches", n)
	}
	a.users = auth.NewUsers(a.stores.db)
	a.sessions = auth.NewSessions(a.stores.redis, 8*time.Hour, 24*time.Hour)
	a.tokens = auth.NewTokens(a.stores.db)
	a.audit = auth.NewAudit(a.stores.db)
	a.comments = survey.NewComments(a.stores.redis, a.stores.db)
	created, generated, err := a.users.EnsureAdmin(ctx, a.cfg.AdminPassword, now)
	if err != nil {
		return "", err
	}
	if created {
		a.log.Info("admin account created")
	}
	return generated, nil
}

// routes builds the Echo instance with every route and middleware.
func (a *app) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Renderer = a.render
	e.HTTPErrorHandler = web.ErrorHandler(a.log, a.catalog)
	e.IPExtractor = a.ipExtractor()
	e.Use(
		web.PublicHTTPS(a.baseURL),
		web.RequestMetrics(a.registry),
		middleware.Recover(),
		web.RequestLogger(a.log),
		web.SecurityHeaders,
		middleware.BodyLimit("64K"),
	)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/readyz", a.ready)
	e.GET("/static/*", a.assets.Handler)
	if a.cfg.Abuse.MetricsAddr == "" {
		// Unauthenticated: production restricts /metrics at the proxy, or
		// moves it to HAILONG_METRICS_ADDR.
		e.GET("/metrics", echo.WrapHandler(a.metricsHandler()))
	}

	pages := e.Group("", web.CSRF)
	survey.NewHandler(survey.HandlerConfig{
		Store: a.survey, Committer: a.commit, Instruments: a.instr, Codes: a.codes, Secret: a.secret,
		Catalog: a.catalog, Log: a.log, Now: a.now, ReceiptTTL: a.cfg.ReceiptTTL,
		Limiter: a.limiter, Limits: a.cfg.Abuse.Limits, Metrics: a.metrics, EmbedAncestors: a.cfg.EmbedAncestors,
	}).Register(pages)
	gate := auth.NewGate(auth.GateConfig{
		Users: a.users, Sessions: a.sessions, Tokens: a.tokens, Store: a.survey, Audit: a.audit,
		Catalog: a.catalog, Log: a.log, Now: a.now,
		Backoff: auth.Backoff{Limiter: a.limiter, Failures: a.cfg.Abuse.LoginFailures, MaxWait: a.cfg.Abuse.LoginMaxWait},
	})
	dashboard.NewHandler(dashboard.Config{
		Gate: gate, Audit: a.audit, Store: a.survey, Rollups: a.rollups, Instruments: a.instr, Codes: a.codes,
		BaseURL: a.baseURL, Catalog: a.catalog, Log: a.log, Now: a.now, ReceiptTTL: a.cfg.ReceiptTTL, Tasks: a.tasks,
		Committer: a.commit, Comments: a.comments, Live: a.live, EmbedOrigins: a.cfg.EmbedOrigins,
		AlertSuspects: a.cfg.Abuse.AlertSuspects, Paper: paper.NewStore(a.stores.db), Tokens: a.tokens,
		Snapshots: a.stores.db.Collection("snapshots"),
	}).Register(e, pages)
	return e
}

// ready answers 200 only when both stores answer within a second.
func (a *app) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), time.Second)
	defer cancel()
	status := map[string]string{"mongo": "ok", "redis": "ok"}
	code := http.StatusOK
	if err := a.stores.mongo.Ping(ctx, nil); err != nil {
		status["mongo"], code = "unavailable", http.StatusServiceUnavailable
	}
	if err := a.stores.redis.Ping(ctx).Err(); err != nil {
		status["redis"], code = "unavailable", http.StatusServiceUnavailable
	}
	return c.JSON(code, status)
}

// printWelcome tells whoever started the service what runs and where to
// click. The last line, "listening on URL", is what scripts wait for.
func (a *app) printWelcome(ctx context.Context, w io.Writer, adminPassword, addr string) error {
	fmt.Fprintf(w, "Hài Lòng\n  MongoDB: %s\n  Redis:   %s\n", a.stores.mongoDesc, a.stores.redisDesc)
	desks, err := a.survey.Desks(ctx)
	if err != nil {
		return err
	}
	if d := firstDesk(desks); d != nil {
		fmt.Fprintf(w, "  Phiếu khảo sát (survey, %s): %s/s/%s\n", d.Name, a.baseURL, a.codes.DeskCode(d.ID, d.Generation))
		fmt.Fprintf(w, "  Khảo sát trên Cổng thông tin (portal survey): %s/p/%s\n", a.baseURL, d.Unit)
	}
	fmt.Fprintf(w, "  Trang cán bộ (officials):  %s/login\n", a.baseURL)
	if adminPassword != "" {
		fmt.Fprintf(w, "  Tài khoản quản trị (admin account, shown once): admin / %s\n", adminPassword)
	}
	fmt.Fprintf(w, "listening on http://%s\n", addr)
	return nil
}

// publicHost turns a listen address into one a browser can open:
// "[::]:8080" and "0.0.0.0:8080" become "localhost:8080".
func publicHost(addr *net.TCPAddr) string {
	if addr.IP == nil || addr.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", addr.Port)
	}
	return addr.String()
}

// firstDesk picks the desk to show at startup: an active desk of the
// top-level unit (the city's own one-stop desk) if there is one.
func firstDesk(desks []survey.Desk) *survey.Desk {
	var first *survey.Desk
	for i := range desks {
		d := &desks[i]
		if !d.Active {
			continue
		}
		if first == nil || (d.Unit < first.Unit) || (d.Unit == first.Unit && d.ID < first.ID) {
			first = d
		}
	}
	return first
}
