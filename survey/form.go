package survey

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
)

// formView is what the form template shows: every text already in the
// citizen's language, every choice already marked, every problem explained.
type formView struct {
	Action string
	Ticket string
	Title  string
	Intro  string
	Unit   string
	Desk   string
	// Pick are the portal's where/served questions (none elsewhere).
	Pick  []pickQuestion
	Items []itemView
	// Banner is a message about the whole form (expired, store busy...).
	Banner   string
	Problems int
	Honeypot string
}

type itemView struct {
	Code     string
	Num      int
	Type     string
	Text     string
	Hint     string
	Required bool
	Wide     bool // five smiley tiles rather than a list
	Options  []optionView
	NA       *optionView
	Value    string
	Max      int
	Problem  string
}

type optionView struct {
	ID      string
	Value   string
	Label   string
	Icon    string
	Checked bool
}

// renderForm shows the form for t. values are the citizen's earlier answers
// (nil on first view); problems maps item codes to problem codes; banner is
// a catalogue id for a message about the whole form, formatted with args.
func (h *Handler) renderForm(c echo.Context, status int, t *target, values url.Values, problems map[string]string, banner string, args ...any) error {
	tk := values.Get(FieldTicket)
	if _, ok := h.tickets.parse(t.Path, tk, h.now()); !ok {
		tk = h.tickets.issue(t.Path, h.now())
	}
	return web.RenderPage(c, status, "form", h.formPage(c, t, values, problems, banner, tk, args...))
}

// formPage builds the form page for t with the given ticket.
func (h *Handler) formPage(c echo.Context, t *target, values url.Values, problems map[string]string, banner, tk string, args ...any) web.Page {
	lang := web.Lang(c)
	cat := h.catalog
	v := formView{
		Action: t.Path,
		Ticket: tk,
		Title:  t.Instrument.Title.In(lang),
		Intro:  t.Instrument.Intro.In(lang),
		Unit:   t.Unit.DisplayName(lang),
		Desk:   t.Desk.DisplayName(lang),
	}
	if banner != "" {
		v.Banner = cat.T(lang, banner, args...)
	}
	if p := problems[formLevel]; p != "" && banner == "" {
		v.Banner = cat.T(lang, "err."+p)
	}
	if t.Portal != nil {
		v.Pick = h.pickQuestions(lang, t.Portal, values, problems)
		for _, q := range v.Pick {
			if q.Problem != "" {
				v.Problems++
			}
		}
	}
	for i := range t.Instrument.Items {
		it := &t.Instrument.Items[i]
		iv := itemView{
			Code: it.Code, Num: i + 1, Type: it.Type, Required: it.Required, Max: it.Max,
			Text: it.Text.In(lang), Hint: it.Hint.In(lang), Wide: it.Satisfaction(),
		}
		picked := map[string]bool{}
		for _, x := range values[it.Code] {
			picked[x] = true
		}
		for _, o := range it.Choices() {
			val := o.Key
			if it.Type != TypeMulti {
				val = strconv.Itoa(o.Code)
			}
			iv.Options = append(iv.Options, optionView{
				ID: it.Code + "-" + val, Value: val, Label: o.Label.In(lang), Icon: o.Icon, Checked: picked[val],
			})
		}
		if it.NA {
			na := strconv.Itoa(NotApplicable)
			iv.NA = &optionView{ID: it.Code + "-na", Value: na, Label: cat.T(lang, "form.na"), Checked: picked[na]}
		}
		if it.Type == TypeText {
			iv.Value = values.Get(it.Code)
		}
		if p := problems[it.Code]; p != "" {
			var args []any
			if p == ProblemTooLong {
				args = append(args, it.Max)
			}
			iv.Problem = cat.T(lang, "err."+p, args...)
			v.Problems++
		}
		v.Items = append(v.Items, iv)
	}
	p := web.NewPage(c, "", v)
	if t.Kiosk {
		p.BodyClass = "kiosk"
	}
	return p
}
