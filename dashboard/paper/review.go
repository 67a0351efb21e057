package paper

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

// heldRow is a form waiting for a supervisor, as listed.
type heldRow struct {
	Held
	UnitName string
}

type paperHeldView struct {
	Held     []heldRow
	Resolved string
}

// paperHeldPage serves GET /paper/review: the forms whose two keyings
// disagree, in the supervisor's scope, oldest first.
func (h *Handler) paperHeldPage(c echo.Context) error {
	ctx := c.Request().Context()
	held, err := h.forms.Held(ctx)
	if err != nil {
		return err
	}
	viewer := auth.ViewerOf(c)
	names := map[string]string{}
	for _, u := range viewer.Tree() {
		names[u.ID] = u.Name
	}
	v := paperHeldView{}
	if s, ok := parseSerial(c.QueryParam("resolved")); ok {
		v.Resolved = h.catalog.T(web.Lang(c), "paper.resolved", s)
	}
	for _, hd := range held {
		if viewer.SeesUnit(hd.Unit) {
			v.Held = append(v.Held, heldRow{Held: hd, UnitName: names[hd.Unit]})
		}
	}
	return web.RenderPage(c, http.StatusOK, "paper_review", web.NewPage(c, "paper.title_review", v))
}

// resolveOption is one answer a supervisor can pick for a differing item.
type resolveOption struct {
	Value, Key, Label string
	By1, By2, Checked bool
}

// resolveRow is one question side by side.
type resolveRow struct {
	Q       paperQuestion
	K1, K2  string
	Differs bool
	Options []resolveOption
	Problem string
}

type paperResolveView struct {
	Serial     string
	UnitName   string
	Operators  [2]string
	Rows       []resolveRow
	Diffs      int
	Problem    bool
	Resolution bool
}

// heldForm is a form keyed twice and not yet stored, with both keyings.
type heldForm struct {
	t             *paperTarget
	first, second *Entry
	diffs         []string
}

// loadHeld reads the :serial form for a supervisor: in scope, keyed twice,
// not stored yet. Anything else is a 404 or a refusal page.
func (h *Handler) loadHeld(c echo.Context) (*heldForm, error) {
	ctx := c.Request().Context()
	serial, ok := parseSerial(c.Param("serial"))
	if !ok {
		return nil, derrors.ErrNotFound
	}
	s, err := h.forms.Serial(ctx, serial)
	if err != nil {
		return nil, err
	}
	if !auth.ViewerOf(c).SeesUnit(s.Unit) {
		return nil, derrors.ErrNotFound
	}
	in, err := h.instrument(s.Instrument)
	if err != nil {
		return nil, err
	}
	if d, err := h.forms.Done(ctx, serial); err == nil {
		return nil, derrors.New(derrors.ErrConflict, "paper.err_done", serial, web.FormatDate(d.At))
	} else if !errors.Is(err, derrors.ErrNotFound) {
		return nil, err
	}
	f := &heldForm{t: &paperTarget{Serial: s, Instr: in}}
	if f.first, err = h.forms.Entry(ctx, serial, roundFirst); err == nil {
		f.second, err = h.forms.Entry(ctx, serial, roundSecond)
	}
	if err != nil {
		return nil, err
	}
	f.diffs = differingItems(in, answersOf(f.first), answersOf(f.second))
	return f, nil
}

// paperResolvePage serves GET /paper/review/:serial: both keyings side by
// side, differences highlighted, a choice for each differing answer.
func (h *Handler) paperResolvePage(c echo.Context) error {
	f, err := h.loadHeld(c)
	if err != nil {
		return err
	}
	return h.renderResolve(c, http.StatusOK, f, nil, nil)
}

func (h *Handler) renderResolve(c echo.Context, status int, f *heldForm, form url.Values, problems map[string]string) error {
	lang := web.Lang(c)
	v1, v2 := answersOf(f.first).formValues(f.t.Instr), answersOf(f.second).formValues(f.t.Instr)
	v := paperResolveView{Serial: f.t.Serial.ID, Operators: [2]string{f.first.Operator, f.second.Operator}, Diffs: len(f.diffs), Problem: len(problems) > 0}
	if u, err := h.store.Unit(c.Request().Context(), f.t.Serial.Unit); err == nil {
		v.UnitName = u.DisplayName(lang)
	}
	for _, q := range paperQuestions(f.t.Instr, h.catalog, lang, nil, nil) {
		row := resolveRow{Q: q, K1: answerText(q, v1, h.catalog, lang), K2: answerText(q, v2, h.catalog, lang),
			Differs: slices.Contains(f.diffs, q.Code)}
		if p := problems[q.Code]; p == survey.ProblemTooLong {
			row.Problem = h.catalog.T(lang, "err."+p, q.Max)
		} else if p != "" {
			row.Problem = h.catalog.T(lang, "err."+p)
		}
		if row.Differs {
			row.Options = resolveOptions(q, v1[q.Code], v2[q.Code], form, h.catalog.T(lang, "paper.blank"))
		}
		v.Rows = append(v.Rows, row)
	}
	return web.RenderPage(c, status, "paper_resolve", web.NewPage(c, "paper.title_resolve", v))
}

