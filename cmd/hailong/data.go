package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"hailong/internal/cli"
	"hailong/survey"
	"hailong/survey/period"
	"hailong/survey/rollup"
)

// openData locks the data dir (embedded mode) and opens the stores; the
// returned function closes both in reverse order.
func openData(ctx context.Context, cfg config, log *slog.Logger) (*stores, func(), error) {
	unlock := func() {}
	if cfg.MongoURI == "" {
		u, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return nil, nil, err
		}
		unlock = u
	}
	st, err := openStores(ctx, cfg, log)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return st, func() { st.close(); unlock() }, nil
}

// reindex rebuilds every rollup from the responses.
func reindex(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	log := newLogger(cfg.LogFormat, stderr)
	st, closeStores, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStores()
	start := time.Now()
	c := rollup.NewCommitter(st.db, rollup.NewRollups(st.db, st.redis, log), log)
	stats, err := c.Reindex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindexed %d responses into %d rollup documents in %v\n", stats.Responses, stats.Documents, time.Since(start).Round(time.Millisecond))
	return nil
}

// generateConfig is the data generator's own flags.
type generateConfig struct {
	N          int
	From, To   string
	Seed       uint64
	Instrument string
	Desks      int
}

func parseGenerate(args []string, stderr io.Writer) (generateConfig, []string, error) {
	g := generateConfig{}
	fs := flag.NewFlagSet("hailong generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&g.N, "n", 10000, "number of responses to add")
	fs.StringVar(&g.From, "from", "2024-01-01", "first day (Vietnam time)")
	fs.StringVar(&g.To, "to", "2024-12-31", "last day (Vietnam time)")
	fs.Uint64Var(&g.Seed, "seed", 1, "random seed (same seed, same data)")
	fs.StringVar(&g.Instrument, "instrument", "counter", "instrument code")
	fs.IntVar(&g.Desks, "desks", 0, "add desks across the demo wards until there are this many")
	// Everything after "--" is for the service configuration.
	rest := []string{}
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	if err := cli.ParseFlags(fs, args, stderr); err != nil {
		return g, nil, err
	}
	if g.N < 1 {
		return g, nil, configErrorf("-n must be positive")
	}
	return g, rest, nil
}

// generate fills the database with g.N realistic responses spread over the
// demo desks and the period, with batched inserts, then rebuilds the
// rollups: the data behind the benchmarks, reproducible by seed.
func generate(ctx context.Context, cfg config, g generateConfig, stdout, stderr io.Writer) error {
	log := newLogger(cfg.LogFormat, stderr)
	from, ok1 := period.ParseDay(g.From)
	to, ok2 := period.ParseDay(g.To)
	if !ok1 || !ok2 || to.Before(from) {
		return configErrorf("-from and -to must be dates YYYY-MM-DD, from before to")
	}
	set, err := survey.LoadInstruments()
	if err != nil {
		return err
	}
	in, ok := set.Latest(g.Instrument)
	if !ok {
		return configErrorf("-instrument: no instrument %q", g.Instrument)
	}
	st, closeStores, err := openData(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStores()
	store := survey.NewStore(st.db)
	if err := store.EnsureIndexes(ctx); err != nil {
		return err
	}
	if _, err := store.SeedDemo(ctx, time.Now()); err != nil {
		return err
	}
	start := time.Now()
	if err := store.Generate(ctx, survey.Generation{In: in, N: g.N, From: from, To: to, Seed: g.Seed, Desks: g.Desks}); err != nil {
		return err
	}
	inserted := time.Since(start)
	c := rollup.NewCommitter(st.db, rollup.NewRollups(st.db, st.redis, log), log)
	stats, err := c.Reindex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d responses in %v; reindexed %d responses into %d rollup documents in %v\n",
		g.N, inserted.Round(time.Millisecond), stats.Responses, stats.Documents, (time.Since(start) - inserted).Round(time.Millisecond))
	return nil
}
