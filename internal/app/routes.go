package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hailong/dashboard"
	"hailong/dashboard/auth"
	"hailong/internal/web"
	"hailong/survey"
)

// Handler is the whole HTTP side: HEAD answered as GET, gzip, then Echo
// with every route and middleware.
func (a *App) Handler() http.Handler {
	return web.HeadAsGet(web.Compress(a.Echo()))
}

// Echo builds the Echo instance with every route and middleware.
func (a *App) Echo() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Renderer = a.ui.Render
	e.HTTPErrorHandler = web.ErrorHandler(a.log, a.ui.Catalog)
	e.IPExtractor = a.ipExtractor()
	e.Use(
		web.PublicHTTPS(a.cfg.BaseURL),
		web.RequestMetrics(a.Registry),
		middleware.Recover(),
		web.RequestLogger(a.log),
		web.SecurityHeaders,
		middleware.BodyLimit("64K"),
	)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/readyz", a.ready)
	e.GET("/static/*", a.ui.Assets.Handler)
	if a.cfg.MetricsOnMain {
		// Unauthenticated: production restricts /metrics at the proxy, or
		// moves it to HAILONG_METRICS_ADDR.
		e.GET("/metrics", echo.WrapHandler(a.MetricsHandler()))
	}

	pages := e.Group("", web.CSRF)
	survey.NewHandler(survey.HandlerConfig{
		Store: a.Survey, Committer: a.Committer, Instruments: a.ui.Instruments, Codes: a.Codes, Secret: a.cfg.Secret,
		Catalog: a.ui.Catalog, Log: a.log, Now: a.now, ReceiptTTL: a.cfg.ReceiptTTL,
		Limiter: a.Limiter, Limits: a.cfg.Limits, Metrics: a.Metrics, EmbedAncestors: a.cfg.EmbedAncestors,
	}).Register(pages)
	gate := auth.NewGate(auth.GateConfig{
		Users: a.Users, Sessions: a.Sessions, Tokens: a.Tokens, Store: a.Survey, Audit: a.Audit, Accounts: a.Accounts,
		Catalog: a.ui.Catalog, Log: a.log, Now: a.now,
		Backoff: auth.Backoff{Limiter: a.Limiter, Failures: a.cfg.LoginFailures, MaxWait: a.cfg.LoginMaxWait},
	})
	dashboard.Register(e, pages, dashboard.Config{
		Gate: gate, Audit: a.Audit, Store: a.Survey, Rollups: a.Rollups, Instruments: a.ui.Instruments, Codes: a.Codes,
		BaseURL: a.cfg.BaseURL, Catalog: a.ui.Catalog, Log: a.log, Now: a.now, ReceiptTTL: a.cfg.ReceiptTTL, Tasks: a.Tasks,
		Committer: a.Committer, Comments: a.Comments, Live: a.Live, EmbedOrigins: a.cfg.EmbedOrigins,
		AlertSuspects: a.cfg.AlertSuspects, Paper: a.Paper, Tokens: a.Tokens, Accounts: a.Accounts, Exports: a.Exporter,
	})
	return e
}

// ipExtractor decides where a client's address comes from: the TCP peer,
// unless trusted proxies are configured, whose X-Forwarded-For is then
// believed (and only theirs: the private-range defaults are off, so a
// client cannot pose as a proxy by sending the header itself).
func (a *App) ipExtractor() echo.IPExtractor {
	if len(a.cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range a.cfg.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// MetricsHandler serves the app's Prometheus metrics.
func (a *App) MetricsHandler() http.Handler {
	// The main listener's answers are compressed already (web.Compress).
	return promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn), DisableCompression: true})
}

// ready answers 200 only when both stores answer within a second.
func (a *App) ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), time.Second)
	defer cancel()
	status := map[string]string{"mongo": "ok", "redis": "ok"}
	code := http.StatusOK
	if err := a.stores.Mongo.Ping(ctx, nil); err != nil {
		status["mongo"], code = "unavailable", http.StatusServiceUnavailable
	}
	if err := a.stores.Redis.Ping(ctx).Err(); err != nil {
		status["redis"], code = "unavailable", http.StatusServiceUnavailable
	}
	return c.JSON(code, status)
}

// Server is the HTTP server of the app, with every timeout set. A
// streamed answer (raw CSV) moves its write deadline forward as it goes
// (web.Streaming), so WriteTimeout bounds only a stalled client.
func (a *App) Server() *http.Server {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(a.Live.Close)
	return srv
}
