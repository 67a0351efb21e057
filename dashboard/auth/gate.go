// Package auth is the core of the officials' side: accounts and roles,
// sessions, sign-in (form, HTTP Basic, API tokens) with its backoff, the
// Viewer every request is resolved to, and the audit log of who changed
// what. Features (overview, desks, paper, exports, plan, suspects) stand on
// it; it knows none of them.
package auth

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

const sessionCookie = "hl_session"

// Gate lets officials in: it authenticates a request, resolves its Viewer
// once, and answers the role checks features put on their routes.
type Gate struct {
	users    *Users
	sessions *Sessions
	tokens   *Tokens
	store    *survey.Store
	audit    *Audit
	catalog  *web.Catalog
	log      *slog.Logger
	now      func() time.Time
	basic    *basicCache
	guard    loginGuard
	accounts *Accounts
}

// GateConfig is what the gate needs.
type GateConfig struct {
	Users    *Users
	Sessions *Sessions
	// Tokens holds API tokens (nil: none accepted).
	Tokens *Tokens
	Store  *survey.Store
	Audit  *Audit
	// Accounts changes accounts (the users page).
	Accounts *Accounts
	Catalog  *web.Catalog
	Log      *slog.Logger
	Now      func() time.Time
	// Backoff slows password guessing (nil Limiter: off).
	Backoff Backoff
}

// NewGate returns the gate.
func NewGate(cfg GateConfig) *Gate {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Gate{users: cfg.Users, sessions: cfg.Sessions, tokens: cfg.Tokens, store: cfg.Store, audit: cfg.Audit,
		catalog: cfg.Catalog, log: cfg.Log, now: now, basic: newBasicCache(time.Minute), guard: newLoginGuard(cfg.Backoff),
		accounts: cfg.Accounts}
}

// ViewerOf returns the viewer the gate let in.
func ViewerOf(c echo.Context) *Viewer { return FromContext(c.Request().Context()) }

// admit resolves u's viewer once and puts it in the request.
func (g *Gate) admit(c echo.Context, u *User) error {
	tree, err := g.store.UnitsRecent(c.Request().Context())
	if err != nil {
		return err
	}
	v := NewViewer(u, tree, g.store)
	c.SetRequest(c.Request().WithContext(NewContext(c.Request().Context(), v)))
	// The layout names the official (and offers "Đăng xuất"): the display
	// name, or the account name when there is none.
	name := u.Name
	if name == "" {
		name = u.Username
	}
	web.SetUser(c, name, u.Role, u.Role == RoleAdmin)
	return nil
}

// RequirePage lets signed-in officials through and sends others to the
// login page, remembering where they were going.
func (g *Gate) RequirePage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := g.sessionUser(c)
		if errors.Is(err, errSignedOut) {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		if err != nil {
			return err
		}
		if err := g.admit(c, u); err != nil {
			return err
		}
		return next(c)
	}
}

// RequireAPI accepts a session cookie (with its CSRF token on writes),
// HTTP Basic credentials, for scripts, or an API token (Bearer) on the one
// route tokens may call.
func (g *Gate) RequireAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := g.apiUser(c)
		if err != nil {
			return err
		}
		if err := g.admit(c, u); err != nil {
			return err
		}
		return next(c)
	}
}

func (g *Gate) apiUser(c echo.Context) (*User, error) {
	if auth := c.Request().Header.Get(echo.HeaderAuthorization); len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
		return g.bearerUser(c, auth[7:])
	}
	if name, pass, ok := c.Request().BasicAuth(); ok {
		u, err := g.basicAuth(c, name, pass)
		var wait loginWait
		switch {
		case errors.As(err, &wait):
			return nil, g.loginWaitError(c, time.Duration(wait))
		case errors.Is(err, ErrBadCredentials):
			return nil, unauthorized(c)
		}
		return u, err
	}
	u, err := g.sessionUser(c)
	if errors.Is(err, errSignedOut) {
		return nil, unauthorized(c)
	}
	if err != nil {
		return nil, err
	}
	if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead && !web.CheckCSRF(c) {
		return nil, web.NewError(http.StatusForbidden, "err.csrf", nil)
	}
	return u, nil
}

func unauthorized(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="hailong", charset="UTF-8"`)
	return web.NewError(http.StatusUnauthorized, "err.401", nil)
}

// errSignedOut: the request carries no live session of an active account.
var errSignedOut = errors.New("not signed in")

// sessionUser returns the signed-in official, or errSignedOut.
func (g *Gate) sessionUser(c echo.Context) (*User, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil {
		return nil, errSignedOut
	}
	ctx := c.Request().Context()
	sess, err := g.sessions.Get(ctx, ck.Value, g.now())
	if errors.Is(err, ErrNoSession) {
		return nil, errSignedOut
	}
	if err != nil {
		return nil, err
	}
	u, err := g.users.Get(ctx, sess.Username)
	if errors.Is(err, derrors.ErrNotFound) || (err == nil && (u.Disabled || u.SessionEpoch != sess.Epoch)) {
		return nil, errSignedOut
	}
	return u, err
}

// RequireRole lets through viewers whose role may act: ok says which.
func RequireRole(ok func(*User) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if v := ViewerOf(c); v == nil || !ok(v.User) {
				return derrors.ErrForbidden
			}
			return next(c)
		}
	}
}

// The role checks features put on their routes.
var (
	// RequireAdmin: the unit tree, desks, accounts, closing months.
	RequireAdmin = RequireRole(func(u *User) bool { return u.Role == RoleAdmin })
	// RequireSupervisor: administrators and unit managers decide for
	// their scope (suspect answers, hidden comments, paper disagreements).
	RequireSupervisor = RequireRole((*User).Supervises)
	// RequireKeyer: supervisors and operators key paper forms.
	RequireKeyer = RequireRole(func(u *User) bool { return u.Supervises() || u.Role == RoleOperator })
)

// Routes are where a feature registers: every feature's Register takes
// them, so the assembly (package dashboard) reads as a list.
type Routes struct {
	Echo *echo.Echo
	// Pages carries CSRF; a feature adds Gate.RequirePage (and a role
	// check) to each page of officials.
	Pages *echo.Group
	// API is /api/v1: signed in (session with CSRF, HTTP Basic or token).
	API  *echo.Group
	Gate *Gate
}
