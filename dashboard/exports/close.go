package exports

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"
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
	start, q, err := h.monthParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := auth.ViewerOf(c).User
	sum, err := h.exporter.Close(ctx, start, q.Instrument, u.Username, h.now())
	if errors.Is(err, ErrClosed) {
		return derrors.New(derrors.Conflict, "err.month_closed", c.Param("file"))
	}
	if errors.Is(err, ErrNotEnded) {
		return derrors.New(derrors.Conflict, "err.month_not_ended", c.Param("file"))
	}
	if err != nil {
		return err
	}
	out := closeJSON{Month: c.Param("file"), Instrument: q.Instrument.ID(), SHA256: sum, Closed: true}
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
	start, q, err := h.monthParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := auth.ViewerOf(c).User
	out := closeJSON{Month: c.Param("file"), Instrument: q.Instrument.ID()}
	x := h.exporter
	// The audit entry comes first, with the hash that was reported: a
	// reopening is never unrecorded.
	var before any
	snap, err := x.Closed(ctx, start, q.Instrument)
	switch {
	case err == nil:
		before = map[string]any{"sha256": snap.SHA256, "closed_at": snap.ClosedAt, "closed_by": snap.ClosedBy}
	case !errors.Is(err, derrors.NotFound): // NotFound: open already, nothing was reported
		return err
	}
	if err := h.audit.Log(ctx, u.Username, "month.reopen", "export:"+out.Month+"|"+out.Instrument, before, nil, h.now()); err != nil {
		return err
	}
	if out.SHA256, err = x.Reopen(ctx, start, q.Instrument, u.Username, h.now()); err != nil {
		return err
	}
	if fromPage(c) {
		return backToPage(c, out.Month, "reopen")
	}
	return c.JSON(http.StatusOK, out)
}

// monthParams reads the month of /exports/:file/close|reopen and the
// instrument of the query.
func (h *Handler) monthParams(c echo.Context) (time.Time, survey.Query, error) {
	start, ok := period.ParseMonth(c.Param("file"))
	if !ok {
		return time.Time{}, survey.Query{}, derrors.Param("err.param_month")
	}
	f, err := h.filters.Parse(c)
	if err != nil {
		return start, survey.Query{}, err
	}
	return start, f.Query, nil
}
