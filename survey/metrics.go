package survey

import "github.com/prometheus/client_golang/prometheus"

// Submission outcomes counted by hailong_submissions_total.
const (
	OutcomeStored    = "stored"
	OutcomeDuplicate = "duplicate"
	OutcomeInvalid   = "invalid"
	OutcomeLimited   = "limited"
	OutcomeSuspect   = "suspect"
)

// Metrics are the abuse-protection counters. main creates the registry and
// passes it down, so tests and several app instances in one process never
// share (or collide in) the global default registry.
type Metrics struct {
	submissions *prometheus.CounterVec
	decisions   *prometheus.CounterVec
	fallback    prometheus.Counter
	redisErrors prometheus.Counter
}

// NewMetrics registers the counters on reg; a nil reg gives counters that
// are kept but exported nowhere (tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hailong_submissions_total",
			Help: "Survey submissions by outcome: stored, duplicate, invalid, limited (refused with 429), suspect (stored, not counted).",
		}, []string{"outcome"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hailong_limiter_decisions_total",
			Help: "Rate limiter decisions by limit (ip, device, desk, login) and decision (allow, deny).",
		}, []string{"limit", "decision"}),
		fallback: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hailong_limiter_fallback_total",
			Help: "Limiter decisions taken by the per-process fallback because Redis failed or was slow.",
		}),
		redisErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hailong_redis_errors_total",
			Help: "Redis calls of the limiter that failed or took longer than the limiter's timeout.",
		}),
	}
	// Every label value exists from the start, so a dashboard sees zeros
	// rather than missing series.
	for _, o := range []string{OutcomeStored, OutcomeDuplicate, OutcomeInvalid, OutcomeLimited, OutcomeSuspect} {
		m.submissions.WithLabelValues(o)
	}
	for _, l := range []string{LimitIP, LimitDevice, LimitDesk, LimitLogin} {
		m.decisions.WithLabelValues(l, "allow")
		m.decisions.WithLabelValues(l, "deny")
	}
	if reg != nil {
		reg.MustRegister(m.submissions, m.decisions, m.fallback, m.redisErrors)
	}
	return m
}

// Submission counts one submission's outcome.
func (m *Metrics) Submission(outcome string) {
	if m != nil {
		m.submissions.WithLabelValues(outcome).Inc()
	}
}

func (m *Metrics) decision(limit string, allowed bool) {
	if m == nil {
		return
	}
	d := "allow"
	if !allowed {
		d = "deny"
	}
	m.decisions.WithLabelValues(limit, d).Inc()
}

func (m *Metrics) fellBack() {
	if m != nil {
		m.fallback.Inc()
	}
}

func (m *Metrics) redisError() {
	if m != nil {
		m.redisErrors.Inc()
	}
}
