package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// ctxEmbed marks a request to a page that may be framed by other sites.
const ctxEmbed = "hailong.embed"

// ParseFrameAncestors checks the origins allowed to frame the embeddable
// pages (a comma- or space-separated list) and returns them as a CSP
// frame-ancestors source list. "*" allows any site, "https:" any HTTPS
// site; an origin is scheme://host[:port] without a path.
func ParseFrameAncestors(list string) (string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch f {
		case "*", "https:", "http:":
			out = append(out, f)
			continue
		}
		u, err := url.Parse(f)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || strings.ContainsAny(f, ";'\"") {
			return "", fmt.Errorf("%q is not an origin like https://dichvucong.example.gov.vn, https: or *", f)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	if len(out) == 0 {
		return "", fmt.Errorf("no origin given")
	}
	return strings.Join(out, " "), nil
}

// Frameable lets the routes it wraps be shown in an iframe of the given
// frame-ancestors sources (from ParseFrameAncestors), and nothing else
// changes: the page still loads nothing from any other origin.
func Frameable(ancestors string) echo.MiddlewareFunc {
	csp := strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors "+ancestors, 1)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", csp)
			h.Del("X-Frame-Options")
			c.Set(ctxEmbed, true)
			return next(c)
		}
	}
}

// Embeddable reports whether the request is for a frameable page.
func Embeddable(c echo.Context) bool {
	b, _ := c.Get(ctxEmbed).(bool)
	return b
}

// SiteCookie adapts a cookie of a frameable page so the browser keeps it
// when the page is framed by another site: over HTTPS it becomes
// SameSite=None; Secure; Partitioned (CHIPS: kept per embedding site, no
// cross-site tracking). Over plain HTTP a framed page gets no cookie, and
// the page must work without one.
func SiteCookie(c echo.Context, ck *http.Cookie) *http.Cookie {
	if Embeddable(c) && (IsHTTPS(c) || c.Scheme() == "https") {
		ck.SameSite, ck.Secure, ck.Partitioned = http.SameSiteNoneMode, true, true
	}
	return ck
}

// SameOriginPost reports whether a form POST came from a page of this
// origin. Browsers say so in Sec-Fetch-Site, which needs no cookie and so
// works inside a cross-site iframe; a client that does not send it (an old
// browser, a script) is let through, the form's signed ticket guarding it.
func SameOriginPost(c echo.Context) bool {
	s := c.Request().Header.Get("Sec-Fetch-Site")
	return s == "" || s == "same-origin"
}
