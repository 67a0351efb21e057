package main

import (
	"context"
	"errors"
	"io"

	"hailong/internal/loadtest"
)

// loadtestCmd is "hailong loadtest" (package loadtest); a mistake in its
// flags is a configError, like any other command's.
func loadtestCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := loadtest.ParseFlags(args, getenv, stderr)
	if fe := (*loadtest.FlagError)(nil); errors.As(err, &fe) {
		return &configError{msg: fe.Error()}
	}
	if err != nil {
		return err
	}
	return loadtest.Run(ctx, c, stdout, stderr)
}
