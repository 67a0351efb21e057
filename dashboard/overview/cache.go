package overview

import (
	"sync"
	"time"
)

// buildFresh is how long a built overview is served to dashboards with
// the same key; the key also changes at every flush, so a new answer is
// never hidden longer than this.
const buildFresh = time.Second

// buildCache shares one build of the overview among the dashboards
// that ask for the same key at about the same time: 200 dashboards that
// re-read the page at one flush cost one build, not 200, and the ones
// that arrive while it runs wait for it instead of starting their own.
type buildCache struct {
	mu sync.Mutex
	m  map[string]*sharedBuild
}

// sharedBuild is one build of the page, done when done is closed.
type sharedBuild struct {
	done chan struct{}
	at   time.Time
	v    *pageView
	err  error
	// live holds the rendered live part of this build, per role (index 1:
	// officials who may hide comments), under buildCache.mu.
	live [2][]byte
}

func (oc *buildCache) get(key string, now time.Time, build func() (*pageView, error)) (*sharedBuild, error) {
	oc.mu.Lock()
	b, ok := oc.m[key]
	if ok && b.v == nil && b.err == nil || ok && b.v != nil && now.Sub(b.at) < buildFresh {
		oc.mu.Unlock()
		<-b.done
		return b, b.err
	}
	if oc.m == nil || len(oc.m) >= 256 { // old flushes' keys are never asked again
		oc.m = map[string]*sharedBuild{}
	}
	b = &sharedBuild{done: make(chan struct{}), at: now}
	oc.m[key] = b
	oc.mu.Unlock()

	v, err := build()
	oc.mu.Lock()
	b.v, b.err = v, err
	if err != nil {
		delete(oc.m, key) // an outage is not remembered
	}
	oc.mu.Unlock()
	close(b.done)
	return b, err
}

// reset forgets every build after a change that no flush announces (a
// hidden comment, a plan task), so this replica's next page shows it.
func (oc *buildCache) reset() {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	oc.m = nil
}

// fragment returns the build's rendered live part for the role, if any.
func (oc *buildCache) fragment(b *sharedBuild, canHide bool) []byte {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return b.live[roleIndex(canHide)]
}

func (oc *buildCache) putFragment(b *sharedBuild, canHide bool, f []byte) {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	b.live[roleIndex(canHide)] = f
}

func roleIndex(canHide bool) int {
	if canHide {
		return 1
	}
	return 0
}
