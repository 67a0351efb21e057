package survey

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"hailong/internal/derrors"
	"hailong/internal/web"
)

// How a portal citizen did their procedure (Response.Served).
const (
	ServedInPerson      = "in_person"      // trực tiếp
	ServedOnlineFull    = "online_full"    // trực tuyến toàn trình
	ServedOnlinePartial = "online_partial" // trực tuyến một phần
)

// ServedModes lists every served mode, in the order the form shows them.
var ServedModes = []string{ServedInPerson, ServedOnlineFull, ServedOnlinePartial}

// The portal form's own fields, before the instrument's questions: where
// the citizen was served ("desk:ID", "field:CODE" or "unknown") and how.
const (
	FieldWhere   = "where"
	FieldServed  = "served"
	WhereUnknown = "unknown"
)

// ProblemPickInvalid: a where or served value the unit does not offer.
const ProblemPickInvalid = "pick_invalid"

// DefaultInstrument serves units that have no desk to take one from.
const DefaultInstrument = "counter"

// portalUnit is what the portal form of a unit offers: its active desks,
// the procedure fields those desks handle, and the instrument.
type portalUnit struct {
	unit       *Unit
	desks      []*Desk
	fields     []string
	instrument string
}

func (p *portalUnit) desk(id string) *Desk {
	for _, d := range p.desks {
		if d.ID == id {
			return d
		}
	}
	return nil
}

func (p *portalUnit) hasField(f string) bool {
	i := sort.SearchStrings(p.fields, f)
	return i < len(p.fields) && p.fields[i] == f
}

// portalUnit returns what a unit's portal form offers, through the
// store's cache: every view and submission of /p/ needs it.
func (s *Store) portalUnit(ctx context.Context, id string) (*portalUnit, error) {
	return s.portalCache.Get(ctx, id, func(ctx context.Context) (*portalUnit, error) {
		u, err := s.Unit(ctx, id)
		if err != nil {
			return nil, err
		}
		desks, err := s.DesksOfUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		return newPortalUnit(u, desks), nil
	})
}

// newPortalUnit keeps the active desks; the instrument is the one most of
// them use (ties: the first desk's), so the portal asks what the desks ask.
func newPortalUnit(u *Unit, desks []Desk) *portalUnit {
	p := &portalUnit{unit: u}
	uses := map[string]int{}
	fields := map[string]bool{}
	for i := range desks {
		d := &desks[i]
		if !d.Active {
			continue
		}
		p.desks = append(p.desks, d)
		uses[d.Instrument]++
		if uses[d.Instrument] > uses[p.instrument] {
			p.instrument = d.Instrument
		}
		for _, f := range d.Fields {
			fields[f] = true
		}
	}
	if p.instrument == "" {
		p.instrument = DefaultInstrument
	}
	p.fields = slices.Sorted(maps.Keys(fields))
	return p
}

// DesksOfUnit returns the desks of one unit, ordered by id.
func (s *Store) DesksOfUnit(ctx context.Context, unit string) ([]Desk, error) {
	cur, err := s.desks.Find(ctx, bson.D{{Key: "unit", Value: unit}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("desks of unit %q: %w", unit, err)
	}
	var out []Desk
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("desks of unit %q: %w", unit, err)
	}
	return out, nil
}

// resolvePortal opens a unit's portal survey (/p/{unit}): no desk yet, the
// citizen picks it on the form.
func (h *Handler) resolvePortal(c echo.Context, _ time.Time) (*target, error) {
	p, err := h.store.portalUnit(c.Request().Context(), c.Param("unit"))
	if errors.Is(err, derrors.ErrNotFound) {
		return nil, web.NewError(http.StatusNotFound, "err.unit_not_found", nil)
	}
	if err != nil {
		return nil, err
	}
	if !p.unit.IsActive() {
		// The same "tạm ngừng" page as a paused desk; nothing is stored.
		return nil, web.NewError(http.StatusGone, "err.desk_inactive", nil)
	}
	in, ok := h.instruments.Latest(p.instrument)
	if !ok {
		return nil, fmt.Errorf("unit %s: its desks use instrument %s, not loaded: %w", p.unit.ID, p.instrument, derrors.ErrUnavailable)
	}
	return &target{Desk: &Desk{}, Unit: p.unit, Instrument: in, Channel: ChannelPortal,
		Path: "/p/" + p.unit.ID, Portal: p}, nil
}

// limitKey is what the abuse limits count answers per: the desk, or for
// the portal the unit, so that picking another desk does not buy a phone
// another answer.
func (t *target) limitKey() string {
	if t.Portal != nil {
		return "portal:" + t.Unit.ID
	}
	return t.Desk.ID
}

