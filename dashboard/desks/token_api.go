package desks

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
)

// tokenRequest is POST /api/v1/api-tokens.
type tokenRequest struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// tokenCreated is the answer: the only time the secret is shown.
type tokenCreated struct {
	auth.APIToken
	Token string `json:"token"`
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
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	t, secret, err := h.createToken(c, req.Name, req.Unit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenCreated{APIToken: *t, Token: secret})
}

// createToken issues a token for a unit of the official's scope (default:
// their own unit; an administrator's: the whole city); it returns the
// secret. A unit out of scope is refused exactly as one that does not exist.
func (h *Handler) createToken(c echo.Context, name, unit string) (*auth.APIToken, string, error) {
	ctx := c.Request().Context()
	v := auth.ViewerOf(c)
	if unit == "" {
		unit = v.Home()
	}
	if !auth.ValidTokenName(name) {
		return nil, "", derrors.Param("err.field_format", "name")
	}
	if unit != "" {
		if _, err := v.Unit(ctx, unit); errors.Is(err, derrors.ErrNotFound) {
			return nil, "", derrors.New(derrors.ErrNotFound, "err.unknown_unit", unit)
		} else if err != nil {
			return nil, "", err
		}
	}
	secret, t, err := h.accounts.CreateToken(ctx, v.User.Username, name, unit, h.now())
	if errors.Is(err, derrors.ErrDuplicate) {
		return nil, "", derrors.New(derrors.ErrDuplicate, "err.exists", name)
	}
	return t, secret, err
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
	if err != nil {
		return err
	}
	if !auth.ViewerOf(c).SeesUnit(t.Unit) {
		return derrors.ErrNotFound
	}
	return h.accounts.RevokeToken(ctx, auth.ViewerOf(c).User.Username, t, h.now())
}

// scopedTokens lists the tokens the official may see: all for a city-wide
// account, those of their subtree otherwise.
func (h *Handler) scopedTokens(c echo.Context) ([]auth.APIToken, error) {
	v := auth.ViewerOf(c)
	list, err := h.tokens.List(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := []auth.APIToken{}
	for _, t := range list {
		if v.SeesUnit(t.Unit) {
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
