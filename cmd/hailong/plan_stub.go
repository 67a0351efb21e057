package main

import (
	"context"
	"io"
)

// importPlan imports the plan's tasks (issue 6: not built yet).
func importPlan(_ context.Context, _ config, file string, _ []byte, _, _ io.Writer) error {
	return configErrorf("hailong import plan %s: plan tasks are not available in this version yet", file)
}
