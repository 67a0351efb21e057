package survey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/limit"
	"hailong/internal/metrics"
	"hailong/internal/web"
)

// Handler serves the citizen side: the survey form, its submission and
// the thank-you page, through every way a citizen arrives: a desk's QR code
// (/s/), a kiosk tablet (/k/), a dossier receipt (/r/) and the city
// portal (/p/, which other sites may frame).
type Handler struct {
	store       *Store
	committer   Submitter
	instruments *Instruments
	codes       DeskCodes
	tickets     ticketer
	catalog     *web.Catalog
	log         *slog.Logger
	now         func() time.Time
	receiptTTL  time.Duration
	forms       formCache
	limiter     *limit.Limiter
	limits      Limits
	metrics     *metrics.Abuse
	frameable   echo.MiddlewareFunc
}

// Submitter stores a citizen's response durably. Submit returns once it
// is stored: nil, derrors.ErrDuplicate for a nonce already stored, or the
// store's error; ctx bounds only the wait.
type Submitter interface {
	Submit(ctx context.Context, r *Response) error
}

// HandlerConfig is what the citizen side needs from main.
type HandlerConfig struct {
	Store *Store
	// Committer stores each answer (a *rollup.Committer, which also
	// counts it into the indicators).
	Committer   Submitter
	Instruments *Instruments
	Codes       DeskCodes
	Secret      []byte
	Catalog     *web.Catalog
	Log         *slog.Logger
	Now         func() time.Time // nil: time.Now
	// ReceiptTTL is how long a receipt link stays valid (default 30 days).
	ReceiptTTL time.Duration
	// Limiter enforces Limits across replicas; nil turns the limits off
	// (the suspicion rules that need no Redis still apply).
	Limiter *limit.Limiter
	Limits  Limits
	Metrics *metrics.Abuse
	// EmbedAncestors are the CSP frame-ancestors sources that may frame
	// the portal form (web.ParseFrameAncestors); empty: this site only.
	EmbedAncestors string
}

// NewHandler returns the citizen-side handler.
func NewHandler(cfg HandlerConfig) *Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	ttl := cfg.ReceiptTTL
	if ttl <= 0 {
		ttl = 30 * 24 * time.Hour
	}
	ancestors := cfg.EmbedAncestors
	if ancestors == "" {
		ancestors = "'self'"
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
		receiptTTL:  ttl,
		limiter:     cfg.Limiter,
		limits:      cfg.Limits,
		metrics:     cfg.Metrics,
		frameable:   web.Frameable(ancestors),
	}
}

// resolver finds what a citizen's URL opens; at is when the form was
// rendered (now for a GET, the ticket's time for a POST), so a rotating
// code that was valid when the citizen scanned it still accepts the answer.
type resolver func(c echo.Context, at time.Time) (*target, error)

// Register adds the citizen routes to g (which carries the CSRF cookie).
func (h *Handler) Register(g *echo.Group) {
	for _, e := range []struct {
		prefix string
		res    resolver
		mw     []echo.MiddlewareFunc
	}{
		{"/s/:code", h.resolveCode, nil},
		{"/k/:desk", h.resolveKiosk, nil},
		{"/r/:token", h.resolveReceipt, nil},
		{"/p/:unit", h.resolvePortal, []echo.MiddlewareFunc{h.frameable}},
	} {
		g.GET(e.prefix, h.formHandler(e.res), e.mw...)
		g.POST(e.prefix, h.submitHandler(e.res), e.mw...)
		g.GET(e.prefix+"/thanks", h.thanksHandler(e.res), e.mw...)
	}
}

// target is what a citizen's URL opens, with what the form needs of it.
type target struct {
	Desk       *Desk
	Unit       *Unit
	Instrument *Instrument
	Channel    string
	// Path is where the form posts; Path+"/thanks" is the thank-you page.
	Path string
	// Dossier is the keyed hash of a receipt's dossier code.
	Dossier   string
	Procedure string
	Field     string
	// Kiosk pages are big, and the thank-you resets to a fresh form.
	Kiosk bool
	// Portal is the unit's offer on /p/ (nil elsewhere); Served is how
	// the citizen said they were served.
	Portal *portalUnit
	Served string
}

