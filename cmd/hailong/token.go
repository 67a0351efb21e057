package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
)

// cliActor is who the audit log names for a command-line change: "cli",
// with the operating-system user when known ("hệ thống" is for changes
// the service makes by itself).
func cliActor(getenv func(string) string) string {
	if u := getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// tokenCmd is "hailong token add|list|revoke": API tokens with which a
// one-stop dossier system creates receipt links.
func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return configErrorf("usage: hailong token add|list|revoke ...")
	}
	verb, args := args[0], args[1:]
	fs := flag.NewFlagSet("hailong token "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	unit := fs.String("unit", "", "the unit whose subtree's desks the token may create receipt links for (empty: the whole city)")
	name, rest, err := parseNamed(fs, verb, "NAME", args, stderr)
	if err != nil {
		return err
	}
	cfg, err := parseConfig("hailong token", rest, getenv, stderr)
	if err != nil {
		return err
	}
	st, closeStores, err := openData(ctx, cfg, newLogger(cfg.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer closeStores()
	tokens, accounts, now, actor := auth.NewTokens(st.db), accountsOf(st.db), time.Now(), cliActor(getenv)
	switch verb {
	case "add":
		secret, _, err := accounts.CreateToken(ctx, actor, name, *unit, now)
		switch {
		case errors.Is(err, auth.ErrTokenName):
			return configErrorf("token name %q: use lower-case letters, digits and hyphens", name)
		case errors.Is(err, auth.ErrNoUnit):
			return configErrorf("-unit: no unit %q", *unit)
		case errors.Is(err, derrors.ErrDuplicate):
			return configErrorf("token %q exists (revoke it first)", name)
		case err != nil:
			return err
		}
		scope := *unit
		if scope == "" {
			scope = "the whole city"
		}
		fmt.Fprintf(stdout, "token %s added (receipt links for %s)\ntoken (shown once): %s\n", name, scope, secret)
	case "revoke":
		t, err := tokens.Get(ctx, name)
		if err == nil {
			err = accounts.RevokeToken(ctx, actor, t, now)
		}
		if err != nil {
			return fmt.Errorf("token %s: %w", name, err)
		}
		fmt.Fprintf(stdout, "token %s revoked\n", name)
	case "list":
		list, err := tokens.List(ctx)
		if err != nil {
			return err
		}
		for _, t := range list {
			state := ""
			if t.RevokedAt != nil {
				state = " (revoked " + t.RevokedAt.Format("2006-01-02") + ")"
			}
			fmt.Fprintf(stdout, "%-20s %-20s %s %s%s\n", t.Name, t.Unit, t.CreatedAt.Format("2006-01-02"), t.CreatedBy, state)
		}
	default:
		return configErrorf("unknown: hailong token %s (add, list, revoke)", verb)
	}
	return nil
}
