package survey

import (
	"context"
	"errors"
	"hailong/internal/derrors"
	"sync"
	"time"
)

// ttlCache keeps what a key loads from the store for ttl: every form view
// and submission needs desks and units. A change made through this
// process's store resets it at once; one made by another replica shows
// within ttl.
type ttlCache[V any] struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v       V
	fetched time.Time
}

func newTTLCache[V any](ttl time.Duration) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, entries: map[string]ttlEntry[V]{}}
}

// get returns key's value, loading it when missing or older than ttl.
// Unknown keys are not cached, so the cache cannot be filled by scanning
// random codes.
func (c *ttlCache[V]) get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && time.Since(e.fetched) < c.ttl {
		return e.v, nil
	}
	v, err := load(ctx)
	if err != nil {
		if ok && !errors.Is(err, derrors.NotFound) {
			// The store is unreachable: a desk seen before keeps its form,
			// so a citizen's answer meets the "try again" form with what
			// they typed, not an error page that drops it.
			return e.v, nil
		}
		return v, err
	}
	c.mu.Lock()
	c.entries[key] = ttlEntry[V]{v: v, fetched: time.Now()}
	c.mu.Unlock()
	return v, nil
}

func (c *ttlCache[V]) reset() {
	c.mu.Lock()
	c.entries = map[string]ttlEntry[V]{}
	c.mu.Unlock()
}

// deskAndUnit is a desk with its unit, as the desk cache keeps them.
type deskAndUnit struct {
	desk *Desk
	unit *Unit
}

// deskWithUnit returns the desk and its unit, through the desk cache.
func (s *Store) deskWithUnit(ctx context.Context, id string) (*Desk, *Unit, error) {
	du, err := s.deskCache.get(ctx, id, func(ctx context.Context) (deskAndUnit, error) {
		d, err := s.Desk(ctx, id)
		if err != nil {
			return deskAndUnit{}, err
		}
		u, err := s.Unit(ctx, d.Unit)
		return deskAndUnit{d, u}, err
	})
	return du.desk, du.unit, err
}

// unitsCache holds the unit list for unitsTTL.
type unitsCache struct {
	mu      sync.Mutex
	units   []Unit
	fetched time.Time
}

const unitsTTL = 5 * time.Second

func (c *unitsCache) get(ctx context.Context, load func(context.Context) ([]Unit, error)) ([]Unit, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.units != nil && time.Since(c.fetched) < unitsTTL {
		return c.units, nil
	}
	units, err := load(ctx)
	if err != nil {
		return nil, err
	}
	c.units, c.fetched = units, time.Now()
	return units, nil
}

func (c *unitsCache) reset() {
	c.mu.Lock()
	c.units = nil
	c.mu.Unlock()
}
