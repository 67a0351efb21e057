// Package plan holds the city's communication plan: its tasks (imported
// from YAML, the 2024 plan built in), their reported status, progress and
// evidence, the /plan page and the plan-tasks API, in the official's scope.
package plan

import (
	"time"

	"hailong/dashboard/auth"
	"hailong/internal/web"
)

// Handler serves the plan's tasks: the /plan page and its forms, and the
// JSON API, to officials in their scope.
type Handler struct {
	tasks   *Tasks
	audit   *auth.Audit
	catalog *web.Catalog
	now     func() time.Time
	// changed is told after a task is saved (the overview shows tasks).
	changed func()
}

// NewHandler returns the plan's handler; changed (may be nil) is called
// after every saved task.
func NewHandler(tasks *Tasks, audit *auth.Audit, catalog *web.Catalog, now func() time.Time, changed func()) *Handler {
	if changed == nil {
		changed = func() {}
	}
	return &Handler{tasks: tasks, audit: audit, catalog: catalog, now: now, changed: changed}
}

// Register adds the plan's page, its form and its API.
func (h *Handler) Register(r auth.Routes) {
	r.Pages.GET("/plan", h.planPage, r.Gate.RequirePage)
	r.Pages.POST("/plan/:id", h.pageUpdateTask, r.Gate.RequirePage, web.RequireCSRF)
	r.API.GET("/plan-tasks", h.apiTasks)
	r.API.PATCH("/plan-tasks/:id", h.apiPatchTask)
}
