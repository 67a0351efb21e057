package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

// CSRF protection is a double-submit token: a random value in an HttpOnly,
// SameSite=Lax cookie that every state-changing form echoes in a hidden
// field. The citizen form checks it itself so that a failure re-renders the
// form with the answers kept instead of throwing them away.
const (
	csrfCookie = "_csrf"
	csrfField  = "_csrf"
	ctxCSRF    = "hailong.csrf"
)

// CSRF makes sure the request has a token, issuing the cookie when absent.
func CSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) == 43 {
			tok = ck.Value
		} else {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			tok = base64.RawURLEncoding.EncodeToString(b)
			c.SetCookie(&http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(c)})
		}
		c.Set(ctxCSRF, tok)
		return next(c)
	}
}

// CSRFToken returns the request's token, for hidden form fields.
func CSRFToken(c echo.Context) string {
	s, _ := c.Get(ctxCSRF).(string)
	return s
}

// CheckCSRF reports whether the posted token matches the cookie. A request
// without the cookie (the token was just issued) never matches.
func CheckCSRF(c echo.Context) bool {
	ck, err := c.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	sent := c.FormValue(csrfField)
	if sent == "" {
		sent = c.Request().Header.Get("X-CSRF-Token")
	}
	return sent != "" && subtle.ConstantTimeCompare([]byte(ck.Value), []byte(sent)) == 1
}

// RequireCSRF rejects state-changing requests whose token does not match.
func RequireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if !CheckCSRF(c) {
			return NewError(http.StatusForbidden, "err.csrf", nil)
		}
		return next(c)
	}
}
