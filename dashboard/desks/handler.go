// Package desks serves units and desks as officials manage them: the
// /desks page and its forms, the units and desks JSON API, QR images,
// posters and leaflets, the portal embed snippets, the desk display,
// device registration, receipt links and the API tokens' API and forms.
// The token store and bearer sign-in stay in dashboard/auth.
package desks

import (
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/web"
	"hailong/survey"
)

// Handler serves the desks feature to officials in their scope.
type Handler struct {
	// gate signs the official out of a browser registered as a device.
	gate        *auth.Gate
	store       *survey.Store
	instruments *survey.Instruments
	codes       survey.DeskCodes
	links       Links
	catalog     *web.Catalog
	audit       *auth.Audit
	tokens      *auth.Tokens
	accounts    *auth.Accounts
	receiptTTL  time.Duration
	// embedOrigins names the sites that may frame the portal survey.
	embedOrigins string
	now          func() time.Time
}

// Config is what the desks feature needs.
type Config struct {
	Gate        *auth.Gate
	Store       *survey.Store
	Instruments *survey.Instruments
	// Codes signs desk codes, device cookies and receipt links.
	Codes survey.DeskCodes
	// Links are the public addresses QR codes and snippets hold.
	Links   Links
	Catalog *web.Catalog
	Audit   *auth.Audit
	// Tokens holds the API tokens of dossier systems (nil: no token forms).
	Tokens *auth.Tokens
	// Accounts issues and revokes tokens, audited.
	Accounts *auth.Accounts
	// ReceiptTTL is how long a receipt link stays valid.
	ReceiptTTL time.Duration
	// EmbedOrigins is HAILONG_EMBED_ORIGINS, shown on the embed page.
	EmbedOrigins string
	Now          func() time.Time
}

// NewHandler returns the desks feature's handler.
func NewHandler(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{gate: cfg.Gate, store: cfg.Store, instruments: cfg.Instruments, codes: cfg.Codes,
		links: cfg.Links, catalog: cfg.Catalog, audit: cfg.Audit, tokens: cfg.Tokens, accounts: cfg.Accounts,
		receiptTTL: cfg.ReceiptTTL, embedOrigins: cfg.EmbedOrigins, now: now}
}

// Register adds the desks page and its forms, the display, device
// registration, posters and embed page, then the JSON API.
func (h *Handler) Register(r auth.Routes) {
	pages, gate := r.Pages, r.Gate
	pages.GET("/desks", h.home, gate.RequirePage)
	pages.POST("/desks", h.pageCreateDesk, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/desks/:id/:action", h.pageDeskAction, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units", h.pageCreateUnit, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/move", h.pageMoveUnit, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/desks/:id/edit", h.pageEditDesk, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/edit", h.pageEditUnit, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/deactivate", h.pageUnitActive, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/activate", h.pageUnitActive, gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	// The display faces the public: its device cookie lets it in, not a
	// session (see display).
	pages.GET("/desk/:id/display", h.display)
	pages.POST("/api-tokens", h.pageCreateToken, gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	pages.POST("/api-tokens/:name/revoke", h.pageRevokeToken, gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	pages.POST("/desks/:id/device", h.registerDevice, gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	h.registerPosters(pages, gate)
	pages.GET("/units/:id/embed", h.embedPage, gate.RequirePage)

	api := r.API
	api.GET("/desks", h.apiDesks)
	api.GET("/units", h.apiUnits)
	api.POST("/units", h.apiCreateUnit, auth.RequireAdmin)
	api.PATCH("/units/:id", h.apiPatchUnit, auth.RequireAdmin)
	api.POST("/desks", h.apiCreateDesk, auth.RequireAdmin)
	api.PATCH("/desks/:id", h.apiPatchDesk, auth.RequireAdmin)
	api.POST("/desks/:id/rotate", h.apiRotateDesk, auth.RequireAdmin)
	api.POST("/receipt-links", h.apiReceiptLink)
	api.GET("/api-tokens", h.apiTokens, auth.RequireSupervisor)
	api.POST("/api-tokens", h.apiCreateToken, auth.RequireSupervisor)
	api.POST("/api-tokens/:name/revoke", h.apiRevokeToken, auth.RequireSupervisor)
}

// desk returns a desk by id for the request's viewer: NotFound for an
// unknown desk and for one outside the official's scope alike. Device
// pages (no viewer) check their device cookie instead.
func (h *Handler) desk(c echo.Context, id string) (*survey.Desk, error) {
	if v := auth.ViewerOf(c); v != nil {
		return v.Desk(c.Request().Context(), id)
	}
	return h.store.Desk(c.Request().Context(), id)
}

// Links builds the public addresses citizens are sent to: a desk's survey
// (what its QR code holds) and a unit's portal survey.
type Links struct {
	base  string
	codes survey.DeskCodes
}

// NewLinks returns the links under base (a trailing slash is dropped),
// signing desk codes with codes.
func NewLinks(base string, codes survey.DeskCodes) Links {
	return Links{base: strings.TrimRight(base, "/"), codes: codes}
}

// Survey is the full address desk d's QR code opens.
func (l Links) Survey(d *survey.Desk) string {
	return l.SurveyCode(l.codes.DeskCode(d.ID, d.Generation))
}

// SurveyCode is the full survey address of a desk code (a rotating
// display shows one of the current minute).
func (l Links) SurveyCode(code string) string { return l.base + "/s/" + code }

// Portal is the full address of a unit's portal survey.
func (l Links) Portal(unit string) string { return l.base + "/p/" + url.PathEscape(unit) }

// Base is the public address everything is under, without a trailing slash.
func (l Links) Base() string { return l.base }
