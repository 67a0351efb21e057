package dashboard

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
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

// reviewRequest is POST /api/v1/responses/:id/review.
type reviewRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// apiReview records an official's decision on a suspect answer: confirmed,
// it joins the indicators; rejected, it stays out. Each answer is reviewed
// once (409 after), and every review is audited.
func (h *Handler) apiReview(c echo.Context) error {
	var req reviewRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	rv, err := h.review(c, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, rv)
}

// review checks and records a decision; shared by the API and the page.
func (h *Handler) review(c echo.Context, req reviewRequest) (*survey.Review, error) {
	if req.Decision != survey.DecisionConfirm && req.Decision != survey.DecisionReject {
		return nil, web.NewError(http.StatusBadRequest, "err.review_decision", nil)
	}
	req.Note = strings.TrimSpace(req.Note)
	if !utf8.ValidString(req.Note) || utf8.RuneCountInString(req.Note) > 500 || strings.ContainsRune(req.Note, 0) {
		return nil, web.NewError(http.StatusBadRequest, "err.review_note", nil)
	}
	id, err := bson.ObjectIDFromHex(c.Param("id"))
	if err != nil {
		return nil, derrors.NotFound
	}
	ctx := c.Request().Context()
	r, err := h.store.Response(ctx, id)
	if err != nil {
		return nil, err
	}
	if !auth.ViewerOf(c).SeesUnit(r.Unit) {
		return nil, derrors.NotFound
	}
	if r.Status != survey.StatusSuspect {
		return nil, web.NewError(http.StatusConflict, "err.not_suspect", nil)
	}
	user := auth.ViewerOf(c).User.Username
	rv := &survey.Review{Decision: req.Decision, User: user, Note: req.Note, At: h.now().UTC()}
	switch err := h.committer.Review(ctx, r, rv); {
	case errors.Is(err, derrors.Duplicate):
		return nil, web.NewError(http.StatusConflict, "err.review_done", nil)
	case err != nil:
		return nil, err
	}
	after := map[string]any{"decision": rv.Decision, "note": rv.Note, "reasons": r.Reasons, "desk": r.Desk}
	if err := h.audit.Log(ctx, user, "response."+rv.Decision, "response:"+id.Hex(), nil, after, h.now()); err != nil {
		return nil, err
	}
	return rv, nil
}

// pageReview is the confirm/reject form of the suspects page.
func (h *Handler) pageReview(c echo.Context) error {
	if _, err := h.review(c, reviewRequest{Decision: c.FormValue("decision"), Note: c.FormValue("note")}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/suspects")
}
