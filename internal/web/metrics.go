package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// RequestMetrics observes each request's latency by route, method and
// status. The route is Echo's pattern ("/s/:code"), never the URL: a label
// per desk code or token would grow without bound (and carry the codes).
// Use it outermost, so errors are already turned into their final status.
func RequestMetrics(reg prometheus.Registerer) echo.MiddlewareFunc {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hailong_http_request_duration_seconds",
		Help:    "HTTP request latency by route pattern, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	reg.MustRegister(h)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err) // write the error page now, to know its status
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			h.WithLabelValues(route, methodLabel(c.Request().Method), strconv.Itoa(c.Response().Status)).
				Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// methodLabel keeps the label set bounded: any method is accepted on the wire.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}
