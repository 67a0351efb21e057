// Package paper serves printed survey forms: batches of serialised forms
// and their print views, the entry screen where officials key what
// citizens ticked (once, or twice by two people), and the side-by-side
// view where a supervisor settles two keyings that disagree. Store keeps
// all of it; a keyed form becomes a response through the committer, so
// the rollups count it like any other.
package paper

import (
	"fmt"
	"log/slog"
	"time"

	"hailong/dashboard/auth"
	"hailong/dashboard/desks"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rollup"
)

// Handler serves the paper forms to officials in their scope.
type Handler struct {
	forms       *Store
	store       *survey.Store
	committer   *rollup.Committer
	instruments *survey.Instruments
	// links are the online surveys a printed form's QR code offers.
	links   desks.Links
	catalog *web.Catalog
	audit   *auth.Audit
	log     *slog.Logger
	now     func() time.Time
}

// Config is what the paper forms need.
type Config struct {
	// Forms holds the batches, serials and keyings.
	Forms *Store
	// Store reads units and desks, and finds a stored response by nonce.
	Store *survey.Store
	// Committer stores a keyed form's response and counts it.
	Committer   *rollup.Committer
	Instruments *survey.Instruments
	Links       desks.Links
	Catalog     *web.Catalog
	Audit       *auth.Audit
	Log         *slog.Logger
	Now         func() time.Time
}

// NewHandler returns the paper forms' handler.
func NewHandler(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{forms: cfg.Forms, store: cfg.Store, committer: cfg.Committer, instruments: cfg.Instruments,
		links: cfg.Links, catalog: cfg.Catalog, audit: cfg.Audit, log: cfg.Log, now: now}
}

// Register adds printed forms and their keying (issue 9 items 2–3):
// batches and print views for supervisors, the entry screen for whoever
// keys, the side-by-side view where a supervisor settles two keyings
// that disagree.
func (h *Handler) Register(r auth.Routes) {
	pages, gate := r.Pages, r.Gate
	pages.GET("/paper", h.paperPage, gate.RequirePage, auth.RequireSupervisor)
	pages.POST("/paper/batches", h.paperCreateBatch, gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	pages.GET("/paper/batches/:id", h.paperPrint, gate.RequirePage, auth.RequireSupervisor)
	pages.GET("/paper/batches/:id/online.svg", h.paperOnlineQR, gate.RequirePage, auth.RequireSupervisor)
	pages.GET("/paper/batches/:id/online.png", h.paperOnlineQR, gate.RequirePage, auth.RequireSupervisor)
	pages.GET("/paper/qr/:file", h.paperSerialQR, gate.RequirePage, auth.RequireSupervisor)
	pages.GET("/paper/entry", h.paperEntryPage, gate.RequirePage, auth.RequireKeyer)
	pages.POST("/paper/entry", h.paperEntrySave, gate.RequirePage, web.RequireCSRF, auth.RequireKeyer)
	pages.GET("/paper/review", h.paperHeldPage, gate.RequirePage, auth.RequireSupervisor)
	pages.GET("/paper/review/:serial", h.paperResolvePage, gate.RequirePage, auth.RequireSupervisor)
	pages.POST("/paper/review/:serial", h.paperResolve, gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
}

// instrument returns the instrument version a batch was printed with; one
// that is not loaded is the server's fault (503), not the form's.
func (h *Handler) instrument(id string) (*survey.Instrument, error) {
	in, ok := h.instruments.Get(id)
	if !ok {
		return nil, fmt.Errorf("instrument %s not loaded: %w", id, derrors.ErrUnavailable)
	}
	return in, nil
}
