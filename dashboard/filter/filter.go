// Package filter reads the filters the officials' pages, API and exports
// share — instrument, unit, desk, channel, period, series grain,
// aggregation — into one query over the viewer's scope. A unit or desk
// that does not exist and one out of scope answer alike: 404 naming the
// parameter. Any other bad value is a 400 naming the parameter.
package filter

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// MaxDays bounds one query's period.
const MaxDays = 366

// Filter is a request's filters, resolved.
type Filter struct {
	Query  rollup.Query
	Scope  Scope
	Period Period
}

// Scope says which units and desk a figure covers (JSON of the indicators API).
type Scope struct {
	Unit     string `json:"unit,omitempty"`
	UnitName string `json:"unit_name,omitempty"`
	Units    int    `json:"units"`
	Desk     string `json:"desk,omitempty"`
	Channel  string `json:"channel,omitempty"`
}

// Period is the query's days, as the indicators API states them.
type Period struct {
	From     string `json:"from"`
	To       string `json:"to"`
	By       string `json:"by,omitempty"`
	Timezone string `json:"timezone"`
}

// Reader reads filters; Now gives the default period (this month up to today).
type Reader struct {
	Instruments *survey.Instruments
	Now         func() time.Time
}

// Parse reads every filter of the request for its viewer. A scoped viewer
// gets their own unit when the request names none.
func (r *Reader) Parse(c echo.Context) (*Filter, error) {
	f := &Filter{}
	in, err := r.instrument(c.QueryParam("instrument"))
	if err != nil {
		return nil, err
	}
	f.Query.Instrument = in
	v := auth.ViewerOf(c)
	if err := f.unit(c, v); err != nil {
		return nil, err
	}
	if err := f.desk(c, v); err != nil {
		return nil, err
	}
	if err := f.options(c); err != nil {
		return nil, err
	}
	from, to, err := r.Days(c)
	if err != nil {
		return nil, err
	}
	f.Query.From, f.Query.To = from, to
	f.Period = Period{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), By: f.Query.By, Timezone: "Asia/Ho_Chi_Minh"}
	return f, nil
}

func (r *Reader) instrument(id string) (*survey.Instrument, error) {
	if id == "" {
		id = "counter"
	}
	in, ok := r.Instruments.Get(id)
	if !ok {
		in, ok = r.Instruments.Latest(id)
	}
	if !ok {
		return nil, derrors.Param("err.param_instrument", id)
	}
	return in, nil
}

// unit narrows the query to the unit parameter's subtree (default: the
// viewer's home unit; none: every unit in scope).
func (f *Filter) unit(c echo.Context, v *auth.Viewer) error {
	id := c.QueryParam("unit")
	if id == "" {
		id = v.Home()
	}
	if id == "" {
		f.Scope.Units = len(v.Tree())
		return nil
	}
	u, err := v.Unit(c.Request().Context(), id)
	if err != nil {
		return auth.InScope(err, "err.param_unit", id)
	}
	f.Query.Units = survey.Subtree(v.Tree(), id)
	if len(f.Query.Units) == 0 { // a unit newer than the tree
		f.Query.Units = map[string]bool{id: true}
	}
	f.Scope.Unit, f.Scope.UnitName, f.Scope.Units = id, u.Name, len(f.Query.Units)
	return nil
}

// desk narrows the query to one desk of the scope.
func (f *Filter) desk(c echo.Context, v *auth.Viewer) error {
	id := c.QueryParam("desk")
	if id == "" {
		return nil
	}
	d, err := v.Desk(c.Request().Context(), id)
	if err == nil && f.Query.Units != nil && !f.Query.Units[d.Unit] {
		err = derrors.ErrNotFound // a desk outside the chosen unit
	}
	if err != nil {
		return auth.InScope(err, "err.param_desk", id)
	}
	f.Query.Desk, f.Scope.Desk = id, id
	return nil
}

// options reads channel, by, agg and breakdown.
func (f *Filter) options(c echo.Context) error {
	q := &f.Query
	if ch := c.QueryParam("channel"); ch != "" {
		if !oneOf(ch, survey.Channels...) {
			return derrors.Param("err.param_enum", "channel", strings.Join(survey.Channels, ", "))
		}
		q.Channel, f.Scope.Channel = ch, ch
	}
	q.By = c.QueryParam("by")
	if q.By != "" && !oneOf(q.By, period.GrainDay, period.GrainMonth) {
		return derrors.Param("err.param_enum", "by", "day, month")
	}
	q.Agg = c.QueryParam("agg")
	if q.Agg == "" {
		q.Agg = rollup.AggPooled
	}
	if !oneOf(q.Agg, rollup.AggPooled, rollup.AggUnits) {
		return derrors.Param("err.param_enum", "agg", "pooled, units")
	}
	switch b := c.QueryParam("breakdown"); b {
	case "":
	case "channel":
		q.ByChannel = true
	default:
		return derrors.Param("err.param_enum", "breakdown", "channel")
	}
	return nil
}

// Days reads the from and to parameters (Vietnam dates, both included;
// default: this month up to today), refusing a reversed or too long period
// with a message naming the parameter.
func (r *Reader) Days(c echo.Context) (from, to time.Time, err error) {
	now := r.Now().In(period.Vietnam)
	from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, period.Vietnam)
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, period.Vietnam)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := c.QueryParam(p.name); v != "" {
			t, ok := period.ParseDay(v)
			if !ok {
				return from, to, derrors.Param("err.param_date", p.name)
			}
			*p.dst = t
		}
	}
	if to.Before(from) {
		return from, to, derrors.Param("err.param_order")
	}
	if days := int(to.Sub(from).Hours()/24) + 1; days > MaxDays {
		return from, to, derrors.Param("err.param_range", MaxDays)
	}
	return from, to, nil
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