// desk loads a desk and its instrument, refusing inactive desks.
func (h *Handler) desk(ctx context.Context, id string) (*target, error) {
	d, u, err := h.store.deskWithUnit(ctx, id)
	if errors.Is(err, derrors.ErrNotFound) {
		return nil, web.NewError(http.StatusNotFound, "err.desk_not_found", nil)
	}
	if err != nil {
		return nil, err
	}
	if !d.Active || (u != nil && !u.IsActive()) {
		// A desk of an inactive unit is closed like a paused desk.
		return nil, web.NewError(http.StatusGone, "err.desk_inactive", nil)
	}
	in, ok := h.instruments.Latest(d.Instrument)
	if !ok {
		return nil, fmt.Errorf("desk %s uses instrument %s, not loaded: %w", d.ID, d.Instrument, derrors.ErrUnavailable)
	}
	return &target{Desk: d, Unit: u, Instrument: in}, nil
}

// resolveCode checks a scanned desk code. Each way a code can fail gets its
// own page: a citizen holding an old poster must learn to scan the new one,
// not see "not found".
func (h *Handler) resolveCode(c echo.Context, at time.Time) (*target, error) {
	code := c.Param("code")
	id, ok := h.codes.DeskID(code)
	if !ok {
		return nil, web.NewError(http.StatusNotFound, "err.desk_not_found", nil)
	}
	t, err := h.desk(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	d := t.Desk
	if !h.codeValid(d, code, at) {
		for g := d.Generation - 1; g >= 1; g-- {
			if code == h.codes.DeskCode(d.ID, g) {
				return nil, web.NewError(http.StatusGone, "err.code_rotated", nil)
			}
		}
		if d.QRMode == QRRotating && code == h.codes.DeskCode(d.ID, d.Generation) {
			return nil, web.NewError(http.StatusGone, "err.code_rotated", nil)
		}
		if d.QRMode == QRRotating {
			return nil, web.NewError(http.StatusGone, "err.code_expired", nil)
		}
		return nil, web.NewError(http.StatusNotFound, "err.desk_not_found", nil)
	}
	t.Channel, t.Path = ChannelQR, "/s/"+code
	return t, nil
}

// codeValid accepts a static desk's current code, or a rotating desk's
// code of the window at, or of the window before it.
func (h *Handler) codeValid(d *Desk, code string, at time.Time) bool {
	if d.QRMode != QRRotating {
		return code == h.codes.DeskCode(d.ID, d.Generation)
	}
	w := RotationWindow(at)
	return code == h.codes.DeskCodeAt(d.ID, d.Generation, w) || code == h.codes.DeskCodeAt(d.ID, d.Generation, w-1)
}

// RotationWindow is the window of a rotating desk code: one a minute.
func RotationWindow(t time.Time) int64 { return t.Unix() / 60 }

func (h *Handler) formHandler(res resolver) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := res(c, h.now())
		if err != nil {
			return err
		}
		if t.Dossier != "" {
			if answered, err := h.store.DossierAnswered(c.Request().Context(), t.Dossier, h.now()); err != nil {
				return err
			} else if answered {
				return web.NewError(http.StatusConflict, "err.dossier_answered", nil)
			}
		}
		deviceID(c, true)
		return h.renderBlank(c, t)
	}
}

func (h *Handler) thanksHandler(res resolver) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := res(c, h.now())
		if err != nil {
			var we *web.Error
			// The thank-you outlives the code: a rotating code's window, or
			// "Đổi mã QR" right after the citizen answered.
			if !errors.As(err, &we) || we.MsgID != "err.code_expired" && we.MsgID != "err.code_rotated" {
				return err
			}
			t = &target{Desk: &Desk{}, Unit: &Unit{}}
		}
		lang := web.Lang(c)
		p := web.NewPage(c, "title.thanks", thanksView{
			Unit: t.Unit.DisplayName(lang),
			Desk: t.Desk.DisplayName(lang),
			// Framed, the thank-you tells the host page its new height.
			Script: t.Portal != nil,
		})
		if t.Kiosk {
			p.Refresh, p.BodyClass = "10;url="+t.Path, "kiosk"
		}
		return web.RenderPage(c, http.StatusOK, "thanks", p)
	}
}

type thanksView struct {
	Unit, Desk string
	Script     bool
}
