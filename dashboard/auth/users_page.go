package auth

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
func (g *Gate) usersPage(c echo.Context) error {
	return g.renderUsers(c, http.StatusOK, "", "")
}

func (g *Gate) renderUsers(c echo.Context, status int, msg, errMsg string) error {
	ctx := c.Request().Context()
	users, err := g.users.List(ctx)
	if err != nil {
		return err
	}
	units, err := g.store.UnitsRecent(ctx)
	if err != nil {
		return err
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
func (g *Gate) addUser(c echo.Context) error {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	name := strings.TrimSpace(c.FormValue("username"))
	role, unit := c.FormValue("role"), c.FormValue("unit")
	fail := func(id string) error {
		return g.renderUsers(c, http.StatusBadRequest, "", g.catalog.T(lang, id))
	}
	if !usernamePattern.MatchString(name) {
		return fail("users.err_username")
	}
	switch err := CheckAccount(role, unit); {
	case errors.Is(err, ErrRole):
		return fail("users.err_role")
	case errors.Is(err, ErrUnitNeed):
		return fail("users.err_unit")
	case errors.Is(err, ErrAdminUnit):
		return fail("users.err_admin_unit")
	}
	if unit != "" {
		if _, err := g.store.Unit(ctx, unit); err != nil {
			return fail("users.err_unit")
		}
	}
	hash, err := HashPassword(c.FormValue("password"))
	if err != nil {
		return fail("users.err_password")
	}
	u := &User{Username: name, Name: strings.TrimSpace(c.FormValue("name")), Role: role, Unit: unit, PasswordHash: hash, CreatedAt: g.now().UTC()}
	if err := g.users.Insert(ctx, u); errors.Is(err, derrors.ErrDuplicate) {
		return fail("users.err_exists")
	} else if err != nil {
		return err
	}
	if err := g.audit.Log(ctx, ViewerOf(c).User.Username, "user.create", "user:"+name, nil, map[string]string{"role": role, "unit": unit}, g.now()); err != nil {
		return err
	}
	return g.renderUsers(c, http.StatusOK, g.catalog.T(lang, "users.added", name), "")
}

// userAction disables, enables or sets the password of an account; each
// ends the account's sessions on every replica.
func (g *Gate) userAction(c echo.Context) error {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	name, action := c.Param("name"), c.Param("action")
	var err error
	switch action {
	case "disable", "enable":
		if name == ViewerOf(c).User.Username {
			return g.renderUsers(c, http.StatusBadRequest, "", g.catalog.T(lang, "users.err_self"))
		}
		err = g.users.SetDisabled(ctx, name, action == "disable")
	case "password":
		err = g.users.SetPassword(ctx, name, c.FormValue("password"))
		if err != nil && !errors.Is(err, derrors.ErrNotFound) {
			return g.renderUsers(c, http.StatusBadRequest, "", g.catalog.T(lang, "users.err_password"))
		}
	default:
		return derrors.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := g.audit.Log(ctx, ViewerOf(c).User.Username, "user."+action, "user:"+name, nil, nil, g.now()); err != nil {
		return err
	}
	return g.renderUsers(c, http.StatusOK, g.catalog.T(lang, "users.done_"+action, name), "")
}