// resolveOptions are the answers a supervisor picks from for a differing
// item: every option (marked with the keying that chose it), the two typed
// texts for a text item, and "(bỏ trống)" where the item may stay blank.
func resolveOptions(q paperQuestion, k1, k2 []string, form url.Values, blank string) []resolveOption {
	picked := form[q.Code]
	var out []resolveOption
	add := func(value, key, label string) {
		out = append(out, resolveOption{Value: value, Key: key, Label: label, By1: slices.Contains(k1, value),
			By2: slices.Contains(k2, value), Checked: form != nil && slices.Contains(picked, value)})
	}
	if q.IsText() {
		for _, t := range [][]string{k1, k2} {
			if len(t) > 0 && !slices.ContainsFunc(out, func(o resolveOption) bool { return o.Value == t[0] }) {
				add(t[0], "", t[0])
			}
		}
	} else {
		for _, o := range q.Options {
			add(o.Value, o.Key, o.Label)
		}
	}
	if !q.Required && !q.Multi() {
		o := resolveOption{Label: blank, By1: len(k1) == 0, By2: len(k2) == 0, Checked: form != nil && slices.Contains(picked, "")}
		out = append(out, o)
	}
	return out
}

// paperResolve serves POST /paper/review/:serial: the supervisor's answer
// for each differing item, with the agreed ones, becomes the response —
// stored once, the resolution kept and audited.
func (h *Handler) paperResolve(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := h.loadHeld(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return derrors.Param("err.400")
	}
	serial := f.t.Serial.ID
	me := auth.ViewerOf(c).User.Username
	who := paperPeople{Operator: f.first.Operator, Second: f.second.Operator, ResolvedBy: me}
	// A resolution already kept (a stop before its response was stored)
	// is finished, never replaced.
	if prev, err := h.forms.Entry(ctx, serial, roundResolved); err == nil {
		who.ResolvedBy = prev.Operator
		if err := h.finishResolution(c, f, answersOf(prev), who); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/paper/review?resolved="+url.QueryEscape(serial))
	} else if !errors.Is(err, derrors.ErrNotFound) {
		return err
	}

	// Who keyed the form does not judge between the two keyings.
	if me == f.first.Operator || me == f.second.Operator {
		return derrors.New(derrors.ErrConflict, "paper.err_own_keying", serial)
	}
	r := mergeResolution(f, form)
	a, err := survey.Validate(f.t.Instr, r.merged)
	var ve *survey.ValidationError
	if errors.As(err, &ve) {
		for k, p := range ve.Fields {
			r.problems[k] = p
		}
	} else if err != nil {
		return err
	}
	if len(r.problems) > 0 {
		return h.renderResolve(c, http.StatusUnprocessableEntity, f, form, r.problems)
	}
	res := &Entry{Serial: serial, Round: roundResolved, Operator: me, Scores: a.Scores, Choices: a.Choices, Comment: a.Comment, At: h.now().UTC()}
	if len(res.Choices) == 0 {
		res.Choices = nil
	}
	if err := h.forms.InsertEntry(ctx, res); errors.Is(err, derrors.ErrDuplicate) {
		return derrors.New(derrors.ErrConflict, "paper.err_resolved", serial)
	} else if err != nil {
		return err
	}
	if err := h.audit.Log(ctx, me, "paper.resolve", "paper:"+serial, r.before, r.after, h.now()); err != nil {
		return err
	}
	if err := h.finishResolution(c, f, answersOf(res), who); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/paper/review?resolved="+url.QueryEscape(serial))
}

// resolution is a supervisor's answers over those both keyings agree on,
// the problems of what was picked, and what the audit log keeps of it.
type resolution struct {
	merged        url.Values
	problems      map[string]string
	before, after map[string]any
}

// mergeResolution takes form's pick for each item the two keyings of f
// disagree on; the other items keep their agreed answers.
func mergeResolution(f *heldForm, form url.Values) resolution {
	v1, v2 := answersOf(f.first).formValues(f.t.Instr), answersOf(f.second).formValues(f.t.Instr)
	r := resolution{merged: answersOf(f.first).formValues(f.t.Instr), problems: map[string]string{},
		before: map[string]any{}, after: map[string]any{}}
	for _, code := range f.diffs {
		it, _ := f.t.Instr.Item(code)
		r.merged.Del(code)
		picked, ok := form[code]
		if !ok && it.Type != survey.TypeMulti {
			r.problems[code] = survey.ProblemRequired
			continue
		}
		for _, p := range picked {
			if p = strings.TrimSpace(p); p != "" {
				r.merged.Add(code, p)
			}
		}
		// Comments stay out of the audit log: only which keying won.
		if it.Type == survey.TypeText {
			r.before[code] = map[string]string{"1": "keying 1", "2": "keying 2"}
			r.after[code] = whichKeying(r.merged.Get(code), v1.Get(code), v2.Get(code))
			continue
		}
		r.before[code] = map[string][]string{"1": v1[code], "2": v2[code]}
		r.after[code] = r.merged[code]
	}
	return r
}

// finishResolution stores the resolved response and takes the form off
// the supervisor's list.
func (h *Handler) finishResolution(c echo.Context, f *heldForm, a keyedAnswers, who paperPeople) error {
	err := h.commitPaper(c, f.t.Serial, a, who)
	var refusal *paperRefusal
	if err != nil && !errors.As(err, &refusal) {
		return err
	}
	if err := h.forms.Release(c.Request().Context(), f.t.Serial.ID); err != nil {
		return err
	}
	return nil
}

// whichKeying names the keying whose text was kept.
func whichKeying(kept, k1, k2 string) string {
	switch kept {
	case "":
		return "blank"
	case k1:
		return "keying 1"
	case k2:
		return "keying 2"
	}
	return "other"
}
