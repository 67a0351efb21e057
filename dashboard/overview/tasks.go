package overview

import (
	"context"

	"hailong/dashboard/plan"
	"hailong/internal/web"
	"hailong/survey/rollup"
)

// channelJoin sets a communication channel's plan tasks beside the share
// of citizens who say they heard of online services through it.
type channelJoin struct {
	Channel string
	Label   string
	Tasks   int
	Done    int
	Overdue int
	Heard   *float64
}

// scopedTasks lists the plan's tasks of the units in scope (nil: all).
func (h *Handler) scopedTasks(ctx context.Context, scope map[string]bool) ([]plan.Task, error) {
	tasks, err := h.tasks.List(ctx, h.now())
	if err != nil {
		return nil, err
	}
	var out []plan.Task
	for _, tk := range tasks {
		if scope == nil || scope[tk.Unit] {
			out = append(out, tk)
		}
	}
	return out, nil
}

func joinChannels(tasks []plan.Task, f rollup.Figures, lang string, cat *web.Catalog) []channelJoin {
	heard := map[string]*float64{}
	for _, m := range f.Multi {
		if m.Code == "heard" {
			for _, o := range m.Options {
				heard[o.Key] = o.Share
			}
		}
	}
	var out []channelJoin
	for _, ch := range plan.PlanChannels {
		j := channelJoin{Channel: ch, Label: cat.T(lang, "channel."+ch), Heard: heard[ch]}
		for _, t := range tasks {
			if t.Channel == ch {
				j.Tasks++
				if t.Status == plan.TaskDone {
					j.Done++
				}
				if t.Overdue {
					j.Overdue++
				}
			}
		}
		if j.Tasks > 0 || j.Heard != nil {
			out = append(out, j)
		}
	}
	return out
}
