package paper

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/v2/bson"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

// paperTarget is a form that may be keyed now, and which keying it is.
type paperTarget struct {
	Serial *Serial
	Instr  *survey.Instrument
	// Round is roundFirst or roundSecond for double keying, "" for a
	// single-keyed batch.
	Round string
	// First is the first keying, when this is the second (never shown).
	First *Entry
}

// paperRefusal is why a serial cannot be keyed, shown on the entry screen.
type paperRefusal struct {
	Status int
	Msg    string
}

func (r *paperRefusal) Error() string { return r.Msg }

// openSerial decides whether the signed-in official may key the typed
// serial now. Checks, in order: shape and check character, registration,
// scope, already stored, and for double keying who keyed it first.
func (h *Handler) openSerial(c echo.Context, typed string) (*paperTarget, error) {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	refuse := func(status int, id string, args ...any) error {
		return &paperRefusal{Status: status, Msg: h.catalog.T(lang, id, args...)}
	}
	serial, ok := parseSerial(typed)
	if !ok {
		return nil, refuse(http.StatusNotFound, "paper.err_check", displaySerial(typed))
	}
	s, err := h.forms.Serial(ctx, serial)
	if err == nil && !auth.ViewerOf(c).SeesUnit(s.Unit) {
		err = derrors.ErrNotFound // a form of another unit reads as unknown
	}
	if errors.Is(err, derrors.ErrNotFound) {
		return nil, refuse(http.StatusNotFound, "paper.err_unknown", serial)
	}
	if err != nil {
		return nil, err
	}
	in, err := h.instrument(s.Instrument)
	if err != nil {
		return nil, err
	}
	if err := h.refuseIfDone(ctx, lang, serial); err != nil {
		return nil, err
	}
	t := &paperTarget{Serial: s, Instr: in}
	if !s.Double {
		return t, nil
	}
	me := auth.ViewerOf(c).User.Username
	first, err := h.forms.Entry(ctx, serial, roundFirst)
	if errors.Is(err, derrors.ErrNotFound) {
		t.Round = roundFirst
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	if first.Operator == me {
		return nil, refuse(http.StatusConflict, "paper.err_same_operator", serial)
	}
	second, err := h.forms.Entry(ctx, serial, roundSecond)
	if errors.Is(err, derrors.ErrNotFound) {
		t.Round, t.First = roundSecond, first
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	// Keyed twice but not stored: a supervisor's case, or a stop between
	// the second keying and its outcome, finished here.
	if _, err := h.settle(c, t, first, second); err != nil {
		return nil, err
	}
	if err := h.refuseIfDone(ctx, lang, serial); err != nil {
		return nil, err
	}
	return nil, refuse(http.StatusConflict, "paper.err_waiting", serial)
}

// refuseIfDone refuses a serial whose response is stored: "Phiếu số …
// đã được nhập ngày …".
func (h *Handler) refuseIfDone(ctx context.Context, lang, serial string) error {
	d, err := h.forms.Done(ctx, serial)
	if errors.Is(err, derrors.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return &paperRefusal{Status: http.StatusConflict, Msg: h.catalog.T(lang, "paper.err_done", serial, web.FormatDate(d.At))}
}

// paperEntryView is the entry screen: the serial step, or the keying of
// one form.
type paperEntryView struct {
	Typed   string
	Refusal string
	Saved   string // message about the form just saved
	Target  *paperTarget
	Unit    string
	Desk    string
	Title   string
	Items   []paperQuestion
	Problem bool
}

// paperEntryPage serves GET /paper/entry: the serial step, and with
// ?serial= the keying form of that serial (or why it cannot be keyed).
func (h *Handler) paperEntryPage(c echo.Context) error {
	lang := web.Lang(c)
	v := paperEntryView{}
	if s, ok := parseSerial(c.QueryParam("saved")); ok {
		if id := savedMessage[c.QueryParam("state")]; id != "" {
			v.Saved = h.catalog.T(lang, id, s)
		}
	}
	typed := c.QueryParam("serial")
	if typed == "" {
		return h.renderEntry(c, http.StatusOK, v)
	}
	v.Typed = displaySerial(typed)
	t, err := h.openSerial(c, typed)
	var refusal *paperRefusal
	if errors.As(err, &refusal) {
		v.Refusal = refusal.Msg
		return h.renderEntry(c, refusal.Status, v)
	}
	if err != nil {
		return err
	}
	return h.renderKeying(c, http.StatusOK, t, nil, nil)
}

// savedMessage is the confirmation after a keying, by outcome.
var savedMessage = map[string]string{
	"saved":   "paper.saved",
	"first":   "paper.saved_first",
	"matched": "paper.saved_matched",
	"held":    "paper.saved_held",
}

func (h *Handler) renderEntry(c echo.Context, status int, v paperEntryView) error {
	return web.RenderPage(c, status, "paper_entry", web.NewPage(c, "paper.title_entry", v))
}

// renderKeying shows the keying form of t with what was typed and the
// problems found: nothing typed is lost on a refused save.
func (h *Handler) renderKeying(c echo.Context, status int, t *paperTarget, form url.Values, problems map[string]string) error {
	lang := web.Lang(c)
	v := paperEntryView{Target: t, Typed: t.Serial.ID, Title: t.Instr.Title.In(lang),
		Items: paperQuestions(t.Instr, h.catalog, lang, form, problems), Problem: len(problems) > 0}
	if u, err := h.store.Unit(c.Request().Context(), t.Serial.Unit); err == nil {
		v.Unit = u.DisplayName(lang)
	}
	if t.Serial.Desk != "" {
		if d, err := h.store.Desk(c.Request().Context(), t.Serial.Desk); err == nil {
			v.Desk = d.DisplayName(lang)
		}
	}
	return h.renderEntry(c, status, v)
}

// paperEntrySave serves POST /paper/entry: one keying of one form.
func (h *Handler) paperEntrySave(c echo.Context) error {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return derrors.Param("err.400")
	}
	typed := form.Get("serial")
	answers := url.Values{}
	for k, v := range form {
		if k != "serial" && k != "" {
			answers[k] = v
		}
	}
	t, err := h.openSerial(c, typed)
	if err != nil {
		var refusal *paperRefusal
		if errors.As(err, &refusal) && refusal.Status == http.StatusConflict {
			// Typed from a page opened before the form was stored or keyed
			// twice: refused, and kept aside.
			h.keepRefused(c, typed, answers)
		}
		return h.entryError(c, typed, err)
	}
	a, err := survey.Validate(t.Instr, answers)
	var ve *survey.ValidationError
	if errors.As(err, &ve) {
		return h.renderKeying(c, http.StatusUnprocessableEntity, t, answers, ve.Fields)
	}
	if err != nil {
		return err
	}
	me := auth.ViewerOf(c).User.Username
	now := h.now()
	serial := t.Serial.ID
	keyed := keyedAnswers{Scores: a.Scores, Choices: a.Choices, Comment: a.Comment}
	e := &Entry{Serial: serial, Round: t.Round, Operator: me, Scores: a.Scores, Choices: a.Choices, Comment: a.Comment, At: now.UTC()}
	if len(e.Choices) == 0 {
		e.Choices = nil
	}
	state := "saved"
	if t.Round == "" {
		if err := h.commitPaper(c, t.Serial, keyed, paperPeople{Operator: me}); err != nil {
			// Stored by someone quicker: this keying is kept aside too.
			h.keepExtra(c, e)
			return h.entryError(c, serial, err)
		}
		return c.Redirect(http.StatusSeeOther, "/paper/entry?saved="+url.QueryEscape(serial)+"&state="+state)
	}
	err = h.forms.InsertEntry(ctx, e)
	if errors.Is(err, derrors.ErrDuplicate) && t.Round == roundFirst {
		// Another operator keyed it first meanwhile: this keying, made
		// blind, is the second one.
		if first, ferr := h.forms.Entry(ctx, serial, roundFirst); ferr == nil && first.Operator != me {
			t.Round, t.First, e.Round = roundSecond, first, roundSecond
			err = h.forms.InsertEntry(ctx, e)
		}
	}
	if errors.Is(err, derrors.ErrDuplicate) {
		h.keepExtra(c, e)
		return h.renderEntry(c, http.StatusConflict, paperEntryView{Typed: serial, Refusal: h.catalog.T(web.Lang(c), "paper.err_race", serial)})
	}
	if err != nil {
		return err
	}
	if err := h.audit.Log(ctx, me, "paper.key", "paper:"+serial, nil, map[string]string{"round": e.Round}, now); err != nil {
		return err
	}
	state = "first"
	if t.Round == roundSecond {
		if state, err = h.settle(c, t, t.First, e); err != nil {
			return h.entryError(c, serial, err)
		}
	}
	return c.Redirect(http.StatusSeeOther, "/paper/entry?saved="+url.QueryEscape(serial)+"&state="+state)
}

// keepRefused keeps aside a valid keying of a registered serial that was
// refused as stored already or keyed twice.
func (h *Handler) keepRefused(c echo.Context, typed string, answers url.Values) {
	serial, _ := parseSerial(typed)
	s, err := h.forms.Serial(c.Request().Context(), serial)
	if err != nil {
		return
	}
	in, err := h.instrument(s.Instrument)
	if err != nil {
		return
	}
	a, err := survey.Validate(in, answers)
	if err != nil {
		return
	}
	h.keepExtra(c, &Entry{Serial: serial, Operator: auth.ViewerOf(c).User.Username, Scores: a.Scores, Choices: a.Choices, Comment: a.Comment, At: h.now().UTC()})
}

// keepExtra keeps a keying that lost a race (the form was stored or keyed
// twice meanwhile) under its own id, so nothing typed is lost; it counts
// for nothing.
func (h *Handler) keepExtra(c echo.Context, e *Entry) {
	extra := *e
	extra.Round = roundExtra + bson.NewObjectID().Hex()
	if err := h.forms.InsertEntry(c.Request().Context(), &extra); err != nil {
		h.log.Warn("keep a keying that lost a race", "serial", e.Serial, "err", err)
	}
}

// entryError shows a refusal on the serial step, with the serial typed
// kept; other errors go to the error page.
func (h *Handler) entryError(c echo.Context, typed string, err error) error {
	var refusal *paperRefusal
	if errors.As(err, &refusal) {
		return h.renderEntry(c, refusal.Status, paperEntryView{Typed: displaySerial(typed), Refusal: refusal.Msg})
	}
	return err
}

// settle compares the two keyings of a form: equal, the response is
// stored once ("matched"); different, the form goes on the supervisor's
// list ("held"). Running it again changes nothing.
func (h *Handler) settle(c echo.Context, t *paperTarget, first, second *Entry) (string, error) {
	ctx := c.Request().Context()
	diffs := differingItems(t.Instr, answersOf(first), answersOf(second))
	if len(diffs) == 0 {
		err := h.commitPaper(c, t.Serial, answersOf(first), paperPeople{Operator: first.Operator, Second: second.Operator})
		return "matched", err
	}
	held := &Held{Serial: t.Serial.ID, Unit: t.Serial.Unit, Batch: t.Serial.Batch, Diffs: len(diffs), At: h.now().UTC()}
	added, err := h.forms.Hold(ctx, held)
	if err != nil {
		return "", err
	}
	if !added {
		return "held", nil
	}
	if err := h.audit.Log(ctx, auth.ViewerOf(c).User.Username, "paper.hold", "paper:"+t.Serial.ID, nil,
		map[string]any{"items": diffs, "operators": []string{first.Operator, second.Operator}}, h.now()); err != nil {
		return "", err
	}
	return "held", nil
}

// paperPeople are the officials a stored paper response names.
type paperPeople struct {
	Operator, Second, ResolvedBy string
}

// commitPaper stores a form's response through the committer, so the
// rollups count it, under the nonce "paper:"+serial: the unique nonce
// index lets it be stored once even when two officials race. A form
// stored already is refused with the date it was entered.
func (h *Handler) commitPaper(c echo.Context, s *Serial, a keyedAnswers, who paperPeople) error {
	ctx := c.Request().Context()
	now := h.now()
	r := &survey.Response{
		Nonce: "paper:" + s.ID, Instrument: s.Instrument, Desk: s.Desk, Unit: s.Unit, Channel: survey.ChannelPaper,
		Answers: a.Scores, Choices: a.Choices, Comment: a.Comment, Lang: "vi", Status: survey.StatusOK,
		SubmittedAt: now.UTC(), Serial: s.ID, Operator: who.Operator, SecondOperator: who.Second, ResolvedBy: who.ResolvedBy,
	}
	if r.Answers == nil {
		r.Answers = map[string]int{}
	}
	if len(r.Choices) == 0 {
		r.Choices = nil
	}
	err := h.committer.Submit(ctx, r)
	if errors.Is(err, derrors.ErrDuplicate) {
		// Stored by someone quicker, or before a stop that left no
		// paper_done record: record it now and refuse with its date.
		stored, ferr := h.store.ResponseByNonce(ctx, r.Nonce)
		if ferr != nil {
			return ferr
		}
		if err := h.forms.MarkDone(ctx, &Done{Serial: s.ID, Response: stored.ID, At: stored.SubmittedAt}); err != nil {
			return err
		}
		return &paperRefusal{Status: http.StatusConflict, Msg: h.catalog.T(web.Lang(c), "paper.err_done", s.ID, web.FormatDate(stored.SubmittedAt))}
	}
	if err != nil {
		return err
	}
	if err := h.forms.MarkDone(ctx, &Done{Serial: s.ID, Response: r.ID, At: r.SubmittedAt}); err != nil {
		return err
	}
	if err := h.audit.Log(ctx, auth.ViewerOf(c).User.Username, "paper.commit", "paper:"+s.ID, nil,
		map[string]string{"response": r.ID.Hex(), "operator": who.Operator, "second_operator": who.Second, "resolved_by": who.ResolvedBy}, now); err != nil {
		return err
	}
	return nil
}
