// Package cache keeps what is loaded from a store for a short while: the
// desks, units and portal offers every citizen's request needs are read
// from the store once every few seconds, not once a request. A change made
// through this process resets a cache at once; one made by another replica
// shows within the cache's time to live.
package cache

import (
	"context"
	"errors"
	"sync"
	"time"

	"hailong/internal/derrors"
)

// TTL keeps what each key loads for ttl.
type TTL[V any] struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]entry[V]
}

type entry[V any] struct {
	v       V
	fetched time.Time
}

// New returns an empty cache whose values live for ttl.
func New[V any](ttl time.Duration) *TTL[V] {
	return &TTL[V]{ttl: ttl, entries: map[string]entry[V]{}}
}

// Get returns key's value, loading it when missing or older than ttl.
// Keys whose load fails are not cached, so the cache cannot be filled by
// asking for random keys. When a reload fails for any reason but
// derrors.ErrNotFound (the store is unreachable), the value loaded before is
// returned: a desk seen before keeps its form, so a citizen's answer meets
// the "try again" form with what they typed, not an error page that drops
// it.
func (c *TTL[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && time.Since(e.fetched) < c.ttl {
		return e.v, nil
	}
	v, err := load(ctx)
	if err != nil {
		if ok && !errors.Is(err, derrors.ErrNotFound) {
			return e.v, nil
		}
		return v, err
	}
	c.mu.Lock()
	c.entries[key] = entry[V]{v: v, fetched: time.Now()}
	c.mu.Unlock()
	return v, nil
}

// Reset forgets every value.
func (c *TTL[V]) Reset() {
	c.mu.Lock()
	c.entries = map[string]entry[V]{}
	c.mu.Unlock()
}

// Value keeps one loaded value for ttl. Loads are made one at a time, so
// a burst of requests after it expires reads the store once; a failed
// load is returned as it is, and nothing is kept.
type Value[V any] struct {
	ttl time.Duration

	mu      sync.Mutex
	v       V
	loaded  bool
	fetched time.Time
}

// NewValue returns an empty value cache whose value lives for ttl.
func NewValue[V any](ttl time.Duration) *Value[V] {
	return &Value[V]{ttl: ttl}
}

// Get returns the value, loading it when missing or older than ttl.
func (c *Value[V]) Get(ctx context.Context, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && time.Since(c.fetched) < c.ttl {
		return c.v, nil
	}
	v, err := load(ctx)
	if err != nil {
		var zero V
		return zero, err
	}
	c.v, c.loaded, c.fetched = v, true, time.Now()
	return v, nil
}

// Reset forgets the value.
func (c *Value[V]) Reset() {
	c.mu.Lock()
	var zero V
	c.v, c.loaded = zero, false
	c.mu.Unlock()
}
