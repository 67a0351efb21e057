package survey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"
)

// Replicas sharing a store take turns writing rollups. On MongoDB the
// version condition of applyDoc alone keeps every increment, but the
// embedded FerretDB reads and writes a conditional replace in two steps,
// so two replicas sharing it (hailong mongo-embedded) could still overwrite
// each other. The lock is held for one flush, under a second.
const (
	rollupLockKey = "hl:rollups:writer"
	rollupLockTTL = 10 * time.Second
)

var unlockScript = redis.NewScript(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`)

// lockWriters waits for the rollup writers' lock and returns its release.
// Without Redis, or when Redis fails, it proceeds unlocked: the version
// condition still protects MongoDB, and a lost flush is worse than a rare
// race on a shared embedded store.
func (r *Rollups) lockWriters(ctx context.Context) func() {
	if r.rdb == nil {
		return func() {}
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	deadline := time.Now().Add(rollupLockTTL + 5*time.Second)
	for {
		ok, err := r.rdb.SetNX(ctx, rollupLockKey, token, rollupLockTTL).Result()
		if err != nil {
			r.log.Warn("rollup writers' lock unavailable; writing without it", "err", err)
			return func() {}
		}
		if ok {
			return func() {
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
				defer cancel()
				_ = unlockScript.Run(ctx, r.rdb, []string{rollupLockKey}, token).Err()
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.log.Warn("rollup writers' lock still held; writing without it")
			return func() {}
		}
		time.Sleep(3 * time.Millisecond)
	}
}
