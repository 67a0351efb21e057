package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
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
	out, err := h.scopedTokens(c)
	if err != nil {
		return err
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
	t, secret, err := h.createToken(c, req.Name, req.Unit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenCreated{APIToken: *t, Token: secret})
}

// createToken checks, stores and audits a new token; it returns the secret.
func (h *Handler) createToken(c echo.Context, name, unit string) (*APIToken, string, error) {
	ctx := c.Request().Context()
	if !ValidTokenName(name) {
		return nil, "", web.NewError(http.StatusBadRequest, "err.field_format", nil, "name")
	}
	u := currentUser(c)
	if unit == "" && u.Role != RoleAdmin {
		unit = u.Unit
	}
	if unit != "" {
		if _, err := h.store.Unit(ctx, unit); errors.Is(err, derrors.NotFound) {
			return nil, "", web.NewError(http.StatusBadRequest, "err.unknown_unit", nil, unit)
		} else if err != nil {
			return nil, "", web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
		}
	}
	allowed, err := h.tokenScope(c)
	if err != nil {
		return nil, "", err
	}
	if allowed != nil && !allowed[unit] {
		return nil, "", web.NewError(http.StatusForbidden, "err.403", nil)
	}
	secret, t, err := h.tokens.Create(ctx, name, unit, u.Username, h.now())
	if errors.Is(err, derrors.Duplicate) {
		return nil, "", web.NewError(http.StatusConflict, "err.exists", nil, name)
	}
	if err != nil {
		return nil, "", web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if err := h.audit.Log(ctx, u.Username, "token.create", "token:"+t.Name, nil, t, h.now()); err != nil {
		return nil, "", web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return t, secret, nil
}

// apiRevokeToken ends a token of the official's scope at once.
func (h *Handler) apiRevokeToken(c echo.Context) error {
	if err := h.revokeToken(c, c.Param("name")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// revokeToken revokes and audits a token of the official's scope; others
// answer 404, as if they did not exist.
func (h *Handler) revokeToken(c echo.Context, name string) error {
	ctx := c.Request().Context()
	t, err := h.tokens.Get(ctx, name)
	if errors.Is(err, derrors.NotFound) {
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
	return nil
}

// scopedTokens lists the tokens the official may see: all for a city-wide
// account, those of their subtree otherwise.
func (h *Handler) scopedTokens(c echo.Context) ([]APIToken, error) {
	allowed, err := h.tokenScope(c)
	if err != nil {
		return nil, err
	}
	list, err := h.tokens.List(c.Request().Context())
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	out := []APIToken{}
	for _, t := range list {
		if allowed == nil || (t.Unit != "" && allowed[t.Unit]) {
			out = append(out, t)
		}
	}
	return out, nil
}

// ctxNewToken carries a just-created token's secret to the desks page,
// the one time it is shown.
const ctxNewToken = "hailong.new_token"

// pageCreateToken is the desks page's "new API token" form.
func (h *Handler) pageCreateToken(c echo.Context) error {
	_, secret, err := h.createToken(c, strings.TrimSpace(c.FormValue("name")), c.FormValue("unit"))
	if err != nil {
		return h.formError(c, err)
	}
	c.Set(ctxNewToken, secret)
	// Rendered, not redirected: the secret must not travel in a URL.
	return h.renderDesks(c, http.StatusOK, "token_created", "", nil)
}

// pageRevokeToken is a token's "Thu hồi" button.
func (h *Handler) pageRevokeToken(c echo.Context) error {
	if err := h.revokeToken(c, c.Param("name")); err != nil {
		return h.formError(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/desks?ok=token_revoked")
}
