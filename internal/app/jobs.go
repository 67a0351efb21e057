package app

import (
	"context"
)

// Start runs the background jobs until ctx is done: live updates from
// every replica's rollup flushes, and the automatic closing of months. The
// group-commit writer outlives ctx — submissions in flight at shutdown are
// stored and their rollups flushed — and stops when the returned function
// is called, after the HTTP server has shut down.
func (a *App) Start(ctx context.Context) (stopWriter func()) {
	commitCtx, stopCommit := context.WithCancel(context.Background())
	commitDone := make(chan struct{})
	go func() {
		defer close(commitDone)
		a.Committer.Run(commitCtx)
	}()
	go a.Exporter.AutoClose(ctx, a.cfg.AutoCloseDays, a.Audit, a.log, a.now)
	go a.Rollups.Listen(ctx, a.Live.Notify)
	return func() {
		stopCommit()
		<-commitDone
	}
}
