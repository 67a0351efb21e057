package dashboard

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
	"hailong/survey"
)

// Handler serves the officials' pages and API.
type Handler struct {
	users       *Users
	sessions    *Sessions
	store       *survey.Store
	rollups     *survey.Rollups
	instruments *survey.Instruments
	codes       survey.DeskCodes
	baseURL     string
	catalog     *web.Catalog
	log         *slog.Logger
	now         func() time.Time
	basic       *basicCache
	audit       *Audit
	receiptTTL  time.Duration
	tasks       *Tasks
	committer   *survey.Committer
	loginGuard  loginGuard
	comments    *survey.Comments
	live        *Live
	// embedOrigins names the sites that may frame the portal survey.
	embedOrigins string
	paper        *Paper
	tokens       *Tokens
	// alertSuspects is the suspect burst alert's threshold (0: off).
	alertSuspects int
	commentCache  commentCache
	overviews     overviewCache
}

// Config is what the officials' side needs from main.
type Config struct {
	Users       *Users
	Audit       *Audit
	ReceiptTTL  time.Duration
	Tasks       *Tasks
	Comments    *survey.Comments
	Live        *Live
	Sessions    *Sessions
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
	// Limiter and LoginFailures set the sign-in backoff: LoginFailures
	// failed attempts per account (four times as many per client address)
	// are free, each further one doubles the wait, up to LoginMaxWait.
	// A nil Limiter or 0 failures turns it off.
	Limiter       *survey.Limiter
	LoginFailures int
	LoginMaxWait  time.Duration
	// EmbedOrigins is HAILONG_EMBED_ORIGINS, shown on the embed page.
	EmbedOrigins string
	// Paper holds printed forms and their keyings.
	Paper *Paper
	// Tokens holds the API tokens of dossier systems (nil: none accepted).
	Tokens *Tokens
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
	return &Handler{users: cfg.Users, sessions: cfg.Sessions, store: cfg.Store, rollups: cfg.Rollups, instruments: cfg.Instruments, codes: cfg.Codes,
		baseURL: strings.TrimRight(cfg.BaseURL, "/"), catalog: cfg.Catalog, log: cfg.Log, now: now,
		basic: newBasicCache(time.Minute), audit: cfg.Audit, receiptTTL: cfg.ReceiptTTL, tasks: cfg.Tasks,
		committer: cfg.Committer, loginGuard: newLoginGuard(cfg.Limiter, cfg.LoginFailures, cfg.LoginMaxWait),
		comments: cfg.Comments, live: cfg.Live, embedOrigins: cfg.EmbedOrigins, paper: cfg.Paper, alertSuspects: cfg.AlertSuspects,
		tokens: cfg.Tokens}
}

// Register adds the officials' pages to pages (which carries CSRF) and the
// JSON API under /api/v1 to e.
func (h *Handler) Register(e *echo.Echo, pages *echo.Group) {
	pages.GET("/login", h.loginForm)
	pages.POST("/login", h.login, web.RequireCSRF)
	pages.POST("/logout", h.logout, web.RequireCSRF)
	pages.GET("/", h.overview, h.requirePage)
	pages.GET("/desks", h.home, h.requirePage)
	pages.GET("/plan", h.planPage, h.requirePage)
	pages.GET("/exports", h.exportsPage, h.requirePage)
	pages.POST("/plan/:id", h.pageUpdateTask, h.requirePage, web.RequireCSRF)
	pages.GET("/users", h.usersPage, h.requirePage, requireAdmin)
	pages.GET("/suspects", h.suspectsPage, h.requirePage)
	pages.POST("/responses/:id/review", h.pageReview, h.requirePage, web.RequireCSRF, requireReviewer)
	pages.POST("/desks", h.pageCreateDesk, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/desks/:id/:action", h.pageDeskAction, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/units", h.pageCreateUnit, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/units/:id/move", h.pageMoveUnit, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/desks/:id/edit", h.pageEditDesk, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/units/:id/edit", h.pageEditUnit, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/units/:id/deactivate", h.pageUnitActive, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/units/:id/activate", h.pageUnitActive, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/users", h.addUser, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/users/:name/:action", h.userAction, h.requirePage, web.RequireCSRF, requireAdmin)
	pages.POST("/comments/:id/hide", h.hideComment, h.requirePage, web.RequireCSRF)
	pages.GET("/desk/:id/display", h.display)
	pages.POST("/api-tokens", h.pageCreateToken, h.requirePage, web.RequireCSRF, requireReviewer)
	pages.POST("/api-tokens/:name/revoke", h.pageRevokeToken, h.requirePage, web.RequireCSRF, requireReviewer)
	pages.POST("/desks/:id/device", h.registerDevice, h.requirePage, web.RequireCSRF, requireReviewer)
	h.registerPosters(pages)
	pages.GET("/units/:id/embed", h.embedPage, h.requirePage)
	h.registerPaper(pages)

	api := e.Group("/api/v1", web.CSRF, h.requireAPI)
	api.GET("/desks", h.apiDesks)
	api.GET("/indicators", h.apiIndicators)
	api.GET("/live", h.apiLive)
	api.GET("/units", h.apiUnits)
	api.GET("/audit", h.apiAudit, requireAdmin)
	api.POST("/units", h.apiCreateUnit, requireAdmin)
	api.PATCH("/units/:id", h.apiPatchUnit, requireAdmin)
	api.POST("/desks", h.apiCreateDesk, requireAdmin)
	api.PATCH("/desks/:id", h.apiPatchDesk, requireAdmin)
	api.POST("/desks/:id/rotate", h.apiRotateDesk, requireAdmin)
	api.POST("/receipt-links", h.apiReceiptLink)
	api.GET("/api-tokens", h.apiTokens, requireReviewer)
	api.POST("/api-tokens", h.apiCreateToken, requireReviewer)
	api.POST("/api-tokens/:name/revoke", h.apiRevokeToken, requireReviewer)
	api.GET("/suspects", h.apiSuspects)
	api.POST("/responses/:id/review", h.apiReview, requireReviewer)
	api.GET("/plan-tasks", h.apiTasks)
	api.PATCH("/plan-tasks/:id", h.apiPatchTask)
	ex := e.Group("/exports", web.CSRF, h.requireAPI)
	ex.GET("/:file", h.exportFile)
	ex.GET("/:file/report", h.exportReport)
	ex.POST("/:file/close", h.closeMonth, requireAdmin)
	ex.POST("/:file/reopen", h.reopenMonth, requireAdmin)
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
	units, err := h.store.UnitsRecent(ctx)
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	allowed := h.scope(c, units)
	names := map[string]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	desks, err := h.store.Desks(ctx)
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	out := make([]DeskView, 0, len(desks))
	for i := range desks {
		if allowed == nil || allowed[desks[i].Unit] {
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
