package dashboard

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/period"
)

// maxPeriodDays bounds one indicators query.
const maxPeriodDays = 366

// indicatorsJSON is the answer of GET /api/v1/indicators.
type indicatorsJSON struct {
	Scope  scopeJSON  `json:"scope"`
	Period periodJSON `json:"period"`
	*survey.Report
	Method string `json:"method"`
}

type scopeJSON struct {
	Unit     string `json:"unit,omitempty"`
	UnitName string `json:"unit_name,omitempty"`
	Units    int    `json:"units"`
	Desk     string `json:"desk,omitempty"`
	Channel  string `json:"channel,omitempty"`
}

type periodJSON struct {
	From     string `json:"from"`
	To       string `json:"to"`
	By       string `json:"by,omitempty"`
	Timezone string `json:"timezone"`
}

// paramError is a 400 naming the bad parameter.
func paramError(msgID string, args ...any) error {
	return web.NewError(http.StatusBadRequest, msgID, nil, args...)
}

// parseQuery turns the request's parameters into a query, or a 400 whose
// message names the parameter.
func (h *Handler) parseQuery(c echo.Context) (survey.Query, scopeJSON, periodJSON, error) {
	var q survey.Query
	var scope scopeJSON
	ctx := c.Request().Context()

	instr := c.QueryParam("instrument")
	if instr == "" {
		instr = "counter"
	}
	in, ok := h.instruments.Get(instr)
	if !ok {
		in, ok = h.instruments.Latest(instr)
	}
	if !ok {
		return q, scope, periodJSON{}, paramError("err.param_instrument", instr)
	}
	q.Instrument = in

	units, err := h.store.UnitsRecent(ctx)
	if err != nil {
		return q, scope, periodJSON{}, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	// An official sees only their unit's subtree: by default their unit,
	// and a unit outside it answers as if it did not exist.
	allowed := h.scope(c, units)
	id := c.QueryParam("unit")
	if id == "" && allowed != nil {
		id = currentUser(c).Unit
	}
	if id != "" && allowed != nil && !allowed[id] {
		return q, scope, periodJSON{}, web.NewError(http.StatusNotFound, "err.param_unit", nil, id)
	}
	if id != "" {
		var found *survey.Unit
		for i := range units {
			if units[i].ID == id {
				found = &units[i]
			}
		}
		if found == nil {
			return q, scope, periodJSON{}, paramError("err.param_unit", id)
		}
		q.Units = survey.Subtree(units, id)
		scope.Unit, scope.UnitName, scope.Units = id, found.Name, len(q.Units)
	} else {
		scope.Units = len(units)
	}
	if id := c.QueryParam("desk"); id != "" {
		// q.Units is set whenever the user is scoped, so a desk outside the
		// scope is refused below like an unknown one.
		d, err := h.store.Desk(ctx, id)
		if errors.Is(err, derrors.NotFound) {
			return q, scope, periodJSON{}, paramError("err.param_desk", id)
		}
		if err == nil && q.Units != nil && !q.Units[d.Unit] {
			return q, scope, periodJSON{}, web.NewError(http.StatusNotFound, "err.param_desk", nil, id)
		}
		if err != nil {
			return q, scope, periodJSON{}, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
		}
		q.Desk, scope.Desk = id, id
	}
	if ch := c.QueryParam("channel"); ch != "" {
		if !oneOf(ch, survey.Channels...) {
			return q, scope, periodJSON{}, paramError("err.param_enum", "channel", strings.Join(survey.Channels, ", "))
		}
		q.Channel, scope.Channel = ch, ch
	}

	from, to, err := h.period(c)
	if err != nil {
		return q, scope, periodJSON{}, err
	}
	q.From, q.To = from, to

	q.By = c.QueryParam("by")
	if q.By != "" && !oneOf(q.By, period.GrainDay, period.GrainMonth) {
		return q, scope, periodJSON{}, paramError("err.param_enum", "by", "day, month")
	}
	q.Agg = c.QueryParam("agg")
	if q.Agg == "" {
		q.Agg = survey.AggPooled
	}
	if !oneOf(q.Agg, survey.AggPooled, survey.AggUnits) {
		return q, scope, periodJSON{}, paramError("err.param_enum", "agg", "pooled, units")
	}
	switch b := c.QueryParam("breakdown"); b {
	case "":
	case "channel":
		q.ByChannel = true
	default:
		return q, scope, periodJSON{}, paramError("err.param_enum", "breakdown", "channel")
	}
	period := periodJSON{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), By: q.By, Timezone: "Asia/Ho_Chi_Minh"}
	return q, scope, period, nil
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func (h *Handler) apiIndicators(c echo.Context) error {
	q, scope, period, err := h.parseQuery(c)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	rep, err := h.rollups.Report(c.Request().Context(), q, lang)
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return c.JSON(http.StatusOK, indicatorsJSON{Scope: scope, Period: period, Report: rep, Method: h.method(lang, q)})
}

// method is the formulas in words: the SIPAS rates, then the TT 01/2018
// points for an instrument that has them.
func (h *Handler) method(lang string, q survey.Query) string {
	m := h.catalog.T(lang, "method."+q.Agg)
	for _, it := range q.Instrument.Items {
		if it.Type == survey.TypePoints {
			return m + " " + h.catalog.T(lang, "method.points")
		}
	}
	return m
}

// scope returns the units the signed-in official may see, or nil for all
// (admins, and accounts without a unit).
func (h *Handler) scope(c echo.Context, units []survey.Unit) map[string]bool {
	u := currentUser(c)
	if u == nil || u.Role == RoleAdmin || u.Unit == "" {
		return nil
	}
	return survey.Subtree(units, u.Unit)
}

// period reads the from and to parameters (Vietnam dates, both included;
// default: this month up to today), refusing a reversed or too long period
// with a message naming the parameter.
func (h *Handler) period(c echo.Context) (from, to time.Time, err error) {
	now := h.now().In(period.Vietnam)
	from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, period.Vietnam)
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, period.Vietnam)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := c.QueryParam(p.name); v != "" {
			t, ok := period.ParseDay(v)
			if !ok {
				return from, to, paramError("err.param_date", p.name)
			}
			*p.dst = t
		}
	}
	if to.Before(from) {
		return from, to, paramError("err.param_order")
	}
	if days := int(to.Sub(from).Hours()/24) + 1; days > maxPeriodDays {
		return from, to, paramError("err.param_range", maxPeriodDays)
	}
	return from, to, nil
}
