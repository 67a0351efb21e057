package dashboard

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/dashboard/exports"
	"hailong/dashboard/filter"
	"hailong/dashboard/overview"
	"hailong/dashboard/plan"
	"hailong/dashboard/suspects"
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
	live        *overview.Live
	// embedOrigins names the sites that may frame the portal survey.
	embedOrigins string
	paper        *Paper
	tokens       *auth.Tokens
	// alertSuspects is the suspect burst alert's threshold (0: off).
	alertSuspects int
	filters       *filter.Reader
	exports       *exports.Exporter
}

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
	Rollups     *survey.Rollups
	Instruments *survey.Instruments
	Codes       survey.DeskCodes
	BaseURL     string
	Catalog     *web.Catalog
	Log         *slog.Logger
	Now         func() time.Time
	// Committer counts confirmed suspect answers into the rollups.
	Committer *survey.Committer
	// Exports builds the monthly exports and closes months; the app
	// shares it with the automatic month closing.
	Exports *exports.Exporter
	// EmbedOrigins is HAILONG_EMBED_ORIGINS, shown on the embed page.
	EmbedOrigins string
	// Paper holds printed forms and their keyings.
	Paper *Paper
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
		tokens: cfg.Tokens, exports: cfg.Exports, filters: &filter.Reader{Instruments: cfg.Instruments, Now: now}}
}

// Register adds the officials' pages to pages (which carries CSRF) and the
// JSON API under /api/v1 to e.
func (h *Handler) Register(e *echo.Echo, pages *echo.Group) {
	api := e.Group("/api/v1", web.CSRF, h.gate.RequireAPI)
	r := auth.Routes{Echo: e, Pages: pages, API: api, Gate: h.gate}
	h.gate.Register(r)
	ov := overview.NewHandler(overview.Config{
		Store: h.store, Rollups: h.rollups, Instruments: h.instruments, Comments: h.comments, Tasks: h.tasks,
		Audit: h.audit, Filters: h.filters, Catalog: h.catalog, Log: h.log, Now: h.now, Live: h.live,
		AlertSuspects: h.alertSuspects,
	})
	ov.Register(r)
	pages.GET("/desks", h.home, h.gate.RequirePage)
	suspects.NewHandler(suspects.Config{
		Store: h.store, Committer: h.committer, Instruments: h.instruments, Filters: h.filters,
		Audit: h.audit, Catalog: h.catalog, Now: h.now,
	}).Register(r)
	pages.POST("/desks", h.pageCreateDesk, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/desks/:id/:action", h.pageDeskAction, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units", h.pageCreateUnit, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/move", h.pageMoveUnit, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/desks/:id/edit", h.pageEditDesk, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/edit", h.pageEditUnit, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/deactivate", h.pageUnitActive, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.POST("/units/:id/activate", h.pageUnitActive, h.gate.RequirePage, web.RequireCSRF, auth.RequireAdmin)
	pages.GET("/desk/:id/display", h.display)
	pages.POST("/api-tokens", h.pageCreateToken, h.gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	pages.POST("/api-tokens/:name/revoke", h.pageRevokeToken, h.gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	pages.POST("/desks/:id/device", h.registerDevice, h.gate.RequirePage, web.RequireCSRF, auth.RequireSupervisor)
	h.registerPosters(pages)
	pages.GET("/units/:id/embed", h.embedPage, h.gate.RequirePage)
	h.registerPaper(pages)

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
	plan.NewHandler(h.tasks, h.audit, h.catalog, h.now, ov.Reset).Register(r)
	exports.NewHandler(h.exports, h.filters, h.audit, h.log, h.now).Register(r)
}

// DeskView is a desk as officials see it, with its full survey URL.
type DeskView struct {
	ID         string   `json:"id"`
	Unit       string   `json:"unit"`
	UnitName   string   `json:"unit_name"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en,omitempty"`
	Instrument string   `json:"instrument"`
	Fields     []string `json:"fields,omitempty"`
	QRMode     string   `json:"qr_mode"`
	Active     bool     `json:"active"`
	SurveyURL  string   `json:"survey_url"`
	// QRVersion versions the page's QR download links (see qrVersion).
	QRVersion string `json:"-"`
}

func (h *Handler) deskViews(c echo.Context) ([]DeskView, error) {
	ctx := c.Request().Context()
	v := auth.ViewerOf(c)
	names := map[string]string{}
	for _, u := range v.Tree() {
		names[u.ID] = u.Name
	}
	desks, err := h.store.Desks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DeskView, 0, len(desks))
	for i := range desks {
		if v.SeesDesk(&desks[i]) {
			out = append(out, h.deskView(&desks[i], names))
		}
	}
	return out, nil
}

// deskView is d as officials see it; names maps unit ids to names (nil:
// leave the unit name empty).
func (h *Handler) deskView(d *survey.Desk, names map[string]string) DeskView {
	mode := d.QRMode
	if mode == "" {
		mode = survey.QRStatic
	}
	return DeskView{
		ID: d.ID, Unit: d.Unit, UnitName: names[d.Unit], Name: d.Name, NameEN: d.NameEN, Instrument: d.Instrument,
		Fields: d.Fields, QRMode: mode, Active: d.Active,
		SurveyURL: h.baseURL + "/s/" + h.codes.DeskCode(d.ID, d.Generation),
		QRVersion: h.qrVersion(d),
	}
}

func (h *Handler) apiDesks(c echo.Context) error {
	desks, err := h.deskViews(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, desks)
}
