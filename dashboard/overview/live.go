package overview

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// Live tells open dashboards that figures changed. Every replica's rollup
// writer announces its flushes on Redis; each process's one subscription
// (rollup.Rollups.Listen) calls Notify, which fans the news out to its
// Server-Sent Events clients, so a dashboard on any replica sees answers
// submitted on any other.
type Live struct {
	mu      sync.Mutex
	clients map[chan struct{}]struct{}
	done    chan struct{}
	once    sync.Once
	// gen counts the announced flushes: what was read from the stores
	// under one value is still current while it holds (comment cache).
	gen atomic.Uint64
}

// Gen returns the number of flushes announced so far.
func (l *Live) Gen() uint64 {
	if l == nil {
		return 0
	}
	return l.gen.Load()
}

// NewLive returns the broker.
func NewLive() *Live {
	return &Live{clients: map[chan struct{}]struct{}{}, done: make(chan struct{})}
}

// Close ends every stream, so a graceful shutdown does not wait for
// dashboards that would never hang up.
func (l *Live) Close() { l.once.Do(func() { close(l.done) }) }

// Notify tells every open dashboard of this process that figures changed.
func (l *Live) Notify() {
	l.gen.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.clients {
		select {
		case c <- struct{}{}:
		default: // already pending: coalesced
		}
	}
}

func (l *Live) add() chan struct{} {
	c := make(chan struct{}, 1)
	l.mu.Lock()
	l.clients[c] = struct{}{}
	l.mu.Unlock()
	return c
}

func (l *Live) remove(c chan struct{}) {
	l.mu.Lock()
	delete(l.clients, c)
	l.mu.Unlock()
}

// liveMinGap is the least time between two updates to one client.
const liveMinGap = time.Second

// apiLive streams "update" events: at most one a second per client, a
// comment every 25 s so proxies keep the connection, and a retry hint so
// the browser reconnects by itself.
func (h *Handler) apiLive(c echo.Context) error {
	w := c.Response()
	// The server's write timeout is for ordinary pages, not this stream.
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set(echo.HeaderCacheControl, "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	w.Flush()

	ch := h.live.add()
	defer h.live.remove(ch)
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	var last time.Time
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.live.done:
			return nil
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			w.Flush()
		case <-ch:
			if wait := liveMinGap - time.Since(last); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return nil
				}
			}
			// This update covers every flush announced while it waited.
			select {
			case <-ch:
			default:
			}
			last = time.Now()
			fmt.Fprintf(w, "event: update\ndata: %d\n\n", last.Unix())
			w.Flush()
		}
	}
}
