// Package suspects lists the answers the survey set aside as suspect (too
// fast, a burst, a repeated device…) for officials to review: a page and
// an API, and the decision that lets a confirmed answer into the
// indicators or keeps a rejected one out.
package suspects

import (
	"time"

	"hailong/dashboard/auth"
	"hailong/dashboard/filter"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rollup"
)

// Handler serves the suspect answers and their review.
type Handler struct {
	store       *survey.Store
	committer   *rollup.Committer
	instruments *survey.Instruments
	filters     *filter.Reader
	audit       *auth.Audit
	catalog     *web.Catalog
	now         func() time.Time
}

// Config is what the suspects' review needs.
type Config struct {
	Store *survey.Store
	// Committer counts confirmed suspect answers into the rollups.
	Committer   *rollup.Committer
	Instruments *survey.Instruments
	Filters     *filter.Reader
	Audit       *auth.Audit
	Catalog     *web.Catalog
	Now         func() time.Time
}

// NewHandler returns the suspects' handler.
func NewHandler(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{store: cfg.Store, committer: cfg.Committer, instruments: cfg.Instruments,
		filters: cfg.Filters, audit: cfg.Audit, catalog: cfg.Catalog, now: now}
}

// Register adds the suspects page, its review form and their API; only
// supervisors (admins, unit managers) review.
func (h *Handler) Register(r auth.Routes) {
	r.Pages.GET("/suspects", h.suspectsPage, r.Gate.RequirePage)
	r.Pages.POST("/responses/:id/review", h.pageReview, r.Gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	r.API.GET("/suspects", h.apiSuspects)
	r.API.POST("/responses/:id/review", h.apiReview, auth.RequireSupervisor)
}
