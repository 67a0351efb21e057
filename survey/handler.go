package survey

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/web"
)

// Handler serves the citizen side: the survey form, its submission and
// the thank-you page.
type Handler struct {
	store       *Store
	committer   *Committer
	instruments *Instruments
	codes       DeskCodes
	tickets     ticketer
	catalog     *web.Catalog
	log         *slog.Logger
	now         func() time.Time
	desks       *deskCache
}

// HandlerConfig is what the citizen side needs from main.
type HandlerConfig struct {
	Store       *Store
	Committer   *Committer
	Instruments *Instruments
	Codes       DeskCodes
	Secret      []byte
	Catalog     *web.Catalog
	Log         *slog.Logger
	Now         func() time.Time // nil: time.Now
}

// NewHandler returns the citizen-side handler.
func NewHandler(cfg HandlerConfig) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Handler{
		store:       cfg.Store,
		committer:   cfg.Committer,
		instruments: cfg.Instruments,
		codes:       cfg.Codes,
		tickets:     newTicketer(cfg.Secret),
		catalog:     cfg.Catalog,
		log:         cfg.Log,
		now:         now,
		desks:       newDeskCache(cfg.Store, 5*time.Second),
	}
}

// Register adds the citizen routes to g (which carries the CSRF cookie).
func (h *Handler) Register(g *echo.Group) {
	g.GET("/s/:code", h.form)
	g.POST("/s/:code", h.submit)
	g.GET("/s/:code/thanks", h.thanks)
}

// target is the desk a code opens, with what the form needs of it.
type target struct {
	Code       string
	Desk       *Desk
	Unit       *Unit
	Instrument *Instrument
}

// resolve checks a scanned code and loads its desk. Each way a code can
// fail gets its own page: a citizen holding an old poster must learn to scan
// the new one, not see "not found".
func (h *Handler) resolve(ctx context.Context, code string) (*target, error) {
	id, ok := h.codes.DeskID(code)
	if !ok {
		return nil, web.NewError(http.StatusNotFound, "err.desk_not_found", nil)
	}
	d, u, err := h.desks.get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, web.NewError(http.StatusNotFound, "err.desk_not_found", nil)
	}
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if code != h.codes.DeskCode(d.ID, d.Generation) {
		for g := d.Generation - 1; g >= 1; g-- {
			if code == h.codes.DeskCode(d.ID, g) {
				return nil, web.NewError(http.StatusGone, "err.code_rotated", nil)
			}
		}
		return nil, web.NewError(http.StatusNotFound, "err.desk_not_found", nil)
	}
	if !d.Active {
		return nil, web.NewError(http.StatusGone, "err.desk_inactive", nil)
	}
	in, ok := h.instruments.Latest(d.Instrument)
	if !ok {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable",
			errors.New("desk "+d.ID+" uses unknown instrument "+d.Instrument))
	}
	return &target{Code: code, Desk: d, Unit: u, Instrument: in}, nil
}

func (h *Handler) thanks(c echo.Context) error {
	t, err := h.resolve(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	return web.RenderPage(c, http.StatusOK, "thanks", web.NewPage(c, "title.thanks", thanksView{
		Unit: t.Unit.DisplayName(lang),
		Desk: t.Desk.DisplayName(lang),
	}))
}

type thanksView struct {
	Unit, Desk string
}
