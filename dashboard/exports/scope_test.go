package exports

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"hailong/internal/derrors"
	"hailong/survey"
)

func TestResolveScope(t *testing.T) {
	set, err := survey.LoadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	x := &Exporter{Instruments: set}
	tree := AllUnits{{ID: "vt", Name: "UBND thành phố"}, {ID: "vt-p1", Name: "UBND Phường 1", Parent: "vt"}, {ID: "vt-p7", Name: "UBND Phường 7", Parent: "vt"}}
	may := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()

	s, err := x.ResolveScope(ctx, tree, may, "", "")
	if err != nil || s.Instrument.Code != "counter" || s.Unit != "" || s.Units != nil || !s.Month.Equal(may) {
		t.Errorf("every unit: %+v, %v", s, err)
	}
	s, err = x.ResolveScope(ctx, tree, may, "counter", "vt")
	if got := slices.Sorted(maps.Keys(s.Units)); err != nil || s.UnitName != "UBND thành phố" || !slices.Equal(got, []string{"vt", "vt-p1", "vt-p7"}) {
		t.Errorf("subtree of vt: %+v (%v), %v", s, got, err)
	}
	var inv *derrors.Invalid
	if _, err := x.ResolveScope(ctx, tree, may, "nope", ""); !errors.As(err, &inv) || inv.MsgID != "err.param_instrument" {
		t.Errorf("unknown instrument: %v, want err.param_instrument", err)
	}
	var p *derrors.Problem
	if _, err := x.ResolveScope(ctx, tree, may, "", "vt-p9"); !errors.Is(err, derrors.ErrNotFound) || !errors.As(err, &p) || p.MsgID != "err.param_unit" {
		t.Errorf("unknown unit: %v, want NotFound naming err.param_unit", err)
	}
}
