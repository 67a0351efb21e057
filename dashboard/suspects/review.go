package suspects

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

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
		return nil, derrors.Param("err.review_decision")
	}
	req.Note = strings.TrimSpace(req.Note)
	if !utf8.ValidString(req.Note) || utf8.RuneCountInString(req.Note) > 500 || strings.ContainsRune(req.Note, 0) {
		return nil, derrors.Param("err.review_note")
	}
	id, err := bson.ObjectIDFromHex(c.Param("id"))
	if err != nil {
		return nil, derrors.ErrNotFound
	}
	ctx := c.Request().Context()
	r, err := h.store.Response(ctx, id)
	if err != nil {
		return nil, err
	}
	viewer := auth.ViewerOf(c)
	if !viewer.SeesUnit(r.Unit) {
		return nil, derrors.ErrNotFound
	}
	if r.Status != survey.StatusSuspect {
		return nil, derrors.New(derrors.ErrConflict, "err.not_suspect")
	}
	user := viewer.User.Username
	rv := &survey.Review{Decision: req.Decision, User: user, Note: req.Note, At: h.now().UTC()}
	switch err := h.committer.Review(ctx, r, rv); {
	case errors.Is(err, derrors.ErrDuplicate):
		return nil, derrors.New(derrors.ErrConflict, "err.review_done")
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
