package survey

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/metrics"
	"hailong/internal/web"
)

// submitHandler validates and stores one answered form. Whatever goes
// wrong, the citizen's answers come back in the re-rendered form: nothing
// they typed is lost, and a thank-you is shown only for an answer that is
// stored.
func (h *Handler) submitHandler(res resolver) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		form, err := c.FormParams()
		if err != nil {
			return web.NewError(http.StatusBadRequest, "err.400", err)
		}
		form = cleanForm(form)
		now := h.now()
		// The ticket is bound to the form's path; its render time decides
		// whether a rotating code was valid when the citizen scanned it.
		tk, ticketOK := h.tickets.parse(c.Request().URL.Path, form.Get(FieldTicket), now)
		at := now
		if ticketOK {
			at = tk.RenderedAt
		}
		t, err := res(c, at)
		if err != nil {
			return err
		}
		if !t.sameSource(c) {
			h.metrics.Submission(metrics.OutcomeInvalid)
			return h.renderForm(c, http.StatusForbidden, t, form, nil, "err.csrf_form")
		}
		if !ticketOK {
			h.metrics.Submission(metrics.OutcomeInvalid)
			form.Del(FieldTicket)
			return h.renderForm(c, http.StatusUnprocessableEntity, t, form, nil, "err.expired_form")
		}
		rest, pickProblems := t.takePick(form)
		answers, err := Validate(t.Instrument, rest)
		var ve *ValidationError
		if errors.As(err, &ve) || len(pickProblems) > 0 {
			h.metrics.Submission(metrics.OutcomeInvalid)
			return h.renderForm(c, http.StatusUnprocessableEntity, t, form, mergeProblems(ve, pickProblems), "")
		}
		if err != nil {
			return err
		}

		r := &Response{
			Nonce:       tk.Nonce,
			Instrument:  t.Instrument.ID(),
			Desk:        t.Desk.ID,
			Unit:        t.Unit.ID,
			Channel:     t.Channel,
			Answers:     answers.Scores,
			Choices:     answers.Choices,
			Comment:     answers.Comment,
			Dossier:     t.Dossier,
			Procedure:   t.Procedure,
			Field:       t.Field,
			Served:      t.Served,
			Lang:        web.Lang(c),
			Status:      StatusOK,
			SubmittedAt: now.UTC(),
		}
		if len(r.Choices) == 0 {
			r.Choices = nil
		}
		// A bot filled the invisible field: it gets the thank-you like
		// anyone, and its record is kept for review, out of every figure.
		honeypot := strings.TrimSpace(form.Get(FieldHoneypot)) != ""
		v := h.judge(ctx, attempt{t: t, ip: c.RealIP(), device: deviceID(c, false), nonce: tk.Nonce, took: now.Sub(tk.RenderedAt)})
		if v.limit != "" {
			h.metrics.Submission(metrics.OutcomeLimited)
			h.log.Info("submission limited", "desk", t.Desk.ID, "limit", v.limit, "retry_after", v.retryAfter.Round(time.Second))
			if honeypot {
				return c.Redirect(http.StatusSeeOther, t.Path+"/thanks")
			}
			return h.refuse(c, t, form, v)
		}
		if honeypot {
			v.reasons = append([]string{ReasonHoneypot}, v.reasons...)
		}
		if len(v.reasons) > 0 {
			r.Status, r.Reasons = StatusSuspect, v.reasons
		}
		if t.Dossier != "" {
			switch err := h.store.ClaimDossier(ctx, t.Dossier, r.Nonce, now); {
			case errors.Is(err, derrors.Duplicate):
				h.metrics.Submission(metrics.OutcomeDuplicate)
				return web.NewError(http.StatusConflict, "err.dossier_answered", nil)
			case err != nil:
				h.log.Error("claim dossier", "desk", t.Desk.ID, "err", err)
				return h.renderForm(c, http.StatusServiceUnavailable, t, form, nil, "err.store_unavailable")
			}
		}
		switch err := h.committer.Submit(ctx, r); {
		case err == nil && r.Status == StatusOK:
			h.metrics.Submission(metrics.OutcomeStored)
		case err == nil:
			h.metrics.Submission(metrics.OutcomeSuspect)
		case errors.Is(err, derrors.Duplicate):
			// A double tap or a resent POST: the first copy is stored.
			h.metrics.Submission(metrics.OutcomeDuplicate)
		default:
			h.log.Error("store response", "desk", t.Desk.ID, "err", err)
			h.releaseDossier(ctx, t.Dossier, r.Nonce, err)
			return h.renderForm(c, http.StatusServiceUnavailable, t, form, nil, "err.store_unavailable")
		}
		return c.Redirect(http.StatusSeeOther, t.Path+"/thanks")
	}
}

// releaseDossier frees a dossier claimed for an answer that was not stored,
// so reopening the receipt's QR shows the form, not "already answered".
// Not after a timeout: that batch may still commit, and a stale claim
// with no answer is taken over later anyway (Store.ClaimDossier).
func (h *Handler) releaseDossier(ctx context.Context, dossier, nonce string, cause error) {
	if dossier == "" || errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, context.Canceled) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := h.store.ReleaseDossier(ctx, dossier, nonce); err != nil {
		h.log.Warn("release dossier claim", "err", err)
	}
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
