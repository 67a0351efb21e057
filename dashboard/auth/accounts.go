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
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// Accounts changes officials' accounts, each change checked by the same
// rules and audited, for the users page and "hailong user" alike.
type Accounts struct {
	users *Users
	audit *Audit
	units *survey.Store
}

// NewAccounts returns the account service.
func NewAccounts(users *Users, audit *Audit, units *survey.Store) *Accounts {
	return &Accounts{users: users, audit: audit, units: units}
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
	if n.Unit != "" {
		if _, err := a.units.Unit(ctx, n.Unit); errors.Is(err, derrors.ErrNotFound) {
			return fmt.Errorf("%w: %q", ErrNoUnit, n.Unit)
		} else if err != nil {
			return err
		}
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
