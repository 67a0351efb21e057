package dashboard

import (
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/dashboard/auth"
	"hailong/dashboard/desks"
	"hailong/dashboard/filter"
	"hailong/dashboard/paper"
	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey"
)

// Handler serves the officials' pages and API.
type Handler struct {
	gate        *auth.Gate
	store       *survey.Store
	rollups     *survey.Rollups
	instruments *survey.Instruments
	codes       survey.DeskCodes
	baseURL     string
	catalog     *web.Catalog
	log         *slog.Logger
	now         func() time.Time
	audit       *auth.Audit
	receiptTTL  time.Duration
	tasks       *plan.Tasks
	committer   *survey.Committer
	comments    *survey.Comments
	live        *Live
	// embedOrigins names the sites that may frame the portal survey.
	embedOrigins string
	paper        *paper.Store
	tokens       *auth.Tokens
	// alertSuspects is the suspect burst alert's threshold (0: off).
	alertSuspects int
	commentCache  commentCache
	overviews     overviewCache
	filters       *filter.Reader
	snapshots     *mongo.Collection
}

// Config is what the officials' side needs from main.
type Config struct {
	// Gate lets officials in and resolves their scope.
	Gate        *auth.Gate
	Audit       *auth.Audit
	ReceiptTTL  time.Duration
	Tasks       *plan.Tasks
	Comments    *survey.Comments
	Live        *Live
	Store       *survey.Store
	Rollups     *survey.Rollups
	Instruments *survey.Instruments
	Codes       survey.DeskCodes
	BaseURL     string
	Catalog     *web.Catalog
	Log         *slog.Logger
	Now         func() time.Time
	// Committer counts confirmed suspect answers into the rollups.
	Committer *survey.Committer
	// Snapshots holds the frozen tables of closed months.
	Snapshots *mongo.Collection
	// EmbedOrigins is HAILONG_EMBED_ORIGINS, shown on the embed page.
	EmbedOrigins string
	// Paper holds printed forms and their keyings.
	Paper *paper.Store
	// Tokens holds the API tokens of dossier systems.
	Tokens *auth.Tokens
	// AlertSuspects flags on the overview a desk with this many suspect
	// answers in the last 24 hours (HAILONG_ALERT_SUSPECTS; 0: off).
	AlertSuspects int
}

// NewHandler returns the officials' handler.
func NewHandler(cfg Config) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{gate: cfg.Gate, store: cfg.Store, rollups: cfg.Rollups, instruments: cfg.Instruments, codes: cfg.Codes,
		baseURL: strings.TrimRight(cfg.BaseURL, "/"), catalog: cfg.Catalog, log: cfg.Log, now: now,
		audit: cfg.Audit, receiptTTL: cfg.ReceiptTTL, tasks: cfg.Tasks, committer: cfg.Committer,
		comments: cfg.Comments, live: cfg.Live, embedOrigins: cfg.EmbedOrigins, paper: cfg.Paper, alertSuspects: cfg.AlertSuspects,
		tokens: cfg.Tokens, snapshots: cfg.Snapshots, filters: &filter.Reader{Instruments: cfg.Instruments, Now: now}}
}

// Register adds the officials' pages to pages (which carries CSRF) and the
// JSON API under /api/v1 to e.
func (h *Handler) Register(e *echo.Echo, pages *echo.Group) {
	api := e.Group("/api/v1", web.CSRF, h.gate.RequireAPI)
	r := auth.Routes{Echo: e, Pages: pages, API: api, Gate: h.gate}
	h.gate.Register(r)
	pages.GET("/", h.overview, h.gate.RequirePage)
	links := desks.NewLinks(h.baseURL, h.codes)
	desks.NewHandler(desks.Config{Gate: h.gate, Store: h.store, Instruments: h.instruments, Codes: h.codes,
		Links: links, Catalog: h.catalog, Audit: h.audit, Tokens: h.tokens, ReceiptTTL: h.receiptTTL,
		EmbedOrigins: h.embedOrigins, Now: h.now}).Register(r)
	pages.GET("/exports", h.exportsPage, h.gate.RequirePage)
	pages.GET("/suspects", h.suspectsPage, h.gate.RequirePage)
	pages.POST("/responses/:id/review", h.pageReview, h.gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	pages.POST("/comments/:id/hide", h.hideComment, h.gate.RequirePage, web.RequireCSRF)
	paper.NewHandler(paper.Config{Forms: h.paper, Store: h.store, Committer: h.committer, Instruments: h.instruments,
		Links: links, Catalog: h.catalog, Audit: h.audit, Log: h.log, Now: h.now}).Register(r)
	api.GET("/indicators", h.apiIndicators)
	api.GET("/live", h.apiLive)
	api.GET("/suspects", h.apiSuspects)
	api.POST("/responses/:id/review", h.apiReview, auth.RequireSupervisor)
	plan.NewHandler(h.tasks, h.audit, h.catalog, h.now, h.overviews.reset).Register(r)
	ex := e.Group("/exports", web.CSRF, h.gate.RequireAPI)
	ex.GET("/:file", h.exportFile)
	ex.GET("/:file/report", h.exportReport)
	ex.POST("/:file/close", h.closeMonth, auth.RequireAdmin)
	ex.POST("/:file/reopen", h.reopenMonth, auth.RequireAdmin)
}
