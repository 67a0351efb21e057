package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/web"
)

// RoleToken is the role of a request signed with an API token. It is no
// official's role (ValidRole refuses it), so no role check lets it pass.
const RoleToken = "api_token"

// tokenRoute is the one API route a token may call: least privilege.
const tokenRoute = "/api/v1/receipt-links"

// bearerUser checks an "Authorization: Bearer" token for the one route
// tokens may call, and returns the stand-in user that carries its scope.
func (g *Gate) bearerUser(c echo.Context, secret string) (*User, error) {
	if c.Request().Method != http.MethodPost || c.Path() != tokenRoute {
		return nil, web.NewError(http.StatusForbidden, "err.token_route", nil)
	}
	if g.tokens == nil {
		return nil, web.NewError(http.StatusUnauthorized, "err.token_bad", nil)
	}
	t, err := g.tokens.Lookup(c.Request().Context(), strings.TrimSpace(secret))
	if errors.Is(err, ErrBadCredentials) {
		return nil, web.NewError(http.StatusUnauthorized, "err.token_bad", nil)
	}
	if err != nil {
		return nil, err
	}
	return &User{Username: "token:" + t.Name, Name: t.Name, Role: RoleToken, Unit: t.Unit}, nil
}
