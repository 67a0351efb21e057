package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hailong/internal/derrors"
	"hailong/internal/web"
	"hailong/survey"
)

func (h *Handler) apiTasks(c echo.Context) error {
	tasks, err := h.tasks.List(c.Request().Context(), h.now())
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	units, err := h.store.UnitsRecent(c.Request().Context())
	if err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	return c.JSON(http.StatusOK, h.scopedTasks(c, tasks, units))
}

// taskPatch is what a unit manager reports on a task.
type taskPatch struct {
	Status   *string `json:"status"`
	Progress *int    `json:"progress"`
	Note     *string `json:"note"`
	Evidence *string `json:"evidence"`
}

// apiPatchTask updates a task's status; only an admin or a manager of the
// task's unit may.
func (h *Handler) apiPatchTask(c echo.Context) error {
	t, err := h.editableTask(c, c.Param("id"))
	if err != nil {
		return err
	}
	var p taskPatch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	if err := h.updateTask(c, t, p); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// editableTask reads a task the signed-in official may update: another
// unit's task is 404 (its existence is not revealed), a viewer's own 403.
func (h *Handler) editableTask(c echo.Context, id string) (*Task, error) {
	ctx := c.Request().Context()
	t, err := h.tasks.Get(ctx, id, h.now())
	if errors.Is(err, derrors.NotFound) {
		return nil, web.NewError(http.StatusNotFound, "err.404", nil)
	}
	if err != nil {
		return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	u := currentUser(c)
	if u.Role != RoleAdmin {
		units, err := h.store.UnitsRecent(ctx)
		if err != nil {
			return nil, web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
		}
		if !h.scope(c, units)[t.Unit] {
			return nil, web.NewError(http.StatusNotFound, "err.404", nil)
		}
		if u.Role != RoleUnitManager {
			return nil, web.NewError(http.StatusForbidden, "err.403", nil)
		}
	}
	return t, nil
}

// updateTask applies p to t, checks the result and stores it with an audit
// entry; on a bad value nothing is stored. The API and the /plan form share it.
func (h *Handler) updateTask(c echo.Context, t *Task, p taskPatch) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	before := *t
	set(&t.Status, p.Status)
	set(&t.Progress, p.Progress)
	set(&t.Note, p.Note)
	set(&t.Evidence, p.Evidence)
	switch {
	case !oneOf(t.Status, TaskTodo, TaskDoing, TaskDone):
		return web.NewError(http.StatusBadRequest, "plan.err_status", nil)
	case t.Progress < 0 || t.Progress > 100:
		return web.NewError(http.StatusBadRequest, "plan.err_progress", nil)
	case utf8.RuneCountInString(t.Note) > 2000:
		return web.NewError(http.StatusBadRequest, "plan.err_note", nil)
	case t.Evidence != "" && !validLink(t.Evidence):
		return web.NewError(http.StatusBadRequest, "plan.err_evidence", nil)
	}
	if t.Status == TaskDone {
		t.Progress = 100
	}
	t.UpdatedAt, t.UpdatedBy = h.now().UTC(), u.Username
	if err := h.tasks.Save(ctx, t); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	if err := h.audit.Log(ctx, u.Username, "task.update", "task:"+t.ID, before, t, h.now()); err != nil {
		return web.NewError(http.StatusServiceUnavailable, "err.unavailable", err)
	}
	t.Overdue = t.overdue(h.now())
	h.overviews.reset()
	return nil
}

// validLink accepts http(s) links only: evidence is shown as a link, and a
// javascript: URL must never reach a page.
func validLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \n")
}

// scopedTasks keeps the tasks of units the official may see.
func (h *Handler) scopedTasks(c echo.Context, tasks []Task, units []survey.Unit) []Task {
	allowed := h.scope(c, units)
	out := []Task{}
	for _, t := range tasks {
		if allowed == nil || allowed[t.Unit] {
			out = append(out, t)
		}
	}
	return out
}
