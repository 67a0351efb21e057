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
	generated := ""
	if *password == "" && (verb == "add" || verb == "passwd") {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		*password = base64.RawURLEncoding.EncodeToString(b)
		generated = *password
	}
	switch verb {
	case "add":
		switch err := auth.CheckAccount(*role, *unit); {
		case errors.Is(err, auth.ErrRole):
			return configErrorf("-role: %q is not admin, unit_manager, viewer or operator", *role)
		case err != nil:
			return configErrorf("-unit: %v", err)
		}
		if *unit != "" {
			if _, err := survey.NewStore(st.db).Unit(ctx, *unit); err != nil {
				return configErrorf("-unit: no unit %q", *unit)
			}
		}
		hash, err := auth.HashPassword(*password)
		if err != nil {
			return configErrorf("-password: %v", err)
		}
		err = users.Insert(ctx, &auth.User{Username: username, Name: *name, Role: *role, Unit: *unit, PasswordHash: hash, CreatedAt: time.Now().UTC()})
		if errors.Is(err, derrors.ErrDuplicate) {
			return configErrorf("user %q exists", username)
		}
		if err != nil {
			return err
		}
		if err := cliAudit(ctx, st.db, cliActor(getenv), "user.create", "user:"+username, map[string]string{"role": *role, "unit": *unit}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s added (%s)\n", username, *role)
	case "passwd":
		if err := users.SetPassword(ctx, username, *password); err != nil {
			return fmt.Errorf("user %s: %w", username, err)
		}
		if err := cliAudit(ctx, st.db, cliActor(getenv), "user.password", "user:"+username, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; every session of the account is signed out\n", username)
	case "disable", "enable":
		if err := users.SetDisabled(ctx, username, verb == "disable"); err != nil {
			return fmt.Errorf("user %s: %w", username, err)
		}
		if err := cliAudit(ctx, st.db, cliActor(getenv), "user."+verb, "user:"+username, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s %sd\n", username, verb)
	case "list":
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
	default:
		return configErrorf("unknown: hailong user %s (add, passwd, disable, enable, list)", verb)
	}
	if generated != "" {
		fmt.Fprintf(stdout, "password (shown once): %s\n", generated)
	}
	return nil
}

// cliAudit records a command-line change in the audit log, as the pages
// and the API record theirs.
func cliAudit(ctx context.Context, db *mongo.Database, actor, action, target string, after any) error {
	return auth.NewAudit(db).Log(ctx, actor, action, target, nil, after, time.Now())
}
