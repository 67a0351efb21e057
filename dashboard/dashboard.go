// Package dashboard assembles the officials' side: the sign-in gate
// (dashboard/auth) and every feature — overview, desks, suspects, paper,
// plan, exports — each a package of its own, built here once from Config
// and registered on the routes.
package dashboard

import (
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/dashboard/desks"
	"hailong/dashboard/exports"
	"hailong/dashboard/filter"
	"hailong/dashboard/overview"
	"hailong/dashboard/paper"
	"hailong/dashboard/plan"
	"hailong/dashboard/suspects"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rollup"
)

// Config is what the officials' side needs from main.
type Config struct {
	// Gate lets officials in and resolves their scope.
	Gate        *auth.Gate
	Audit       *auth.Audit
	ReceiptTTL  time.Duration
	Tasks       *plan.Tasks
	Comments    *survey.Comments
	Live        *overview.Live
	Store       *survey.Store
	Rollups     *rollup.Rollups
	Instruments *survey.Instruments
	Codes       survey.DeskCodes
	BaseURL     string
	Catalog     *web.Catalog
	Log         *slog.Logger
	Now         func() time.Time
	// Committer counts confirmed suspect answers into the rollups.
	Committer *rollup.Committer
	// Exports builds the monthly exports and closes months; the app
	// shares it with the automatic month closing.
	Exports *exports.Exporter
	// EmbedOrigins is HAILONG_EMBED_ORIGINS, shown on the embed page.
	EmbedOrigins string
	// Paper holds printed forms and their keyings.
	Paper *paper.Store
	// Tokens holds the API tokens of dossier systems; Accounts issues and
	// revokes them.
	Tokens   *auth.Tokens
	Accounts *auth.Accounts
	// AlertSuspects flags on the overview a desk with this many suspect
	// answers in the last 24 hours (HAILONG_ALERT_SUSPECTS; 0: off).
	AlertSuspects int
}

// Register adds the officials' side: the sign-in gate's pages, then each
// feature's pages (on pages, which carries CSRF) and its JSON API (under
// /api/v1 of e). Each feature is built here, once, from cfg.
func Register(e *echo.Echo, pages *echo.Group, cfg Config) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	api := e.Group("/api/v1", web.CSRF, cfg.Gate.RequireAPI)
	r := auth.Routes{Echo: e, Pages: pages, API: api, Gate: cfg.Gate}
	filters := &filter.Reader{Instruments: cfg.Instruments, Now: now}
	cfg.Gate.Register(r)
	ov := overview.NewHandler(overview.Config{
		Store: cfg.Store, Rollups: cfg.Rollups, Instruments: cfg.Instruments, Comments: cfg.Comments, Tasks: cfg.Tasks,
		Audit: cfg.Audit, Filters: filters, Catalog: cfg.Catalog, Log: cfg.Log, Now: now, Live: cfg.Live,
		AlertSuspects: cfg.AlertSuspects,
	})
	ov.Register(r)
	links := desks.NewLinks(strings.TrimRight(cfg.BaseURL, "/"), cfg.Codes)
	desks.NewHandler(desks.Config{Gate: cfg.Gate, Store: cfg.Store, Instruments: cfg.Instruments, Codes: cfg.Codes,
		Links: links, Catalog: cfg.Catalog, Audit: cfg.Audit, Tokens: cfg.Tokens, Accounts: cfg.Accounts, ReceiptTTL: cfg.ReceiptTTL,
		EmbedOrigins: cfg.EmbedOrigins, Now: now}).Register(r)
	suspects.NewHandler(suspects.Config{
		Store: cfg.Store, Committer: cfg.Committer, Instruments: cfg.Instruments, Filters: filters,
		Audit: cfg.Audit, Catalog: cfg.Catalog, Now: now,
	}).Register(r)
	paper.NewHandler(paper.Config{Forms: cfg.Paper, Store: cfg.Store, Committer: cfg.Committer, Instruments: cfg.Instruments,
		Links: links, Catalog: cfg.Catalog, Audit: cfg.Audit, Log: cfg.Log, Now: now}).Register(r)
	plan.NewHandler(cfg.Tasks, cfg.Audit, cfg.Catalog, now, ov.Reset).Register(r)
	exports.NewHandler(cfg.Exports, filters, cfg.Audit, cfg.Log, now).Register(r)
}
