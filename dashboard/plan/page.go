package plan

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hailong/dashboard/auth"
	"hailong/internal/web"
)

// The /plan page lists the plan's tasks in the official's scope; admins
// and unit managers get a form per task to report status, progress, note
// and evidence (the same checks, storage and audit as the PATCH API).

type planView struct {
	Tasks []Task
	// UnitNames maps unit ids to names, so officials read names.
	UnitNames map[string]string
	// CanEdit shows the forms: admins and unit managers (whose list is
	// already their subtree).
	CanEdit  bool
	Statuses []string
	Message  string
	Error    string
	// ErrorTask is the task whose form was refused.
	ErrorTask string
}

// planPage lists the plan's tasks in the user's scope.
func (h *Handler) planPage(c echo.Context) error {
	v := planView{}
	if id := c.QueryParam("saved"); id != "" && taskID.MatchString(id) {
		v.Message = h.catalog.T(web.Lang(c), "plan.saved", id)
	}
	return h.renderPlan(c, http.StatusOK, v)
}

func (h *Handler) renderPlan(c echo.Context, status int, v planView) error {
	ctx := c.Request().Context()
	tasks, err := h.tasks.List(ctx, h.now())
	if err != nil {
		return err
	}
	viewer := auth.ViewerOf(c)
	v.Tasks = scopedTasks(viewer, tasks)
	v.UnitNames = map[string]string{}
	for _, u := range viewer.Tree() {
		v.UnitNames[u.ID] = u.Name
	}
	v.CanEdit = viewer.User.Supervises()
	v.Statuses = []string{TaskTodo, TaskDoing, TaskDone}
	return web.RenderPage(c, status, "plan", web.NewPage(c, "title.plan", v))
}

// pageUpdateTask is the /plan form: POST /plan/{id}, then 303 back to the
// task's row with a confirmation; a bad value re-renders the page (422)
// with the message, and nothing is stored.
func (h *Handler) pageUpdateTask(c echo.Context) error {
	t, err := h.editableTask(c, c.Param("id"))
	if err != nil {
		return err
	}
	status := c.FormValue("status")
	note := strings.TrimSpace(c.FormValue("note"))
	evidence := strings.TrimSpace(c.FormValue("evidence"))
	p := taskPatch{Status: &status, Note: &note, Evidence: &evidence}
	progress, perr := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c.FormValue("progress")), "%")))
	if perr == nil {
		p.Progress = &progress
	}
	if perr != nil {
		err = web.NewError(http.StatusBadRequest, "plan.err_progress", nil)
	} else {
		err = h.updateTask(c, t, p)
	}
	if status, msgID, args := web.Status(err); err != nil && status < 500 {
		lang := web.Lang(c)
		msg := h.catalog.T(lang, "plan.err_task", t.ID, h.catalog.T(lang, msgID, args...))
		return h.renderPlan(c, http.StatusUnprocessableEntity, planView{Error: msg, ErrorTask: t.ID})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/plan?saved="+t.ID+"#"+t.ID)
}

// DueDate is the due day as officials write it (dd/mm/yyyy).
func (t Task) DueDate() string {
	d, err := time.Parse("2006-01-02", t.Due)
	if err != nil {
		return t.Due
	}
	return d.Format("02/01/2006")
}
