package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

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
	lang := web.Lang(c)
	n := Account{Username: c.FormValue("username"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		Unit: c.FormValue("unit"), Password: c.FormValue("password")}
	err := g.accounts.Create(c.Request().Context(), ViewerOf(c).User.Username, n, g.now())
	if msgID := accountProblem(err); msgID != "" {
		return g.renderUsers(c, http.StatusBadRequest, "", g.catalog.T(lang, msgID))
	}
	if err != nil {
		return err
	}
	return g.renderUsers(c, http.StatusOK, g.catalog.T(lang, "users.added", strings.TrimSpace(n.Username)), "")
}

// accountProblem is the users page's message for a refused account, or ""
// when err is no account problem.
func accountProblem(err error) string {
	for _, p := range []struct {
		err   error
		msgID string
	}{
		{ErrUsername, "users.err_username"}, {ErrRole, "users.err_role"}, {ErrUnitNeed, "users.err_unit"},
		{ErrNoUnit, "users.err_unit"}, {ErrAdminUnit, "users.err_admin_unit"}, {ErrPassword, "users.err_password"},
		{derrors.ErrDuplicate, "users.err_exists"},
	} {
		if errors.Is(err, p.err) {
			return p.msgID
		}
	}
	return ""
}

// userAction disables, enables or sets the password of an account; each
// ends the account's sessions on every replica.
func (g *Gate) userAction(c echo.Context) error {
	ctx := c.Request().Context()
	lang := web.Lang(c)
	name, action, me := c.Param("name"), c.Param("action"), ViewerOf(c).User.Username
	var err error
	switch action {
	case "disable", "enable":
		if name == me {
			return g.renderUsers(c, http.StatusBadRequest, "", g.catalog.T(lang, "users.err_self"))
		}
		err = g.accounts.SetDisabled(ctx, me, name, action == "disable", g.now())
	case "password":
		err = g.accounts.SetPassword(ctx, me, name, c.FormValue("password"), g.now())
		if errors.Is(err, ErrPassword) {
			return g.renderUsers(c, http.StatusBadRequest, "", g.catalog.T(lang, "users.err_password"))
		}
	default:
		return derrors.ErrNotFound
	}
	if err != nil {
		return err
	}
	return g.renderUsers(c, http.StatusOK, g.catalog.T(lang, "users.done_"+action, name), "")
}
