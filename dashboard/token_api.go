package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/survey"
	"hailong/web"
)

// roleToken is the role of a request signed with an API token. It is no
// official's role (ValidRole refuses it), so no role check lets it pass.
const roleToken = "api_token"

// tokenRoute is the one API route a token may call: least privilege.
const tokenRoute = "/api/v1/receipt-links"

// bearerUser checks an "Authorization: Bearer" token for the one route
// tokens may call, and returns the stand-in user that carries its scope.
func (h *Handler) bearerUser(c echo.Context, secret string) (*User, error) {
	if c.Request().Method != http.MethodPost || c.Path() != tokenRoute {
		return nil, web.NewError(http.StatusForbidden, "err.token_route", nil)
	}
	if h.tokens == nil {
		return nil, web.NewError(http.StatusUnauthorized, "err.token_bad", nil)
	}
	t, err := h.tokens.Lookup(c.Request().Context(), strings.TrimSpace(secret))
	if errors.Is(err, ErrBadCredentials) {
		return nil, web.NewError(http.StatusUnauthorized, "err.token_bad", nil)
	}
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return &User{Username: "token:" + t.Name, Name: t.Name, Role: roleToken, Unit: t.Unit}, nil
}

// tokenRequest is POST /api/v1/api-tokens.
type tokenRequest struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// tokenCreated is the answer: the only time the secret is shown.
type tokenCreated struct {
	APIToken
	Token string `json:"token"`
}

// tokenScope returns the official's units and scope (nil: all).
func (h *Handler) tokenScope(c echo.Context) (map[string]bool, error) {
	units, err := h.store.UnitsRecent(c.Request().Context())
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return h.scope(c, units), nil
}

func (h *Handler) apiTokens(c echo.Context) error {
	allowed, err := h.tokenScope(c)
	if err != nil {
		return err
	}
	list, err := h.tokens.List(c.Request().Context())
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	out := []APIToken{}
	for _, t := range list {
		if allowed == nil || (t.Unit != "" && allowed[t.Unit]) {
			out = append(out, t)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// apiCreateToken makes a token for the official's scope: a unit manager
// only below their own unit, an administrator anywhere (no unit: the city).
func (h *Handler) apiCreateToken(c echo.Context) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if !ValidTokenName(req.Name) {
		return web.NewError(http.StatusBadRequest, "err.field_format", nil, "name")
	}
	u := currentUser(c)
	if req.Unit == "" && u.Role != RoleAdmin {
		req.Unit = u.Unit
	}
	if req.Unit != "" {
		if _, err := h.store.Unit(ctx, req.Unit); errors.Is(err, survey.ErrNotFound) {
			return web.NewError(http.StatusBadRequest, "err.unknown_unit", nil, req.Unit)
		} else if err != nil {
			return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
		}
	}
	allowed, err := h.tokenScope(c)
	if err != nil {
		return err
	}
	if allowed != nil && !allowed[req.Unit] {
		return web.NewError(http.StatusForbidden, "err.403", nil)
	}
	secret, t, err := h.tokens.Create(ctx, req.Name, req.Unit, u.Username, h.now())
	if errors.Is(err, survey.ErrDuplicate) {
		return web.NewError(http.StatusConflict, "err.exists", nil, req.Name)
	}
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if err := h.audit.Log(ctx, u.Username, "token.create", "token:"+t.Name, nil, t, h.now()); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return c.JSON(http.StatusCreated, tokenCreated{APIToken: *t, Token: secret})
}

// apiRevokeToken ends a token of the official's scope at once.
func (h *Handler) apiRevokeToken(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := h.tokens.Get(ctx, c.Param("name"))
	if errors.Is(err, survey.ErrNotFound) {
		return web.NewError(http.StatusNotFound, "err.404", nil)
	}
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	allowed, err := h.tokenScope(c)
	if err != nil {
		return err
	}
	if allowed != nil && (t.Unit == "" || !allowed[t.Unit]) {
		return web.NewError(http.StatusNotFound, "err.404", nil)
	}
	if err := h.tokens.Revoke(ctx, t.Name, h.now()); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if err := h.audit.Log(ctx, currentUser(c).Username, "token.revoke", "token:"+t.Name, t, nil, h.now()); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return c.NoContent(http.StatusNoContent)
}
