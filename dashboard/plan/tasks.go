package plan

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.yaml.in/yaml/v3"

	"hailong/internal/derrors"
	"hailong/survey"
	"hailong/survey/period"
)

// Task statuses, as unit managers set them.
const (
	TaskTodo  = "todo"  // chưa thực hiện
	TaskDoing = "doing" // đang thực hiện
	TaskDone  = "done"  // hoàn thành
)

// Frequencies of recurring tasks.
var frequencies = map[string]int{"monthly": 1, "quarterly": 3, "yearly": 12, "ongoing": 0}

// PlanChannels are the communication channels of plan tasks. Keys match
// the options of the instruments' "heard" question, so what citizens say
// is joined with the tasks that use the channel.
var PlanChannels = []string{"radio", "banner", "leaflet", "portal", "desk", "meeting", "training", "media", "social", "survey", "report"}

// Task is one task of the plan with its current status.
type Task struct {
	ID        string    `bson:"_id" json:"id"`
	Plan      string    `bson:"plan" json:"plan"`
	Unit      string    `bson:"unit" json:"unit"`
	Title     string    `bson:"title" json:"title"`
	Channel   string    `bson:"channel" json:"channel"`
	Due       string    `bson:"due,omitempty" json:"due,omitempty"` // YYYY-MM-DD
	Frequency string    `bson:"frequency,omitempty" json:"frequency,omitempty"`
	Status    string    `bson:"status" json:"status"`
	Progress  int       `bson:"progress" json:"progress"` // 0–100
	Note      string    `bson:"note,omitempty" json:"note,omitempty"`
	Evidence  string    `bson:"evidence,omitempty" json:"evidence,omitempty"`
	UpdatedAt time.Time `bson:"updated_at,omitempty" json:"updated_at,omitempty"`
	UpdatedBy string    `bson:"updated_by,omitempty" json:"updated_by,omitempty"`
	Overdue   bool      `bson:"-" json:"overdue"`
}

// planFile is the YAML of "hailong import plan".
type planFile struct {
	Plan struct {
		Code     string `yaml:"code"`
		Title    string `yaml:"title"`
		IssuedBy string `yaml:"issued_by"`
		Year     int    `yaml:"year"`
	} `yaml:"plan"`
	Tasks []taskLine `yaml:"tasks"`
}

// taskLine is a task definition with the line it starts on, so errors
// point at the file.
type taskLine struct {
	ID        string `yaml:"id"`
	Unit      string `yaml:"unit"`
	Title     string `yaml:"title"`
	Channel   string `yaml:"channel"`
	Due       string `yaml:"due"`
	Frequency string `yaml:"frequency"`
	line      int
}

var taskKeys = map[string]bool{"id": true, "unit": true, "title": true, "channel": true, "due": true, "frequency": true}

func (t *taskLine) UnmarshalYAML(n *yaml.Node) error {
	// Node.Decode ignores the decoder's KnownFields: check keys here, so a
	// misspelt field is an error with its line, not a silently empty one.
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !taskKeys[k.Value] {
				return fmt.Errorf("line %d: unknown field %q", k.Line, k.Value)
			}
		}
	}
	type plain taskLine
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*t = taskLine(p)
	t.line = n.Line
	return nil
}

