package dashboard

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

type usersView struct {
	Users   []User
	Units   []survey.Unit
	Roles   []string
	Message string
	Error   string
	// UnitNames maps unit ids to names for the accounts table.
	UnitNames map[string]string
}

// usersPage is the account management page (admins only).
func (h *Handler) usersPage(c echo.Context) error {
	return h.renderUsers(c, http.StatusOK, "", "")
}

func (h *Handler) renderUsers(c echo.Context, status int, msg, errMsg string) error {
	ctx := c.Request().Context()
	users, err := h.users.List(ctx)
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	units, err := h.store.UnitsRecent(ctx)
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	return web.RenderPage(c, status, "users", web.NewPage(c, "title.users", usersView{
		Users: users, Units: units, Roles: []string{RoleViewer, RoleOperator, RoleUnitManager, RoleAdmin}, Message: msg, Error: errMsg, UnitNames: names,
	}))
}

// addUser creates an account from the management form.
func (h *Handler) addUser(c echo.Context) error {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	name := strings.TrimSpace(c.FormValue("username"))
	role, unit := c.FormValue("role"), c.FormValue("unit")
	fail := func(id string) error {
		return h.renderUsers(c, http.StatusBadRequest, "", h.catalog.T(lang, id))
	}
	switch {
	case !usernamePattern.MatchString(name):
		return fail("users.err_username")
	case !ValidRole(role):
		return fail("users.err_role")
	case (role == RoleUnitManager || role == RoleOperator) && unit == "":
		return fail("users.err_unit")
	}
	if unit != "" {
		if _, err := h.store.Unit(ctx, unit); err != nil {
			return fail("users.err_unit")
		}
	}
	hash, err := HashPassword(c.FormValue("password"))
	if err != nil {
		return fail("users.err_password")
	}
	u := &User{Username: name, Name: strings.TrimSpace(c.FormValue("name")), Role: role, Unit: unit, PasswordHash: hash, CreatedAt: h.now().UTC()}
	if err := h.users.Insert(ctx, u); errors.Is(err, derrors.Duplicate) {
		return fail("users.err_exists")
	} else if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if err := h.audit.Log(ctx, currentUser(c).Username, "user.create", "user:"+name, nil, map[string]string{"role": role, "unit": unit}, h.now()); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return h.renderUsers(c, http.StatusOK, h.catalog.T(lang, "users.added", name), "")
}

// userAction disables, enables or sets the password of an account; each
// ends the account's sessions on every replica.
func (h *Handler) userAction(c echo.Context) error {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	name, action := c.Param("name"), c.Param("action")
	var err error
	switch action {
	case "disable", "enable":
		if name == currentUser(c).Username {
			return h.renderUsers(c, http.StatusBadRequest, "", h.catalog.T(lang, "users.err_self"))
		}
		err = h.users.SetDisabled(ctx, name, action == "disable")
	case "password":
		err = h.users.SetPassword(ctx, name, c.FormValue("password"))
		if err != nil && !errors.Is(err, derrors.NotFound) {
			return h.renderUsers(c, http.StatusBadRequest, "", h.catalog.T(lang, "users.err_password"))
		}
	default:
		return web.NewError(http.StatusNotFound, "err.404", nil)
	}
	if errors.Is(err, derrors.NotFound) {
		return web.NewError(http.StatusNotFound, "err.404", nil)
	}
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if err := h.audit.Log(ctx, currentUser(c).Username, "user."+action, "user:"+name, nil, nil, h.now()); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return h.renderUsers(c, http.StatusOK, h.catalog.T(lang, "users.done_"+action, name), "")
}
