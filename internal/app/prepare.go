package app

import (
	"context"
	"fmt"
	"time"

	"hailong/dashboard/plan"
)

// staleWriter is how long a writer sharing the store may stay silent
// before its journal is replayed by others.
const staleWriter = time.Minute

// Prepare readies the data: indexes, the demo city when the database is
// empty, repair of the rollups an unclean stop left uncounted, and the
// first admin account. It returns a generated admin password to print
// once, or "".
func (a *App) Prepare(ctx context.Context) (string, error) {
	if err := a.Survey.EnsureIndexes(ctx); err != nil {
		return "", err
	}
	if a.cfg.Demo {
		if err := a.seedDemo(ctx); err != nil {
			return "", err
		}
	}
	if err := a.repair(ctx); err != nil {
		return "", err
	}
	created, generated, err := a.Users.EnsureAdmin(ctx, a.cfg.AdminPassword, time.Now())
	if err != nil {
		return "", err
	}
	if created {
		a.log.Info("admin account created")
	}
	return generated, nil
}

// seedDemo loads the demo units, desks and the city's 2024 plan into an
// empty database.
func (a *App) seedDemo(ctx context.Context) error {
	seeded, err := a.Survey.SeedDemo(ctx, time.Now())
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if !seeded {
		return nil
	}
	a.log.Info("demo units and desks created")
	units, err := a.Survey.Units(ctx)
	if err != nil {
		return err
	}
	f, err := plan.ParsePlan(plan.DemoPlan(), units)
	if err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	if _, _, err := a.Tasks.Import(ctx, f); err != nil {
		return fmt.Errorf("demo plan: %w", err)
	}
	return nil
}

// repair replays the journal batches whose rollups were not written.
// Alone on the embedded store, every journal entry left is from a crashed
// run of this process. With a shared store, others may still be writing
// theirs: the entries of writers silent for staleWriter are replayed, now
// and every 10 s while this process runs (a replica restarted at once
// never waits for a later restart to get its predecessor's last batches
// counted).
func (a *App) repair(ctx context.Context) error {
	var staleAfter time.Duration
	if a.cfg.SharedStore {
		staleAfter = staleWriter
		if err := a.Committer.Beat(ctx); err != nil {
			return err
		}
	}
	n, err := a.Committer.Repair(ctx, staleAfter)
	if err != nil {
		return fmt.Errorf("repair rollups: %w", err)
	}
	if n > 0 {
		a.log.Warn("rollups repaired after an unclean stop", "batches", n)
	}
	return nil
}
