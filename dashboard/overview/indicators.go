package overview

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/filter"
	"hailong/internal/web"
	"hailong/survey"
	"hailong/survey/rollup"
)

// indicatorsJSON is the answer of GET /api/v1/indicators.
type indicatorsJSON struct {
	Scope  filter.Scope  `json:"scope"`
	Period filter.Period `json:"period"`
	*rollup.Report
	Method string `json:"method"`
}

func (h *Handler) apiIndicators(c echo.Context) error {
	f, err := h.filters.Parse(c)
	if err != nil {
		return err
	}
	q := f.Query
	lang := web.Lang(c)
	rep, err := h.rollups.Report(c.Request().Context(), q, lang)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, indicatorsJSON{Scope: f.Scope, Period: f.Period, Report: rep, Method: h.method(lang, q)})
}

// method is the formulas in words: the SIPAS rates, then the TT 01/2018
// points for an instrument that has them.
func (h *Handler) method(lang string, q rollup.Query) string {
	m := h.catalog.T(lang, "method."+q.Agg)
	for _, it := range q.Instrument.Items {
		if it.Type == survey.TypePoints {
			return m + " " + h.catalog.T(lang, "method.points")
		}
	}
	return m
}
