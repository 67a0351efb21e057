package auth

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/internal/limit"
	"hailong/internal/metrics"
	"hailong/internal/web"
	"hailong/survey"
)

// loginGuard slows password guessing with exponential backoff per account
// and per client address (through Redis, so it holds across replicas).
// The address allows four times the account's failures: officials of one
// office share it. A successful sign-in clears the account's failures, not
// the address's: signing into one's own account must not reset a guesser.
type loginGuard struct {
	lim         *limit.Limiter
	account, ip limit.Backoff
}

// Backoff configures the sign-in backoff: Failures failed attempts per
// account (four times as many per client address) are free, each further
// one doubles the wait, up to MaxWait. A nil Limiter or 0 failures turns
// it off.
type Backoff struct {
	Limiter  *limit.Limiter
	Failures int
	MaxWait  time.Duration
}

func newLoginGuard(b Backoff) loginGuard {
	if b.Limiter == nil || b.Failures <= 0 {
		return loginGuard{}
	}
	if b.MaxWait <= 0 {
		b.MaxWait = 15 * time.Minute
	}
	return loginGuard{lim: b.Limiter,
		account: limit.Backoff{Free: b.Failures, Max: b.MaxWait},
		ip:      limit.Backoff{Free: 4 * b.Failures, Max: b.MaxWait}}
}

// keys are the limiter keys of an attempt: hashes, never the name or IP.
func (g loginGuard) keys(c echo.Context, name string) []string {
	return []string{
		"login:acct:" + g.lim.Hash("account", strings.ToLower(name)),
		"login:ip:" + g.lim.Hash("ip", c.RealIP()),
	}
}

// attempt counts a sign-in attempt before the password is checked and
// returns how long it must wait instead (0: go ahead). Every attempt is
// counted as a failure until it proves otherwise (succeeded, unused), so
// guesses sent in parallel meet the backoff too.
func (g loginGuard) attempt(c echo.Context, name string) time.Duration {
	if g.lim == nil {
		return 0
	}
	d := g.lim.Attempt(c.Request().Context(), metrics.LimitLogin, g.keys(c, name), []limit.Backoff{g.account, g.ip})
	if d.Allowed {
		return 0
	}
	return max(d.RetryAfter, time.Second)
}

// succeeded clears the account's failures and takes the attempt back from
// the address, whose earlier failures stay.
func (g loginGuard) succeeded(c echo.Context, name string) {
	if g.lim != nil {
		k := g.keys(c, name)
		g.lim.Succeeded(c.Request().Context(), k[0])
		g.lim.Refund(c.Request().Context(), k[1])
	}
}

// unused takes back an attempt that was neither right nor wrong (the user
// store did not answer).
func (g loginGuard) unused(c echo.Context, name string) {
	if g.lim != nil {
		for _, k := range g.keys(c, name) {
			g.lim.Refund(c.Request().Context(), k)
		}
	}
}

// loginWaitError is the 429 of a blocked attempt, with Retry-After.
func (g *Gate) loginWaitError(c echo.Context, wait time.Duration) error {
	c.Response().Header().Set("Retry-After", survey.RetryAfterSeconds(wait))
	return web.NewError(http.StatusTooManyRequests, "abuse.login_wait", nil, survey.WaitText(g.catalog, web.Lang(c), wait))
}
