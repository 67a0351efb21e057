package limit

import (
	"sync"
	"time"
)

// memLimits is the per-process fallback of the Limiter: the same GCRA
// limits, marks and backoff, in memory. Each replica enforces them alone,
// so while Redis is down a client spreading over N replicas gets up to N
// times its limit: a price paid to keep accepting answers.
//
// Memory is bounded: at max keys, entries that no longer matter are
// dropped, and if every entry still matters the map is cleared. The
// fallback forgets rather than grows or refuses.
type memLimits struct {
	mu      sync.Mutex
	max     int
	entries map[string]*memEntry
}

type memEntry struct {
	tat     time.Time // GCRA: theoretical arrival time of the next event
	until   time.Time // the entry can be forgotten after this
	fails   int64
	blocked time.Time
}

func newMemLimits(max int) *memLimits {
	return &memLimits{max: max, entries: map[string]*memEntry{}}
}

// entry returns the entry of key, creating it within the memory bound.
// The caller holds mu.
func (m *memLimits) entry(key string, now time.Time) *memEntry {
	if e, ok := m.entries[key]; ok {
		return e
	}
	if len(m.entries) >= m.max {
		for k, e := range m.entries {
			if !e.until.After(now) {
				delete(m.entries, k)
			}
		}
		if len(m.entries) >= m.max {
			clear(m.entries)
		}
	}
	e := &memEntry{}
	m.entries[key] = e
	return e
}

// allow is redis_rate's GCRA with a cost of one.
func (m *memLimits) allow(key string, lim Rate, now time.Time) Decision {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entry("gcra:"+key, now)
	interval := lim.Per / time.Duration(lim.N)
	tat := e.tat
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	if allowAt := next.Add(-lim.Per); now.Before(allowAt) {
		return Decision{RetryAfter: allowAt.Sub(now)}
	}
	e.tat, e.until = next, next
	return Decision{Allowed: true}
}

func (m *memLimits) firstUse(key string, ttl time.Duration, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entry("mark:"+key, now)
	if e.until.After(now) {
		return false
	}
	e.until = now.Add(ttl)
	return true
}

func (m *memLimits) forgetMark(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, "mark:"+key)
}

// attempt is attemptScript in memory, under one lock.
func (m *memLimits) attempt(keys []string, policies []Backoff, now time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if e, ok := m.entries["fail:"+k]; ok {
			wait = max(wait, e.blocked.Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	for i, k := range keys {
		e := m.entry("fail:"+k, now)
		if !e.until.After(now) {
			e.fails = 0
		}
		e.fails++
		e.until = now.Add(failureMemory)
		if d := policies[i].delay(e.fails); d > 0 && now.Add(d).After(e.blocked) {
			e.blocked = now.Add(d)
		}
	}
	return 0
}

func (m *memLimits) refund(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries["fail:"+key]; ok && e.fails > 0 {
		e.fails--
	}
}

func (m *memLimits) forgetFailures(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, "fail:"+key)
}
