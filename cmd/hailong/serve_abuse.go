package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hailong/survey"
)

// setupAbuse creates the metrics registry (one per app: tests run several
// apps in one process) and the limiter shared by the citizen side and the
// officials' sign-in.
func (a *app) setupAbuse() {
	a.registry = prometheus.NewRegistry()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.metrics = survey.NewMetrics(a.registry)
	a.limiter = survey.NewLimiter(survey.LimiterConfig{
		Redis: a.stores.redis, Secret: a.secret, Metrics: a.metrics, Log: a.log,
		Timeout: a.cfg.Abuse.RedisTimeout,
	})
}

// ipExtractor decides where a client's address comes from: the TCP peer,
// unless trusted proxies are configured, whose X-Forwarded-For is then
// believed (and only theirs: the private-range defaults are off, so a
// client cannot pose as a proxy by sending the header itself).
func (a *app) ipExtractor() echo.IPExtractor {
	if len(a.cfg.Abuse.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range a.cfg.Abuse.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func (a *app) metricsHandler() http.Handler {
	// Echo's gzip middleware compresses the main listener's answers already.
	return promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn), DisableCompression: true})
}

// serveMetrics serves /metrics on its own listener when HAILONG_METRICS_ADDR
// is set (reachable by the monitoring network only); stop shuts it down.
func (a *app) serveMetrics() (stop func(), err error) {
	if a.cfg.Abuse.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", a.cfg.Abuse.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (HAILONG_METRICS_ADDR): %w", a.cfg.Abuse.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metricsHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("metrics server", "err", err)
		}
	}()
	a.log.Info("metrics listening", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}
