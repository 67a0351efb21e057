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

	"hailong/internal/app"
	"hailong/survey"
)

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
	ui, err := app.LoadUI()
	if err != nil {
		return err
	}
	st, closeStores, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStores()
	secret := []byte(cfg.Secret)
	if len(secret) == 0 {
		if secret, err = loadSecret(cfg.DataDir); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	host := publicHost(ln.Addr().(*net.TCPAddr))
	baseURL := cfg.BaseURL
	if baseURL == "" {
		baseURL = "http://" + host
	}
	a, adminPassword, err := app.New(ctx, cfg.app(secret, baseURL), app.Stores{Mongo: st.mongo, DB: st.db, Redis: st.redis}, ui, log, now)
	if err != nil {
		return err
	}
	listenCtx, stopListen := context.WithCancel(ctx)
	stopWriter := a.Start(listenCtx)
	defer func() { stopListen(); stopWriter() }() // after HTTP has shut down
	stopMetrics, err := serveMetrics(cfg.Abuse.MetricsAddr, a.MetricsHandler(), log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	srv := a.Server()
	if err := printWelcome(ctx, stdout, a, st, adminPassword, baseURL, host); err != nil {
		return err
	}
	return runHTTP(ctx, srv, ln, log)
}

// runHTTP serves until ctx is done, then shuts down gracefully, letting
// requests in flight finish.
func runHTTP(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
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

// printWelcome tells whoever started the service what runs and where to
// click. The last line, "listening on URL", is what scripts wait for.
func printWelcome(ctx context.Context, w io.Writer, a *app.App, st *stores, adminPassword, baseURL, host string) error {
	fmt.Fprintf(w, "Hài Lòng\n  MongoDB: %s\n  Redis:   %s\n", st.mongoDesc, st.redisDesc)
	desks, err := a.Survey.Desks(ctx)
	if err != nil {
		return err
	}
	if d := firstDesk(desks); d != nil {
		fmt.Fprintf(w, "  Phiếu khảo sát (survey, %s): %s/s/%s\n", d.Name, baseURL, a.Codes.DeskCode(d.ID, d.Generation))
		fmt.Fprintf(w, "  Khảo sát trên Cổng thông tin (portal survey): %s/p/%s\n", baseURL, d.Unit)
	}
	fmt.Fprintf(w, "  Trang cán bộ (officials):  %s/login\n", baseURL)
	if adminPassword != "" {
		fmt.Fprintf(w, "  Tài khoản quản trị (admin account, shown once): admin / %s\n", adminPassword)
	}
	fmt.Fprintf(w, "listening on http://%s\n", host)
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