// sameSource reports whether a POST comes from the form itself. The portal
// form may sit in a cross-site iframe, where the SameSite=Lax CSRF cookie is
// never sent: there the browser's Sec-Fetch-Site says it, and the signed,
// single-use ticket does the rest (the form has no session to protect).
func (t *target) sameSource(c echo.Context) bool {
	if t.Portal != nil {
		return web.SameOriginPost(c)
	}
	return web.CheckCSRF(c)
}

// takePick reads the portal's where/served answers into t and returns the
// rest of the form (the instrument's answers) with the pick's problems.
// Elsewhere it returns form unchanged.
func (t *target) takePick(form url.Values) (url.Values, map[string]string) {
	if t.Portal == nil {
		return form, nil
	}
	rest := make(url.Values, len(form))
	for k, v := range form {
		if k != FieldWhere && k != FieldServed {
			rest[k] = v
		}
	}
	problems := map[string]string{}
	pick := func(name string, accept func(string) bool) {
		switch vals := form[name]; {
		case len(vals) == 0 || strings.TrimSpace(vals[0]) == "":
			problems[name] = ProblemRequired
		case len(vals) > 1:
			problems[name] = ProblemTooMany
		case !accept(vals[0]):
			problems[name] = ProblemPickInvalid
		}
	}
	pick(FieldWhere, func(v string) bool {
		if id, ok := strings.CutPrefix(v, "desk:"); ok {
			if d := t.Portal.desk(id); d != nil {
				t.Desk = d
				return true
			}
			return false
		}
		if f, ok := strings.CutPrefix(v, "field:"); ok && t.Portal.hasField(f) {
			t.Field = f
			return true
		}
		return v == WhereUnknown
	})
	pick(FieldServed, func(v string) bool {
		for _, m := range ServedModes {
			if v == m {
				t.Served = v
				return true
			}
		}
		return false
	})
	return rest, problems
}

// mergeProblems joins the instrument's problems and the pick's.
func mergeProblems(ve *ValidationError, pick map[string]string) map[string]string {
	out := map[string]string{}
	if ve != nil {
		for k, v := range ve.Fields {
			out[k] = v
		}
	}
	for k, v := range pick {
		out[k] = v
	}
	return out
}

// pickQuestion is one of the portal's two questions as the form shows it.
type pickQuestion struct {
	Code, Text, Hint, Problem string
	Groups                    []pickGroup
}

type pickGroup struct {
	Label   string
	Options []optionView
}

// pickQuestions builds the portal's where/served questions, marking the
// citizen's earlier choice.
func (h *Handler) pickQuestions(lang string, p *portalUnit, values url.Values, problems map[string]string) []pickQuestion {
	cat := h.catalog
	opt := func(name, id, value, label string) optionView {
		return optionView{ID: name + "-" + id, Value: value, Label: label, Checked: values.Get(name) == value}
	}
	where := pickQuestion{Code: FieldWhere, Text: cat.T(lang, "portal.where"), Hint: cat.T(lang, "portal.where_hint")}
	if len(p.desks) > 0 {
		g := pickGroup{Label: cat.T(lang, "portal.desks")}
		for _, d := range p.desks {
			g.Options = append(g.Options, opt(FieldWhere, "d-"+d.ID, "desk:"+d.ID, d.DisplayName(lang)))
		}
		where.Groups = append(where.Groups, g)
	}
	if len(p.fields) > 0 {
		g := pickGroup{Label: cat.T(lang, "portal.fields")}
		for _, f := range p.fields {
			g.Options = append(g.Options, opt(FieldWhere, "f-"+f, "field:"+f, FieldLabel(cat, lang, f)))
		}
		where.Groups = append(where.Groups, g)
	}
	where.Groups = append(where.Groups, pickGroup{Label: cat.T(lang, "portal.other"),
		Options: []optionView{opt(FieldWhere, WhereUnknown, WhereUnknown, cat.T(lang, "portal.unknown"))}})
	served := pickQuestion{Code: FieldServed, Text: cat.T(lang, "portal.served")}
	g := pickGroup{}
	for _, m := range ServedModes {
		g.Options = append(g.Options, opt(FieldServed, m, m, cat.T(lang, "served."+m)))
	}
	served.Groups = []pickGroup{g}
	out := []pickQuestion{where, served}
	for i := range out {
		if pr := problems[out[i].Code]; pr != "" {
			out[i].Problem = cat.T(lang, "err."+pr)
		}
	}
	return out
}

// FieldLabel names a procedure field ("ho-tich" → "Hộ tịch"); a field the
// catalogue does not know shows its code.
func FieldLabel(cat *web.Catalog, lang, code string) string {
	if cat.Has("field." + code) {
		return cat.T(lang, "field."+code)
	}
	return code
}
