package web

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// ctxHTTPS marks requests that reached the public site over HTTPS.
const ctxHTTPS = "hailong.https"

// PublicHTTPS marks every request as HTTPS when the public base URL
// (HAILONG_BASE_URL) is https://. The app never terminates TLS itself: in
// production a proxy does, so c.IsTLS() alone would leave every cookie
// without Secure and never send HSTS.
func PublicHTTPS(baseURL string) echo.MiddlewareFunc {
	on := strings.HasPrefix(strings.ToLower(strings.TrimSpace(baseURL)), "https://")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if on {
				c.Set(ctxHTTPS, true)
			}
			return next(c)
		}
	}
}

// IsHTTPS reports whether the client sees this site over HTTPS: the public
// base URL is https:// (PublicHTTPS) or the connection itself is TLS. It
// decides Secure on every cookie and the HSTS header.
func IsHTTPS(c echo.Context) bool {
	on, _ := c.Get(ctxHTTPS).(bool)
	return on || c.IsTLS()
}
