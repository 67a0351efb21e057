// Package exports is the monthly index export: a month's tables (summary,
// criteria, desks, channels, comments, plan) built from the rollups, as
// XLSX, CSV and a printable report; closing a month freezes its tables as
// a snapshot with a SHA-256 ("Chốt số liệu"), by an admin or automatically
// once it is old enough. The HTTP handlers and "hailong export" share one
// Exporter, so both give the same data.
package exports

import (
	"log/slog"
	"time"

	"hailong/dashboard/auth"
	"hailong/dashboard/filter"
	"hailong/internal/web"
)

// Handler serves the exports page and the /exports downloads, closing and
// reopening, to officials in their scope.
type Handler struct {
	exporter *Exporter
	filters  *filter.Reader
	audit    *auth.Audit
	log      *slog.Logger
	now      func() time.Time
}

// NewHandler returns the exports' handler over x, the exporter the app
// shares with the automatic month closing.
func NewHandler(x *Exporter, filters *filter.Reader, audit *auth.Audit, log *slog.Logger, now func() time.Time) *Handler {
	return &Handler{exporter: x, filters: filters, audit: audit, log: log, now: now}
}

// Register adds the exports page (pages, with CSRF) and the /exports
// group: downloads and the report for officials signed in by session or
// token, closing and reopening for admins.
func (h *Handler) Register(r auth.Routes) {
	r.Pages.GET("/exports", h.exportsPage, r.Gate.RequirePage)
	ex := r.Echo.Group("/exports", web.CSRF, r.Gate.RequireAPI)
	ex.GET("/:file", h.exportFile)
	ex.GET("/:file/report", h.exportReport)
	ex.POST("/:file/close", h.closeMonth, auth.RequireAdmin)
	ex.POST("/:file/reopen", h.reopenMonth, auth.RequireAdmin)
}