var taskID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,59}$`)

// ParsePlan reads and checks a plan file against the unit tree. Errors
// name the line.
func ParsePlan(data []byte, units []survey.Unit) (*planFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f planFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("plan file: %w", err)
	}
	if f.Plan.Code == "" || f.Plan.Title == "" {
		return nil, errors.New("plan file: plan.code and plan.title are required")
	}
	known := map[string]bool{}
	for _, u := range units {
		known[u.ID] = true
	}
	seen := map[string]bool{}
	for _, t := range f.Tasks {
		bad := func(format string, a ...any) error {
			return fmt.Errorf("plan file line %d (task %q): %s", t.line, t.ID, fmt.Sprintf(format, a...))
		}
		switch {
		case !taskID.MatchString(t.ID):
			return nil, bad("id must use lower-case letters, digits and hyphens")
		case seen[t.ID]:
			return nil, bad("duplicate id")
		case !known[t.Unit]:
			return nil, bad("unknown unit %q", t.Unit)
		case t.Title == "":
			return nil, bad("title is required")
		case !slices.Contains(PlanChannels, t.Channel):
			return nil, bad("unknown channel %q (one of %v)", t.Channel, PlanChannels)
		case (t.Due == "") == (t.Frequency == ""):
			return nil, bad("give either due (YYYY-MM-DD) or frequency")
		}
		if t.Due != "" {
			if _, err := time.Parse("2006-01-02", t.Due); err != nil {
				return nil, bad("due %q is not a date YYYY-MM-DD", t.Due)
			}
		}
		if _, ok := frequencies[t.Frequency]; t.Frequency != "" && !ok {
			return nil, bad("unknown frequency %q (monthly, quarterly, yearly, ongoing)", t.Frequency)
		}
		seen[t.ID] = true
	}
	return &f, nil
}

//go:embed plans/*.yaml
var demoPlans embed.FS

// DemoPlan is the city's 2024 plan, shipped with the binary.
func DemoPlan() []byte {
	b, _ := demoPlans.ReadFile("plans/vung-tau-2024.yaml")
	return b
}

// Tasks stores plan tasks.
type Tasks struct {
	c *mongo.Collection
}

// NewTasks returns the task store over db.
func NewTasks(db *mongo.Database) *Tasks { return &Tasks{c: db.Collection("plan_tasks")} }

// Import creates tasks and updates their definitions; a task's status,
// progress, note and evidence survive a re-import.
func (s *Tasks) Import(ctx context.Context, f *planFile) (created, updated int, err error) {
	for _, t := range f.Tasks {
		def := bson.D{{Key: "plan", Value: f.Plan.Code}, {Key: "unit", Value: t.Unit}, {Key: "title", Value: t.Title},
			{Key: "channel", Value: t.Channel}, {Key: "due", Value: t.Due}, {Key: "frequency", Value: t.Frequency}}
		res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}}, bson.D{{Key: "$set", Value: def}})
		if err != nil {
			return created, updated, fmt.Errorf("update task %s: %w", t.ID, err)
		}
		if res.MatchedCount > 0 {
			updated++
			continue
		}
		doc := append(bson.D{{Key: "_id", Value: t.ID}, {Key: "status", Value: TaskTodo}, {Key: "progress", Value: 0}}, def...)
		if _, err := s.c.InsertOne(ctx, doc); err != nil {
			return created, updated, fmt.Errorf("insert task %s: %w", t.ID, err)
		}
		created++
	}
	return created, updated, nil
}

// List returns every task, with Overdue computed at now.
func (s *Tasks) List(ctx context.Context, now time.Time) ([]Task, error) {
	cur, err := s.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	var out []Task
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	for i := range out {
		out[i].Overdue = out[i].overdue(now)
	}
	return out, nil
}

// Get returns one task.
func (s *Tasks) Get(ctx context.Context, id string, now time.Time) (*Task, error) {
	var t Task
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, derrors.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read task: %w", err)
	}
	t.Overdue = t.overdue(now)
	return &t, nil
}

// Save writes a task's status fields.
func (s *Tasks) Save(ctx context.Context, t *Task) error {
	_, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: t.Status}, {Key: "progress", Value: t.Progress}, {Key: "note", Value: t.Note},
		{Key: "evidence", Value: t.Evidence}, {Key: "updated_at", Value: t.UpdatedAt}, {Key: "updated_by", Value: t.UpdatedBy},
	}}})
	if err != nil {
		return fmt.Errorf("save task: %w", err)
	}
	return nil
}

// overdue: a dated task not done after its due day (Vietnam time); a
// recurring one not updated within its period (plus ten days' grace).
func (t *Task) overdue(now time.Time) bool {
	if t.Due != "" {
		due, ok := period.ParseDay(t.Due)
		return ok && t.Status != TaskDone && now.After(due.AddDate(0, 0, 1))
	}
	months := frequencies[t.Frequency]
	if months == 0 {
		return false
	}
	last := t.UpdatedAt
	if last.IsZero() {
		last = time.Date(now.In(period.Vietnam).Year(), 1, 1, 0, 0, 0, 0, period.Vietnam)
	}
	return now.After(last.AddDate(0, months, 10))
}
