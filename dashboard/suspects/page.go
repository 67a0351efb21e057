package suspects

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
)

// suspectsPerPage bounds one page of the suspects list: a bot attack can
// leave thousands in a month.
const suspectsPerPage = 50

type suspectsView struct {
	Rows      []suspectRow
	CanReview bool
	// Filters: the period (default this month) and the unit.
	From, To, Unit string
	Units          []survey.Unit
	Total          int
	Page, Pages    int
	Prev, Next     string // links to the neighbouring pages, or ""
}

// suspectRow is one suspect answer as the page shows it: names, labels
// and a Vietnam-time date, not ids and codes.
type suspectRow struct {
	suspectJSON
	At       string
	DeskName string
	UnitName string
	Answers  []answerLabel
}

// answerLabel is one question and the label of what was picked.
type answerLabel struct{ Question, Answer string }

// suspectsPage lists suspect answers for review.
func (h *Handler) suspectsPage(c echo.Context) error {
	out, err := h.suspects(c)
	if err != nil {
		return err
	}
	page := 1
	if p := c.QueryParam("page"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 {
			return derrors.Param("err.param_page")
		}
	}
	from, to, _ := h.filters.Days(c) // checked by suspects
	ctx := c.Request().Context()
	viewer := auth.ViewerOf(c)
	units := viewer.Tree()
	desks, err := h.store.Desks(ctx)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	unitName, deskName := map[string]string{}, map[string]string{}
	v := suspectsView{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), Unit: c.QueryParam("unit"), Total: len(out)}
	for i := range units {
		unitName[units[i].ID] = units[i].DisplayName(lang)
		if viewer.SeesUnit(units[i].ID) {
			v.Units = append(v.Units, units[i])
		}
	}
	for i := range desks {
		deskName[desks[i].ID] = desks[i].DisplayName(lang)
	}
	v.Pages = max(1, (len(out)+suspectsPerPage-1)/suspectsPerPage)
	v.Page = min(page, v.Pages)
	first := (v.Page - 1) * suspectsPerPage
	for _, s := range out[first:min(first+suspectsPerPage, len(out))] {
		v.Rows = append(v.Rows, suspectRow{
			suspectJSON: s,
			At:          s.SubmittedAt.In(period.Vietnam).Format("02/01/2006 15:04"),
			DeskName:    orID(deskName[s.Desk], s.Desk),
			UnitName:    orID(unitName[s.Unit], s.Unit),
			Answers:     h.answerLabels(lang, s),
		})
	}
	link := func(p int) string {
		q := url.Values{"from": {v.From}, "to": {v.To}, "page": {strconv.Itoa(p)}}
		if v.Unit != "" {
			q.Set("unit", v.Unit)
		}
		return "/suspects?" + q.Encode()
	}
	if v.Page > 1 {
		v.Prev = link(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.Next = link(v.Page + 1)
	}
	u := viewer.User
	v.CanReview = u.Role == auth.RoleAdmin || u.Role == auth.RoleUnitManager
	return web.RenderPage(c, http.StatusOK, "suspects", web.NewPage(c, "title.suspects", v))
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

// answerLabels gives the answers in the instrument's order with the
// question and option labels in lang; a code the instrument does not know
// (an old version) is shown as it is.
func (h *Handler) answerLabels(lang string, s suspectJSON) []answerLabel {
	in, ok := h.instruments.Get(s.Instrument)
	if !ok {
		var out []answerLabel
		for _, k := range sortedKeys(s.Answers) {
			out = append(out, answerLabel{k, strconv.Itoa(s.Answers[k])})
		}
		return out
	}
	var out []answerLabel
	for _, it := range in.Items {
		q := it.Text.In(lang)
		if v, ok := s.Answers[it.Code]; ok {
			out = append(out, answerLabel{q, h.optionLabel(lang, &it, v)})
		}
		if keys, ok := s.Choices[it.Code]; ok {
			labels := make([]string, 0, len(keys))
			for _, k := range keys {
				l := k
				for _, o := range it.Choices() {
					if o.Key == k {
						l = o.Label.In(lang)
					}
				}
				labels = append(labels, l)
			}
			out = append(out, answerLabel{q, strings.Join(labels, "; ")})
		}
	}
	return out
}

func (h *Handler) optionLabel(lang string, it *survey.Item, v int) string {
	if it.NA && v == survey.NotApplicable {
		return h.catalog.T(lang, "form.na")
	}
	for _, o := range it.Choices() {
		if o.Code == v {
			return o.Label.In(lang)
		}
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
