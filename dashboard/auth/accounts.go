package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"hailong/internal/derrors"
	"hailong/survey"
)

// Problems of an account change, besides CheckAccount's.
var (
	ErrUsername = errors.New("a username is 2 to 32 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit")
	ErrNoUnit   = errors.New("no such unit")
	ErrPassword = errors.New("password must have at least 8 characters")
	// ErrTokenName: an API token's name is typed in the CLI and shown in lists.
	ErrTokenName = errors.New("a token name is lower-case letters, digits and hyphens")
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// Accounts changes officials' accounts and the API tokens of dossier
// systems, each change checked by the same rules and audited, for the
// pages and the command line ("hailong user", "hailong token") alike.
type Accounts struct {
	users  *Users
	tokens *Tokens
	audit  *Audit
	units  *survey.Store
}

// NewAccounts returns the account service.
func NewAccounts(users *Users, tokens *Tokens, audit *Audit, units *survey.Store) *Accounts {
	return &Accounts{users: users, tokens: tokens, audit: audit, units: units}
}

// Account is a new official's account.
type Account struct {
	Username, Name, Role, Unit, Password string
}

// Create checks and stores a new account and audits it as actor's change.
// Errors: ErrUsername, CheckAccount's, ErrNoUnit, ErrPassword,
// derrors.ErrDuplicate (the name is taken), or a store's.
func (a *Accounts) Create(ctx context.Context, actor string, n Account, now time.Time) error {
	n.Username, n.Name = strings.TrimSpace(n.Username), strings.TrimSpace(n.Name)
	if !usernamePattern.MatchString(n.Username) {
		return ErrUsername
	}
	if err := CheckAccount(n.Role, n.Unit); err != nil {
		return err
	}
	if err := a.unitExists(ctx, n.Unit); err != nil {
		return err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return err
	}
	u := &User{Username: n.Username, Name: n.Name, Role: n.Role, Unit: n.Unit, PasswordHash: hash, CreatedAt: now.UTC()}
	if err := a.users.Insert(ctx, u); err != nil {
		return err
	}
	return a.audit.Log(ctx, actor, "user.create", "user:"+n.Username, nil, map[string]string{"role": n.Role, "unit": n.Unit}, now)
}

// SetPassword changes a password, which ends every session of the
// account on every replica, and audits it.
func (a *Accounts) SetPassword(ctx context.Context, actor, username, password string, now time.Time) error {
	if err := a.users.SetPassword(ctx, username, password); err != nil {
		return err
	}
	return a.audit.Log(ctx, actor, "user.password", "user:"+username, nil, nil, now)
}

// SetDisabled disables (ending its sessions) or re-enables an account,
// and audits it.
func (a *Accounts) SetDisabled(ctx context.Context, actor, username string, disabled bool, now time.Time) error {
	if err := a.users.SetDisabled(ctx, username, disabled); err != nil {
		return err
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return a.audit.Log(ctx, actor, action, "user:"+username, nil, nil, now)
}

// unitExists checks a unit an account or token names ("" names none).
func (a *Accounts) unitExists(ctx context.Context, unit string) error {
	if unit == "" {
		return nil
	}
	if _, err := a.units.Unit(ctx, unit); errors.Is(err, derrors.ErrNotFound) {
		return fmt.Errorf("%w: %q", ErrNoUnit, unit)
	} else if err != nil {
		return err
	}
	return nil
}

// CreateToken issues an API token for the desks of unit's subtree ("": the
// whole city), audited as actor's change; it returns the secret, shown
// once. Errors: ErrTokenName, ErrNoUnit, derrors.ErrDuplicate, a store's.
func (a *Accounts) CreateToken(ctx context.Context, actor, name, unit string, now time.Time) (string, *APIToken, error) {
	if !ValidTokenName(name) {
		return "", nil, ErrTokenName
	}
	if err := a.unitExists(ctx, unit); err != nil {
		return "", nil, err
	}
	secret, t, err := a.tokens.Create(ctx, name, unit, actor, now)
	if err != nil {
		return "", nil, err
	}
	return secret, t, a.audit.Log(ctx, actor, "token.create", "token:"+t.Name, nil, t, now)
}

// RevokeToken ends a token at once on every replica, audited.
func (a *Accounts) RevokeToken(ctx context.Context, actor string, t *APIToken, now time.Time) error {
	if err := a.tokens.Revoke(ctx, t.Name, now); err != nil {
		return err
	}
	return a.audit.Log(ctx, actor, "token.revoke", "token:"+t.Name, t, nil, now)
}
