// Package metrics holds the abuse-protection counters: what became of each
// citizen submission, and what the rate limiter decided and how often Redis
// failed it. main creates the registry and passes it down, so tests and
// several app instances in one process never share (or collide in) the
// global default registry.
package metrics

import "github.com/prometheus/client_golang/prometheus"

// Submission outcomes, the "outcome" label of hailong_submissions_total.
const (
	OutcomeStored    = "stored"
	OutcomeDuplicate = "duplicate"
	OutcomeInvalid   = "invalid"
	OutcomeLimited   = "limited"
	OutcomeSuspect   = "suspect"
)

// Limit names, the "limit" label of hailong_limiter_decisions_total.
const (
	LimitIP     = "ip"
	LimitDevice = "device"
	LimitDesk   = "desk"
	LimitLogin  = "login"
)

// Abuse are the abuse-protection counters. A nil *Abuse counts nothing.
type Abuse struct {
	submissions *prometheus.CounterVec
	decisions   *prometheus.CounterVec
	fallback    prometheus.Counter
	redisErrors prometheus.Counter
}

// NewAbuse registers the counters on reg; a nil reg gives counters that
// are kept but exported nowhere (tests).
func NewAbuse(reg prometheus.Registerer) *Abuse {
	m := &Abuse{
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
func (m *Abuse) Submission(outcome string) {
	if m != nil {
		m.submissions.WithLabelValues(outcome).Inc()
	}
}

// Decision counts one decision of the limit named limit.
func (m *Abuse) Decision(limit string, allowed bool) {
	if m == nil {
		return
	}
	d := "allow"
	if !allowed {
		d = "deny"
	}
	m.decisions.WithLabelValues(limit, d).Inc()
}

// FellBack counts a decision taken without Redis.
func (m *Abuse) FellBack() {
	if m != nil {
		m.fallback.Inc()
	}
}

// RedisError counts a Redis call that failed or timed out.
func (m *Abuse) RedisError() {
	if m != nil {
		m.redisErrors.Inc()
	}
}
