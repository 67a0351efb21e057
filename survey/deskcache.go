package survey

import (
	"context"
	"errors"
	"sync"
	"time"
)

// deskCache keeps desks and their units for a few seconds: every form view
// and submission needs them. A change made through this process's store
// takes effect at once; one made by another replica within ttl.
type deskCache struct {
	store *Store
	ttl   time.Duration

	mu      sync.Mutex
	entries map[string]deskEntry
}

type deskEntry struct {
	desk    *Desk
	unit    *Unit
	fetched time.Time
}

func newDeskCache(s *Store, ttl time.Duration) *deskCache {
	return &deskCache{store: s, ttl: ttl, entries: map[string]deskEntry{}}
}

// get returns the desk and its unit. Unknown ids are not cached, so the
// cache cannot be filled by scanning random codes.
func (c *deskCache) get(ctx context.Context, id string) (*Desk, *Unit, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && time.Since(e.fetched) < c.ttl {
		return e.desk, e.unit, nil
	}
	d, err := c.store.Desk(ctx, id)
	var u *Unit
	if err == nil {
		u, err = c.store.Unit(ctx, d.Unit)
	}
	if err != nil {
		if ok && !errors.Is(err, ErrNotFound) {
			// The store is unreachable: a desk seen before keeps its form,
			// so a citizen's answer meets the "try again" form with what
			// they typed, not an error page that drops it.
			return e.desk, e.unit, nil
		}
		return nil, nil, err
	}
	c.mu.Lock()
	c.entries[id] = deskEntry{desk: d, unit: u, fetched: time.Now()}
	c.mu.Unlock()
	return d, u, nil
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

func (c *deskCache) reset() {
	c.mu.Lock()
	c.entries = map[string]deskEntry{}
	c.mu.Unlock()
}
