package overview

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
)

// hideComment takes a comment off every dashboard, with a reason, audited.
// The response itself is not touched: hidden comments stay out of the
// exports' comment sheet but remain in the raw data.
func (h *Handler) hideComment(c echo.Context) error {
	viewer := auth.ViewerOf(c)
	u := viewer.User
	if !u.Supervises() {
		return derrors.ErrForbidden
	}
	id := c.Param("id")
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" || utf8.RuneCountInString(reason) > 200 || len(id) != 24 {
		return derrors.Param("err.field_required", "reason")
	}
	ctx := c.Request().Context()
	r, err := h.store.ResponseByID(ctx, id)
	if err != nil {
		return web.NewError(http.StatusNotFound, "err.404", err)
	}
	if !viewer.SeesUnit(r.Unit) {
		return derrors.ErrNotFound
	}
	if err := h.audit.Log(ctx, u.Username, "comment.hide", "response:"+id, nil, map[string]string{"reason": reason}, h.now()); err != nil {
		return err
	}
	if err := h.comments.Hide(ctx, id, u.Username, reason, h.now()); err != nil {
		return err
	}
	h.builds.reset()
	// Back to the overview with the filters it was hidden from.
	back := "/"
	if q, err := url.ParseQuery(c.FormValue("back")); err == nil && len(q) > 0 {
		back += "?" + q.Encode()
	}
	return c.Redirect(http.StatusSeeOther, back+"#cm-h")
}
