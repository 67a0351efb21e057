package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/survey"
)

// userCmd is "hailong user add|passwd|disable|enable|list".
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return configErrorf("usage: hailong user add|passwd|disable|enable|list ...")
	}
	verb, args := args[0], args[1:]
	fs := flag.NewFlagSet("hailong user "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", auth.RoleViewer, "admin, unit_manager, viewer or operator")
	unit := fs.String("unit", "", "the unit whose subtree the account sees (empty: the whole city)")
	name := fs.String("name", "", "the official's full name")
	password := fs.String("password", "", "password (at least 8 characters; generated and printed if empty)")
	// Service flags follow "--".
	username, rest, err := parseNamed(fs, verb, "USERNAME", args, stderr)
	if err != nil {
		return err
	}
	cfg, err := parseConfig("hailong user", rest, getenv, stderr)
	if err != nil {
		return err
	}
	st, closeStores, err := openData(ctx, cfg, newLogger(cfg.LogFormat, stderr))
	if err != nil {
		return err
	}
	defer closeStores()
	users := auth.NewUsers(st.db)
	accounts := accountsOf(st.db)
	generated := ""
	if *password == "" && (verb == "add" || verb == "passwd") {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		*password = base64.RawURLEncoding.EncodeToString(b)
		generated = *password
	}
	actor, now := cliActor(getenv), time.Now()
	switch verb {
	case "add":
		n := auth.Account{Username: username, Name: *name, Role: *role, Unit: *unit, Password: *password}
		if err := accountError(accounts.Create(ctx, actor, n, now), n); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s added (%s)\n", username, *role)
	case "passwd":
		if err := accounts.SetPassword(ctx, actor, username, *password, now); err != nil {
			return fmt.Errorf("user %s: %w", username, err)
		}
		fmt.Fprintf(stdout, "password of %s changed; every session of the account is signed out\n", username)
	case "disable", "enable":
		if err := accounts.SetDisabled(ctx, actor, username, verb == "disable", now); err != nil {
			return fmt.Errorf("user %s: %w", username, err)
		}
		fmt.Fprintf(stdout, "user %s %sd\n", username, verb)
	case "list":
		if err := listUsers(ctx, users, stdout); err != nil {
			return err
		}
	default:
		return configErrorf("unknown: hailong user %s (add, passwd, disable, enable, list)", verb)
	}
	if generated != "" {
		fmt.Fprintf(stdout, "password (shown once): %s\n", generated)
	}
	return nil
}

// accountError names the flag behind a refused account (exit code 2).
func accountError(err error, n auth.Account) error {
	switch {
	case errors.Is(err, auth.ErrUsername):
		return configErrorf("user name %q: %v", n.Username, err)
	case errors.Is(err, auth.ErrRole):
		return configErrorf("-role: %q is not admin, unit_manager, viewer or operator", n.Role)
	case errors.Is(err, auth.ErrNoUnit):
		return configErrorf("-unit: no unit %q", n.Unit)
	case errors.Is(err, auth.ErrUnitNeed), errors.Is(err, auth.ErrAdminUnit):
		return configErrorf("-unit: %v", err)
	case errors.Is(err, auth.ErrPassword):
		return configErrorf("-password: %v", err)
	case errors.Is(err, derrors.ErrDuplicate):
		return configErrorf("user %q exists", n.Username)
	}
	return err
}

// listUsers prints one line per account.
func listUsers(ctx context.Context, users *auth.Users, stdout io.Writer) error {
	list, err := users.List(ctx)
	if err != nil {
		return err
	}
	for _, u := range list {
		state := ""
		if u.Disabled {
			state = " (disabled)"
		}
		fmt.Fprintf(stdout, "%-16s %-13s %-20s %s%s\n", u.Username, u.Role, u.Unit, u.Name, state)
	}
	return nil
}

// cliAudit records a command-line change in the audit log, as the pages
// and the API record theirs.
func cliAudit(ctx context.Context, db *mongo.Database, actor, action, target string, after any) error {
	return auth.NewAudit(db).Log(ctx, actor, action, target, nil, after, time.Now())
}

// accountsOf is the account service over db, for the commands.
func accountsOf(db *mongo.Database) *auth.Accounts {
	return auth.NewAccounts(auth.NewUsers(db), auth.NewTokens(db), auth.NewAudit(db), survey.NewStore(db))
}
