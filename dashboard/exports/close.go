package exports

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
)

type closeJSON struct {
	Month      string `json:"month"`
	Instrument string `json:"instrument"`
	SHA256     string `json:"sha256,omitempty"`
	Closed     bool   `json:"closed"`
}

// closeMonth is POST /exports/:month/close ("Chốt số liệu", admins): the
// month's tables become an immutable snapshot; audited.
func (h *Handler) closeMonth(c echo.Context) error {
	s, err := h.monthScope(c, c.Param("file"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := auth.ViewerOf(c).User
	sum, err := h.exporter.Close(ctx, s.Month, s.Instrument, u.Username, h.now())
	if errors.Is(err, ErrClosed) {
		return derrors.New(derrors.ErrConflict, "err.month_closed", c.Param("file"))
	}
	if errors.Is(err, ErrNotEnded) {
		return derrors.New(derrors.ErrConflict, "err.month_not_ended", c.Param("file"))
	}
	if err != nil {
		return err
	}
	out := closeJSON{Month: c.Param("file"), Instrument: s.Instrument.ID(), SHA256: sum, Closed: true}
	if err := h.audit.Log(ctx, u.Username, "month.close", "export:"+out.Month+"|"+out.Instrument, nil, out, h.now()); err != nil {
		return err
	}
	if fromPage(c) {
		return backToPage(c, out.Month, "close")
	}
	return c.JSON(http.StatusOK, out)
}

// reopenMonth is POST /exports/:month/reopen (admins, audited): the
// month's exports are computed again from the rollups.
func (h *Handler) reopenMonth(c echo.Context) error {
	s, err := h.monthScope(c, c.Param("file"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := auth.ViewerOf(c).User
	out := closeJSON{Month: c.Param("file"), Instrument: s.Instrument.ID()}
	// The audit entry comes first, with the hash that was reported: a
	// reopening is never unrecorded.
	var before any
	snap, err := h.exporter.Closed(ctx, s.Month, s.Instrument)
	switch {
	case err == nil:
		before = map[string]any{"sha256": snap.SHA256, "closed_at": snap.ClosedAt, "closed_by": snap.ClosedBy}
	case !errors.Is(err, derrors.ErrNotFound): // NotFound: open already, nothing was reported
		return err
	}
	if err := h.audit.Log(ctx, u.Username, "month.reopen", "export:"+out.Month+"|"+out.Instrument, before, nil, h.now()); err != nil {
		return err
	}
	if out.SHA256, err = h.exporter.Reopen(ctx, s.Month, s.Instrument, u.Username, h.now()); err != nil {
		return err
	}
	if fromPage(c) {
		return backToPage(c, out.Month, "reopen")
	}
	return c.JSON(http.StatusOK, out)
}
