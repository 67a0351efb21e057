package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/dashboard/auth"
	"hailong/survey"
)

// importCmd is "hailong import [units] FILE": create or update units and
// desks from YAML ("hailong import plan FILE" comes with the plan tasks).
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	kind := "units"
	if len(args) > 0 && (args[0] == "units" || args[0] == "plan") {
		kind, args = args[0], args[1:]
	}
	if len(args) == 0 || len(args[0]) == 0 || args[0][0] == '-' {
		return configErrorf("usage: hailong import [units|plan] FILE [flags]")
	}
	file := args[0]
	cfg, err := parseConfig("hailong import", args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return configErrorf("read %s: %v", file, err)
	}
	switch kind {
	case "units":
		return withStore(ctx, cfg, stderr, func(s *survey.Store, db *mongo.Database) error {
			set, err := survey.LoadInstruments()
			if err != nil {
				return err
			}
			// Every write is audited, as the same change through the API is.
			log, actor, now := auth.NewAudit(db), cliActor(getenv), time.Now()
			audit := func(ctx context.Context, action, target string, before, after any) error {
				return log.Log(ctx, actor, action, target, before, after, now)
			}
			st, err := s.ImportUnits(ctx, data, set, now, audit)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			if err := cliAudit(ctx, db, actor, "units.import", "file:"+filepath.Base(file), st); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "units: %d created, %d updated; desks: %d created, %d updated\n",
				st.UnitsCreated, st.UnitsUpdated, st.DesksCreated, st.DesksUpdated)
			return nil
		})
	default:
		return importPlan(ctx, cfg, cliActor(getenv), file, data, stdout, stderr)
	}
}

// exportUnits is "hailong export units": the tree and desks as YAML on
// stdout, in the form import reads.
func exportUnits(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	return withStore(ctx, cfg, stderr, func(s *survey.Store, _ *mongo.Database) error {
		return s.ExportUnits(ctx, stdout)
	})
}

// withStore opens the stores for a one-shot command.
func withStore(ctx context.Context, cfg config, stderr io.Writer, f func(*survey.Store, *mongo.Database) error) error {
	st, closeStores, err := openData(ctx, cfg, newLogger(cfg.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer closeStores()
	s := survey.NewStore(st.db)
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	return f(s, st.db)
}
