package survey

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/web"
)

// submit validates and stores one answered form. Whatever goes wrong, the
// citizen's answers come back in the re-rendered form: nothing they typed is
// lost, and a thank-you is shown only for an answer that is stored.
func (h *Handler) submit(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := h.resolve(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return web.NewError(http.StatusBadRequest, "err.400", err)
	}
	form = cleanForm(form)

	if !web.CheckCSRF(c) {
		return h.renderForm(c, http.StatusForbidden, t, form, nil, "err.csrf_form")
	}
	now := h.now()
	tk, ok := h.tickets.parse(t.Desk.ID, form.Get(FieldTicket), now)
	if !ok {
		form.Del(FieldTicket)
		return h.renderForm(c, http.StatusUnprocessableEntity, t, form, nil, "err.expired_form")
	}
	answers, err := Validate(t.Instrument, form)
	var ve *ValidationError
	if errors.As(err, &ve) {
		return h.renderForm(c, http.StatusUnprocessableEntity, t, form, ve.Fields, "")
	}
	if err != nil {
		return err
	}

	r := &Response{
		Nonce:       tk.Nonce,
		Instrument:  t.Instrument.ID(),
		Desk:        t.Desk.ID,
		Unit:        t.Desk.Unit,
		Channel:     ChannelQR,
		Answers:     answers.Scores,
		Choices:     answers.Choices,
		Comment:     answers.Comment,
		Lang:        web.Lang(c),
		Status:      StatusOK,
		SubmittedAt: now.UTC(),
	}
	if len(r.Choices) == 0 {
		r.Choices = nil
	}
	if strings.TrimSpace(form.Get(FieldHoneypot)) != "" {
		// A bot filled the invisible field: keep the record for review,
		// out of every figure, and answer as if all were well.
		r.Status, r.Reasons = StatusSuspect, []string{"honeypot"}
	}
	switch err := h.committer.Submit(ctx, r); {
	case err == nil:
	case errors.Is(err, ErrDuplicate):
		// A double tap or a resent POST: the first copy is stored.
	default:
		h.log.Error("store response", "desk", t.Desk.ID, "err", err)
		return h.renderForm(c, http.StatusServiceUnavailable, t, form, nil, "err.store_unavailable")
	}
	return c.Redirect(http.StatusSeeOther, "/s/"+url.PathEscape(t.Code)+"/thanks")
}

// cleanForm drops empty field names some clients send; everything else is
// judged by Validate.
func cleanForm(form url.Values) url.Values {
	out := make(url.Values, len(form))
	for k, v := range form {
		if k != "" {
			out[k] = v
		}
	}
	return out
}
