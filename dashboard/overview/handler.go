// Package overview is the officials' overview: the page at / with its
// figures, charts, rankings, recent comments and alerts, re-read live
// after every flush of the rollups; the Server-Sent Events stream that
// announces those flushes (Live); the indicators API; and the moderation
// of the comments the overview lists.
package overview

import (
	"log/slog"
	"time"

	"hailong/dashboard/auth"
	"hailong/dashboard/filter"
	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rollup"
)

// Handler serves the overview, its live stream, the indicators API and
// comment moderation.
type Handler struct {
	store       *survey.Store
	rollups     *rollup.Rollups
	instruments *survey.Instruments
	comments    *survey.Comments
	tasks       *plan.Tasks
	audit       *auth.Audit
	filters     *filter.Reader
	catalog     *web.Catalog
	log         *slog.Logger
	now         func() time.Time
	live        *Live
	// alertSuspects is the suspect burst alert's threshold (0: off).
	alertSuspects int

	// builds shares one build of the page among dashboards; commentReads
	// keeps recent comment reads until the next flush.
	builds       buildCache
	commentReads commentCache
}

// Config is what the overview needs.
type Config struct {
	Store       *survey.Store
	Rollups     *rollup.Rollups
	Instruments *survey.Instruments
	// Comments holds the comment lists, their hiding and suspect counts.
	Comments *survey.Comments
	// Tasks are the plan's tasks, shown beside the figures.
	Tasks   *plan.Tasks
	Audit   *auth.Audit
	Filters *filter.Reader
	Catalog *web.Catalog
	Log     *slog.Logger
	Now     func() time.Time
	// Live announces flushes; it may be nil (no stream, no flush count).
	Live *Live
	// AlertSuspects flags a desk with this many suspect answers in the
	// last 24 hours (0: off).
	AlertSuspects int
}

// NewHandler returns the overview's handler.
func NewHandler(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{
		store: cfg.Store, rollups: cfg.Rollups, instruments: cfg.Instruments, comments: cfg.Comments,
		tasks: cfg.Tasks, audit: cfg.Audit, filters: cfg.Filters, catalog: cfg.Catalog, log: cfg.Log,
		now: now, live: cfg.Live, alertSuspects: cfg.AlertSuspects,
	}
}

// Register adds the overview page, the comment moderation form, the
// indicators API and the live stream.
func (h *Handler) Register(r auth.Routes) {
	r.Pages.GET("/", h.overview, r.Gate.RequirePage)
	r.Pages.POST("/comments/:id/hide", h.hideComment, r.Gate.RequirePage, web.RequireCSRF)
	r.API.GET("/indicators", h.apiIndicators)
	r.API.GET("/live", h.apiLive)
}

// Reset forgets every shared build of the page after a change that no
// flush announces (a plan task saved), so this replica's next page
// shows it.
func (h *Handler) Reset() { h.builds.reset() }
