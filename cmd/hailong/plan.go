package main

import (
	"context"
	"fmt"
	"io"

	"hailong/dashboard/plan"
	"hailong/survey"
)

// importPlan is "hailong import plan FILE": create the plan's tasks and
// update their definitions, keeping their reported status.
func importPlan(ctx context.Context, cfg config, actor, file string, data []byte, stdout, stderr io.Writer) error {
	st, closeStores, err := openData(ctx, cfg, newLogger(cfg.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer closeStores()
	units, err := survey.NewStore(st.db).Units(ctx)
	if err != nil {
		return err
	}
	f, err := plan.ParsePlan(data, units)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	created, updated, err := plan.NewTasks(st.db).Import(ctx, f)
	if err != nil {
		return err
	}
	if err := cliAudit(ctx, st.db, actor, "plan.import", "plan:"+f.Plan.Code, map[string]any{"file": file, "created": created, "updated": updated}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "plan %s: %d tasks created, %d updated\n", file, created, updated)
	return nil
}
