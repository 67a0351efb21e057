package dashboard

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/survey"
	"hailong/web"
)

// loginGuard slows password guessing with exponential backoff per account
// and per client address (through Redis, so it holds across replicas).
// The address allows four times the account's failures: officials of one
// office share it. A successful sign-in clears the account's failures, not
// the address's: signing into one's own account must not reset a guesser.
type loginGuard struct {
	lim         *survey.Limiter
	account, ip survey.Backoff
}

func newLoginGuard(lim *survey.Limiter, failures int, maxWait time.Duration) loginGuard {
	if lim == nil || failures <= 0 {
		return loginGuard{}
	}
	if maxWait <= 0 {
		maxWait = 15 * time.Minute
	}
	return loginGuard{lim: lim,
		account: survey.Backoff{Free: failures, Max: maxWait},
		ip:      survey.Backoff{Free: 4 * failures, Max: maxWait}}
}

// keys are the limiter keys of an attempt: hashes, never the name or IP.
func (g loginGuard) keys(c echo.Context, name string) []string {
	return []string{
		"login:acct:" + g.lim.Hash("account", strings.ToLower(name)),
		"login:ip:" + g.lim.Hash("ip", c.RealIP()),
	}
}

// blocked returns how long the attempt must wait, or 0.
func (g loginGuard) blocked(c echo.Context, name string) time.Duration {
	if g.lim == nil {
		return 0
	}
	d := g.lim.Blocked(c.Request().Context(), survey.LimitLogin, g.keys(c, name)...)
	if d.Allowed {
		return 0
	}
	return max(d.RetryAfter, time.Second)
}

func (g loginGuard) failed(c echo.Context, name string) {
	if g.lim != nil {
		g.lim.Failed(c.Request().Context(), g.keys(c, name), []survey.Backoff{g.account, g.ip})
	}
}

func (g loginGuard) succeeded(c echo.Context, name string) {
	if g.lim != nil {
		g.lim.Succeeded(c.Request().Context(), g.keys(c, name)[0])
	}
}

// loginWaitError is the 429 of a blocked attempt, with Retry-After.
func (h *Handler) loginWaitError(c echo.Context, wait time.Duration) error {
	c.Response().Header().Set("Retry-After", survey.RetryAfterSeconds(wait))
	return web.NewError(http.StatusTooManyRequests, "abuse.login_wait", nil, survey.WaitText(h.catalog, web.Lang(c), wait))
}
