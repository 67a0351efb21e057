package auth

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
	"hailong/survey"
)

// Register adds the sign-in pages, the account management of
// administrators and the audit log.
func (g *Gate) Register(r Routes) {
	r.Pages.GET("/login", g.loginForm)
	r.Pages.POST("/login", g.login, web.RequireCSRF)
	r.Pages.POST("/logout", g.logout, web.RequireCSRF)
	r.Pages.GET("/users", g.usersPage, g.RequirePage, RequireAdmin)
	r.Pages.POST("/users", g.addUser, g.RequirePage, web.RequireCSRF, RequireAdmin)
	r.Pages.POST("/users/:name/:action", g.userAction, g.RequirePage, web.RequireCSRF, RequireAdmin)
	r.API.GET("/audit", g.apiAudit, RequireAdmin)
}

type loginView struct {
	Next, Username, Error string
}

func (g *Gate) loginForm(c echo.Context) error {
	return web.RenderPage(c, http.StatusOK, "login", web.NewPage(c, "title.login", loginView{Next: safeNext(c.QueryParam("next"))}))
}

func (g *Gate) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	next := safeNext(c.FormValue("next"))
	if wait := g.guard.attempt(c, name); wait > 0 {
		g.log.Info("login held back", "user", name, "wait", wait.Round(time.Second))
		lang := web.Lang(c)
		c.Response().Header().Set("Retry-After", survey.RetryAfterSeconds(wait))
		return web.RenderPage(c, http.StatusTooManyRequests, "login", web.NewPage(c, "title.login",
			loginView{Next: next, Username: name, Error: g.catalog.T(lang, "abuse.login_wait", survey.WaitText(g.catalog, lang, wait))}))
	}
	u, err := g.users.Authenticate(ctx, name, c.FormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		lang := web.Lang(c)
		g.log.Info("login refused", "user", name)
		return web.RenderPage(c, http.StatusUnauthorized, "login", web.NewPage(c, "title.login",
			loginView{Next: next, Username: name, Error: g.catalog.T(lang, "login.failed")}))
	}
	if err != nil {
		g.guard.unused(c, name)
		return err
	}
	g.guard.succeeded(c, name)
	// A fresh session id at every login: a planted cookie is never promoted.
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if id, _, ok := strings.Cut(ck.Value, "."); ok {
			_ = g.sessions.Delete(ctx, id)
		}
	}
	value, err := g.sessions.Create(ctx, u.Username, u.SessionEpoch, g.now())
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(c)})
	g.log.Info("login", "user", u.Username)
	return c.Redirect(http.StatusSeeOther, next)
}

func (g *Gate) logout(c echo.Context) error {
	_ = g.SignOut(c) // the cookie is cleared whatever Redis says
	return c.Redirect(http.StatusSeeOther, "/login")
}

// SignOut ends the request's session, if any, and clears its cookie. The
// error says the session could not be deleted from the store.
func (g *Gate) SignOut(c echo.Context) error {
	var err error
	if ck, cerr := c.Cookie(sessionCookie); cerr == nil {
		if id, _, ok := strings.Cut(ck.Value, "."); ok {
			err = g.sessions.Delete(c.Request().Context(), id)
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(c)})
	return err
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// basicAuth checks HTTP Basic credentials, through the cache of recently
// verified ones. The account is re-read every time, so a disabled account
// is refused at once. Guesses go through the sign-in backoff: a loginWait
// error says how long to wait.
func (g *Gate) basicAuth(c echo.Context, name, pass string) (*User, error) {
	ctx := c.Request().Context()
	now := g.now()
	if _, ok := g.basic.get(name, pass, now); ok {
		u, err := g.users.Get(ctx, name)
		if err == nil && !u.Disabled {
			return u, nil
		}
	}
	if wait := g.guard.attempt(c, name); wait > 0 {
		return nil, loginWait(wait)
	}
	u, err := g.users.Authenticate(ctx, name, pass)
	switch {
	case err == nil:
		g.guard.succeeded(c, name)
		g.basic.put(name, pass, now)
	case !errors.Is(err, ErrBadCredentials):
		g.guard.unused(c, name)
	}
	return u, err
}

// loginWait is how long a held-back sign-in must wait.
type loginWait time.Duration

func (w loginWait) Error() string { return "sign-in held back for " + time.Duration(w).String() }
