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
		p, err := h.readPost(c, res)
		if err != nil {
			return err
		}
		if p.refusal != nil {
			h.metrics.Submission(metrics.OutcomeInvalid)
			return h.renderForm(c, p.refusal.status, p.t, p.form, p.refusal.problems, p.refusal.banner)
		}
		r := p.response(web.Lang(c))
		// A bot filled the invisible field: it gets the thank-you like
		// anyone, and its record is kept for review, out of every figure.
		honeypot := strings.TrimSpace(p.form.Get(FieldHoneypot)) != ""
		v := h.judge(c.Request().Context(), attempt{t: p.t, ip: c.RealIP(), device: deviceID(c, false), nonce: p.tk.Nonce, took: p.now.Sub(p.tk.RenderedAt)})
		if v.limit != "" {
			h.metrics.Submission(metrics.OutcomeLimited)
			h.log.Info("submission limited", "desk", p.t.Desk.ID, "limit", v.limit, "retry_after", v.retryAfter.Round(time.Second))
			if honeypot {
				return c.Redirect(http.StatusSeeOther, p.t.Path+"/thanks")
			}
			return h.refuse(c, p.t, p.form, v)
		}
		if honeypot {
			v.reasons = append([]string{ReasonHoneypot}, v.reasons...)
		}
		if len(v.reasons) > 0 {
			r.Status, r.Reasons = StatusSuspect, v.reasons
		}
		return h.keep(c, p, r)
	}
}

// post is a citizen's answered form, read and checked.
type post struct {
	t       *target
	form    url.Values
	tk      ticket
	now     time.Time
	answers Answers
	// refusal, when set, sends the form back unsaved (an invalid
	// submission): a foreign origin, an expired ticket or wrong answers.
	refusal *refusal
}

// refusal is how the form goes back: its status, the problems by field
// and the banner's message.
type refusal struct {
	status   int
	problems map[string]string
	banner   string
}

// readPost reads the form, resolves what it answers and checks it. The
// ticket is bound to the form's path; its render time decides whether a
// rotating code was valid when the citizen scanned it.
func (h *Handler) readPost(c echo.Context, res resolver) (*post, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, web.NewError(http.StatusBadRequest, "err.400", err)
	}
	p := &post{form: cleanForm(form), now: h.now()}
	tk, ticketOK := h.tickets.parse(c.Request().URL.Path, p.form.Get(FieldTicket), p.now)
	at := p.now
	if ticketOK {
		at = tk.RenderedAt
	}
	p.tk = tk
	if p.t, err = res(c, at); err != nil {
		return nil, err
	}
	switch {
	case !p.t.sameSource(c):
		p.refusal = &refusal{status: http.StatusForbidden, banner: "err.csrf_form"}
		return p, nil
	case !ticketOK:
		p.form.Del(FieldTicket)
		p.refusal = &refusal{status: http.StatusUnprocessableEntity, banner: "err.expired_form"}
		return p, nil
	}
	rest, pickProblems := p.t.takePick(p.form)
	answers, err := Validate(p.t.Instrument, rest)
	var ve *ValidationError
	if errors.As(err, &ve) || len(pickProblems) > 0 {
		p.refusal = &refusal{status: http.StatusUnprocessableEntity, problems: mergeProblems(ve, pickProblems)}
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	p.answers = answers
	return p, nil
}

// response is the answer to store, counted (status ok) until judged.
func (p *post) response(lang string) *Response {
	t := p.t
	r := &Response{
		Nonce:       p.tk.Nonce,
		Instrument:  t.Instrument.ID(),
		Desk:        t.Desk.ID,
		Unit:        t.Unit.ID,
		Channel:     t.Channel,
		Answers:     p.answers.Scores,
		Choices:     p.answers.Choices,
		Comment:     p.answers.Comment,
		Dossier:     t.Dossier,
		Procedure:   t.Procedure,
		Field:       t.Field,
		Served:      t.Served,
		Lang:        lang,
		Status:      StatusOK,
		SubmittedAt: p.now.UTC(),
	}
	if len(r.Choices) == 0 {
		r.Choices = nil
	}
	return r
}

// keep stores r, first claiming its dossier (one answer per receipt), and
// thanks the citizen; a store that fails gives the form back.
func (h *Handler) keep(c echo.Context, p *post, r *Response) error {
	ctx, t := c.Request().Context(), p.t
	if t.Dossier != "" {
		switch err := h.store.ClaimDossier(ctx, t.Dossier, r.Nonce, p.now); {
		case errors.Is(err, derrors.ErrDuplicate):
			h.metrics.Submission(metrics.OutcomeDuplicate)
			return web.NewError(http.StatusConflict, "err.dossier_answered", nil)
		case err != nil:
			h.log.Error("claim dossier", "desk", t.Desk.ID, "err", err)
			return h.renderForm(c, http.StatusServiceUnavailable, t, p.form, nil, "err.store_unavailable")
		}
	}
	switch err := h.committer.Submit(ctx, r); {
	case err == nil && r.Status == StatusOK:
		h.metrics.Submission(metrics.OutcomeStored)
	case err == nil:
		h.metrics.Submission(metrics.OutcomeSuspect)
	case errors.Is(err, derrors.ErrDuplicate):
		// A double tap or a resent POST: the first copy is stored.
		h.metrics.Submission(metrics.OutcomeDuplicate)
	default:
		h.log.Error("store response", "desk", t.Desk.ID, "err", err)
		h.releaseDossier(ctx, t.Dossier, r.Nonce, err)
		return h.renderForm(c, http.StatusServiceUnavailable, t, p.form, nil, "err.store_unavailable")
	}
	return c.Redirect(http.StatusSeeOther, t.Path+"/thanks")
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
