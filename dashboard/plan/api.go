package plan

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/derrors"
	"hailong/internal/web"
)

func (h *Handler) apiTasks(c echo.Context) error {
	tasks, err := h.tasks.List(c.Request().Context(), h.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, scopedTasks(auth.ViewerOf(c), tasks))
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
	if err := web.DecodeJSON(c, &p); err != nil {
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
	if err != nil {
		return nil, err
	}
	v := auth.ViewerOf(c)
	if !v.SeesUnit(t.Unit) {
		return nil, derrors.ErrNotFound
	}
	if !v.User.Supervises() {
		return nil, derrors.ErrForbidden
	}
	return t, nil
}

// updateTask applies p to t, checks the result and stores it with an audit
// entry; on a bad value nothing is stored. The API and the /plan form share it.
func (h *Handler) updateTask(c echo.Context, t *Task, p taskPatch) error {
	ctx := c.Request().Context()
	u := auth.ViewerOf(c).User
	before := *t
	web.Patch(&t.Status, p.Status)
	web.Patch(&t.Progress, p.Progress)
	web.Patch(&t.Note, p.Note)
	web.Patch(&t.Evidence, p.Evidence)
	switch {
	case !slices.Contains([]string{TaskTodo, TaskDoing, TaskDone}, t.Status):
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
		return err
	}
	if err := h.audit.Log(ctx, u.Username, "task.update", "task:"+t.ID, before, t, h.now()); err != nil {
		return err
	}
	t.Overdue = t.overdue(h.now())
	h.changed()
	return nil
}

// validLink accepts http(s) links only: evidence is shown as a link, and a
// javascript: URL must never reach a page.
func validLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \n")
}

// scopedTasks keeps the tasks of units the viewer may see.
func scopedTasks(v *auth.Viewer, tasks []Task) []Task {
	out := []Task{}
	for _, t := range tasks {
		if v.SeesUnit(t.Unit) {
			out = append(out, t)
		}
	}
	return out
}
