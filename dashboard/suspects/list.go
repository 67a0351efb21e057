package suspects

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/survey"
)

// suspectJSON is one suspect answer as officials review it.
type suspectJSON struct {
	ID          string              `json:"id"`
	Desk        string              `json:"desk"`
	Unit        string              `json:"unit"`
	Channel     string              `json:"channel"`
	Instrument  string              `json:"instrument"`
	SubmittedAt time.Time           `json:"submitted_at"`
	Reasons     []string            `json:"reasons"`
	Answers     map[string]int      `json:"answers"`
	Choices     map[string][]string `json:"choices,omitempty"`
	Comment     string              `json:"comment,omitempty"`
	Review      *survey.Review      `json:"review,omitempty"`
}

// suspectUnits returns the units whose suspect answers the request asks
// for: the unit parameter's subtree, else the viewer's scope (nil: all).
// A unit that does not exist or is out of scope is a 404 naming it.
func suspectUnits(c echo.Context) (map[string]bool, error) {
	v := auth.ViewerOf(c)
	id := c.QueryParam("unit")
	if id == "" {
		return v.Units(), nil
	}
	if _, err := v.Unit(c.Request().Context(), id); err != nil {
		return nil, auth.InScope(err, "err.param_unit", id)
	}
	return survey.Subtree(v.Tree(), id), nil
}

// apiSuspects lists the suspect answers of a period (default this month)
// with their reasons and any review.
func (h *Handler) apiSuspects(c echo.Context) error {
	out, err := h.suspects(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// suspects reads the suspect answers the request asks for (unit, from, to).
func (h *Handler) suspects(c echo.Context) ([]suspectJSON, error) {
	units, err := suspectUnits(c)
	if err != nil {
		return nil, err
	}
	from, to, err := h.filters.Days(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	rs, err := h.store.Suspects(ctx, from, to.AddDate(0, 0, 1), units)
	if err != nil {
		return nil, err
	}
	reviews, err := h.store.Reviews(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]suspectJSON, 0, len(rs))
	for _, r := range rs {
		s := suspectJSON{ID: r.ID.Hex(), Desk: r.Desk, Unit: r.Unit, Channel: r.Channel, Instrument: r.Instrument, SubmittedAt: r.SubmittedAt,
			Reasons: r.Reasons, Answers: r.Answers, Choices: r.Choices, Comment: r.Comment}
		if rv, ok := reviews[r.ID]; ok {
			s.Review = &rv
		}
		out = append(out, s)
	}
	return out, nil
}
