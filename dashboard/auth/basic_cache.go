package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// basicCache remembers recently verified HTTP Basic credentials for a
// minute: bcrypt costs ~70 ms by design, which a script polling the API
// would pay on every call. Only a SHA-256 of the pair is kept, and a
// changed password or disabled account takes effect within the TTL.
type basicCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[[32]byte]basicEntry
}

type basicEntry struct {
	username string
	until    time.Time
}

func newBasicCache(ttl time.Duration) *basicCache {
	return &basicCache{ttl: ttl, entries: map[[32]byte]basicEntry{}}
}

func basicKey(user, pass string) [32]byte {
	return sha256.Sum256([]byte(user + "\x00" + pass))
}

func (c *basicCache) get(user, pass string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[basicKey(user, pass)]
	if !ok || now.After(e.until) {
		return "", false
	}
	return e.username, true
}

func (c *basicCache) put(user, pass string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) > 1000 { // bounded: drop everything rather than grow
		c.entries = map[[32]byte]basicEntry{}
	}
	c.entries[basicKey(user, pass)] = basicEntry{username: user, until: now.Add(c.ttl)}
}
