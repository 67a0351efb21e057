package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
	"hailong/survey"
)

const (
	sessionCookie = "hl_session"
	ctxUser       = "hailong.user"
)

// currentUser returns the official the auth middleware let in.
func currentUser(c echo.Context) *User {
	u, _ := c.Get(ctxUser).(*User)
	return u
}

// requirePage lets signed-in officials through and sends others to the
// login page, remembering where they were going.
func (h *Handler) requirePage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := h.sessionUser(c)
		if err != nil {
			return err
		}
		if u == nil {
			next := c.Request().URL.RequestURI()
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		}
		c.Set(ctxUser, u)
		web.SetUser(c, u.Name, u.Role, u.Role == RoleAdmin)
		return next(c)
	}
}

// requireAPI accepts a session cookie (with its CSRF token on writes),
// HTTP Basic credentials, for scripts, or an API token (Bearer) on the one
// route tokens may call.
func (h *Handler) requireAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if auth := c.Request().Header.Get(echo.HeaderAuthorization); len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
			u, err := h.bearerUser(c, auth[7:])
			if err != nil {
				return err
			}
			c.Set(ctxUser, u)
			return next(c)
		}
		if name, pass, ok := c.Request().BasicAuth(); ok {
			u, err := h.basicAuth(c, name, pass)
			var wait loginWait
			if errors.As(err, &wait) {
				return h.loginWaitError(c, time.Duration(wait))
			}
			if errors.Is(err, ErrBadCredentials) {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="hailong", charset="UTF-8"`)
				return web.NewError(http.StatusUnauthorized, "err.401", nil)
			}
			if err != nil {
				return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
			}
			c.Set(ctxUser, u)
			return next(c)
		}
		u, err := h.sessionUser(c)
		if err != nil {
			return err
		}
		if u == nil {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="hailong", charset="UTF-8"`)
			return web.NewError(http.StatusUnauthorized, "err.401", nil)
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead && !web.CheckCSRF(c) {
			return web.NewError(http.StatusForbidden, "err.csrf", nil)
		}
		c.Set(ctxUser, u)
		return next(c)
	}
}

// sessionUser returns the signed-in official, or nil when there is none.
func (h *Handler) sessionUser(c echo.Context) (*User, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	ctx := c.Request().Context()
	sess, err := h.sessions.Get(ctx, ck.Value, h.now())
	if errors.Is(err, ErrNoSession) {
		return nil, nil
	}
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	u, err := h.users.Get(ctx, sess.Username)
	if err != nil || u.Disabled || u.SessionEpoch != sess.Epoch {
		return nil, nil
	}
	return u, nil
}

type loginView struct {
	Next, Username, Error string
}

func (h *Handler) loginForm(c echo.Context) error {
	return web.RenderPage(c, http.StatusOK, "login", web.NewPage(c, "title.login", loginView{Next: safeNext(c.QueryParam("next"))}))
}

func (h *Handler) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	next := safeNext(c.FormValue("next"))
	if wait := h.loginGuard.attempt(c, name); wait > 0 {
		h.log.Info("login held back", "user", name, "wait", wait.Round(time.Second))
		lang := web.Lang(c)
		c.Response().Header().Set("Retry-After", survey.RetryAfterSeconds(wait))
		return web.RenderPage(c, http.StatusTooManyRequests, "login", web.NewPage(c, "title.login",
			loginView{Next: next, Username: name, Error: h.catalog.T(lang, "abuse.login_wait", survey.WaitText(h.catalog, lang, wait))}))
	}
	u, err := h.users.Authenticate(ctx, name, c.FormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		lang := web.Lang(c)
		h.log.Info("login refused", "user", name)
		return web.RenderPage(c, http.StatusUnauthorized, "login", web.NewPage(c, "title.login",
			loginView{Next: next, Username: name, Error: h.catalog.T(lang, "login.failed")}))
	}
	if err != nil {
		h.loginGuard.unused(c, name)
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	h.loginGuard.succeeded(c, name)
	// A fresh session id at every login: a planted cookie is never promoted.
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if id, _, ok := strings.Cut(ck.Value, "."); ok {
			_ = h.sessions.Delete(ctx, id)
		}
	}
	value, err := h.sessions.Create(ctx, u.Username, u.SessionEpoch, h.now())
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(c)})
	h.log.Info("login", "user", u.Username)
	return c.Redirect(http.StatusSeeOther, next)
}

func (h *Handler) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if id, _, ok := strings.Cut(ck.Value, "."); ok {
			_ = h.sessions.Delete(c.Request().Context(), id)
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: web.IsHTTPS(c)})
	return c.Redirect(http.StatusSeeOther, "/login")
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
func (h *Handler) basicAuth(c echo.Context, name, pass string) (*User, error) {
	ctx := c.Request().Context()
	now := h.now()
	if _, ok := h.basic.get(name, pass, now); ok {
		u, err := h.users.Get(ctx, name)
		if err == nil && !u.Disabled {
			return u, nil
		}
	}
	if wait := h.loginGuard.attempt(c, name); wait > 0 {
		return nil, loginWait(wait)
	}
	u, err := h.users.Authenticate(ctx, name, pass)
	switch {
	case err == nil:
		h.loginGuard.succeeded(c, name)
		h.basic.put(name, pass, now)
	case !errors.Is(err, ErrBadCredentials):
		h.loginGuard.unused(c, name)
	}
	return u, err
}

// loginWait is how long a held-back sign-in must wait.
type loginWait time.Duration

func (w loginWait) Error() string { return "sign-in held back for " + time.Duration(w).String() }
