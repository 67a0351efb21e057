package survey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hailong/internal/derrors"
	"io"
	"time"

	"go.yaml.in/yaml/v3"
)

// UnitFile is the YAML form of the unit tree and its desks, for
// "hailong export units" and "hailong import units.yaml".
type UnitFile struct {
	Units []UnitEntry `yaml:"units"`
}

// UnitEntry is one unit with its desks.
type UnitEntry struct {
	ID      string `yaml:"id"`
	Name    string `yaml:"name"`
	NameEN  string `yaml:"name_en,omitempty"`
	Parent  string `yaml:"parent,omitempty"`
	Kind    string `yaml:"kind"`
	Address string `yaml:"address,omitempty"`
	// StaffCIDRs are the unit's own networks (the staff-network check).
	// Omitted: the unit keeps the networks it has; "[]" clears them.
	StaffCIDRs *[]string   `yaml:"staff_cidrs,omitempty"`
	Desks      []DeskEntry `yaml:"desks,omitempty"`
}

// DeskEntry is one desk of a unit.
type DeskEntry struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	NameEN     string   `yaml:"name_en,omitempty"`
	Instrument string   `yaml:"instrument"`
	Fields     []string `yaml:"fields,omitempty"`
	QRMode     string   `yaml:"qr_mode,omitempty"`
	// Active defaults to true, as in the API: a desk listed is in use.
	Active *bool `yaml:"active"`
}

// ImportAudit records one write of an import (action "unit.create",
// "unit.update", "desk.create", "desk.update"; target "unit:ID" or
// "desk:ID"); an error stops the import.
type ImportAudit func(ctx context.Context, action, target string, before, after any) error

// ExportUnits writes the unit tree and desks as YAML.
func (s *Store) ExportUnits(ctx context.Context, w io.Writer) error {
	units, err := s.Units(ctx)
	if err != nil {
		return err
	}
	desks, err := s.Desks(ctx)
	if err != nil {
		return err
	}
	var f UnitFile
	for _, u := range units {
		e := UnitEntry{ID: u.ID, Name: u.Name, NameEN: u.NameEN, Parent: u.Parent, Kind: u.Kind, Address: u.Address}
		if len(u.StaffCIDRs) > 0 {
			e.StaffCIDRs = &u.StaffCIDRs
		}
		for _, d := range desks {
			if d.Unit == u.ID {
				e.Desks = append(e.Desks, DeskEntry{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Instrument: d.Instrument,
					Fields: d.Fields, QRMode: d.QRMode, Active: &d.Active})
			}
		}
		f.Units = append(f.Units, e)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return err
	}
	return enc.Close()
}

// ImportStats counts what an import changed.
type ImportStats struct {
	UnitsCreated, UnitsUpdated, DesksCreated, DesksUpdated int
}

// ImportUnits creates or updates the units and desks of a YAML file. Every
// entry is validated before anything is written; a desk keeps its QR
// generation (importing never invalidates printed posters). Each write is
// passed to audit.
func (s *Store) ImportUnits(ctx context.Context, data []byte, instruments *Instruments, now time.Time, audit ImportAudit) (ImportStats, error) {
	var st ImportStats
	f, err := parseUnitFile(data)
	if err != nil {
		return st, err
	}
	existing, err := s.Units(ctx)
	if err != nil {
		return st, err
	}
	merged, err := validateImport(f, existing, instruments)
	if err != nil {
		return st, err
	}
	for _, e := range f.Units {
		u := merged[e.ID]
		if err := s.importUnit(ctx, &u, now, audit, &st); err != nil {
			return st, err
		}
		for _, de := range e.Desks {
			if err := s.importDesk(ctx, e.ID, de, now, audit, &st); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// parseUnitFile decodes a units file, refusing unknown fields and a desk
// listed twice (it would silently land in the last unit).
func parseUnitFile(data []byte) (*UnitFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f UnitFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read units file: %w", err)
	}
	lines := deskLines(data)
	seen := map[string]string{}
	for i, e := range f.Units {
		for j, de := range e.Desks {
			if first, ok := seen[de.ID]; ok {
				return nil, fmt.Errorf("dòng %d: quầy %q đã có ở %s; mỗi quầy chỉ thuộc một đơn vị (line %d: desk %q is listed twice)",
					lines[[2]int{i, j}], de.ID, first, lines[[2]int{i, j}], de.ID)
			}
			seen[de.ID] = fmt.Sprintf("đơn vị %s (dòng %d)", e.ID, lines[[2]int{i, j}])
		}
	}
	return &f, nil
}

// validateImport returns the units as they will be after the import, by
// id, once every unit and desk of f is valid in that tree.
func validateImport(f *UnitFile, existing []Unit, instruments *Instruments) (map[string]Unit, error) {
	merged := map[string]Unit{}
	for _, u := range existing {
		merged[u.ID] = u
	}
	for _, e := range f.Units {
		u := Unit{ID: e.ID, Name: e.Name, NameEN: e.NameEN, Parent: e.Parent, Kind: e.Kind, Address: e.Address}
		if e.StaffCIDRs != nil {
			u.StaffCIDRs = *e.StaffCIDRs
		} else if old, ok := merged[e.ID]; ok {
			u.StaffCIDRs = old.StaffCIDRs
		}
		if old, ok := merged[e.ID]; ok {
			// The file does not carry the flag: an inactive unit stays so.
			u.Active = old.Active
		}
		merged[e.ID] = u
	}
	all := make([]Unit, 0, len(merged))
	for _, u := range merged {
		all = append(all, u)
	}
	for i, e := range f.Units {
		u := merged[e.ID]
		if ve := ValidateUnit(&u, all); ve != nil {
			return nil, fmt.Errorf("unit %d (%s): %v", i+1, e.ID, ve)
		}
		for j, de := range e.Desks {
			d := Desk{ID: de.ID, Unit: e.ID, Name: de.Name, Instrument: de.Instrument, Fields: de.Fields, QRMode: de.QRMode}
			if ve := ValidateDesk(&d, all, instruments); ve != nil {
				return nil, fmt.Errorf("unit %s, desk %d (%s): %v", e.ID, j+1, de.ID, ve)
			}
		}
	}
	return merged, nil
}

// importUnit writes one unit of an import over the stored one, or
// creates it.
func (s *Store) importUnit(ctx context.Context, u *Unit, now time.Time, audit ImportAudit, st *ImportStats) error {
	old, err := s.Unit(ctx, u.ID)
	switch {
	case err == nil:
		u.CreatedAt = old.CreatedAt
		if err := s.ReplaceUnit(ctx, u); err != nil {
			return err
		}
		if err := audit(ctx, "unit.update", "unit:"+u.ID, old, *u); err != nil {
			return err
		}
		st.UnitsUpdated++
	case errors.Is(err, derrors.ErrNotFound):
		u.CreatedAt = now.UTC()
		if err := s.InsertUnit(ctx, u); err != nil {
			return err
		}
		if err := audit(ctx, "unit.create", "unit:"+u.ID, nil, *u); err != nil {
			return err
		}
		st.UnitsCreated++
	default:
		return err
	}
	return nil
}

// importDesk writes one desk of an import over the stored one, keeping
// its QR generation, or creates it.
func (s *Store) importDesk(ctx context.Context, unit string, de DeskEntry, now time.Time, audit ImportAudit, st *ImportStats) error {
	d := Desk{ID: de.ID, Unit: unit, Name: de.Name, NameEN: de.NameEN, Instrument: de.Instrument, Fields: de.Fields,
		QRMode: de.QRMode, Active: de.Active == nil || *de.Active, Generation: 1, CreatedAt: now.UTC()}
	old, err := s.Desk(ctx, de.ID)
	switch {
	case err == nil:
		d.Generation, d.DeviceEpoch, d.CreatedAt = old.Generation, old.DeviceEpoch, old.CreatedAt
		if err := s.ReplaceDesk(ctx, &d); err != nil {
			return err
		}
		if err := audit(ctx, "desk.update", "desk:"+d.ID, old, d); err != nil {
			return err
		}
		st.DesksUpdated++
	case errors.Is(err, derrors.ErrNotFound):
		if err := s.InsertDesk(ctx, &d); err != nil {
			return err
		}
		if err := audit(ctx, "desk.create", "desk:"+d.ID, nil, d); err != nil {
			return err
		}
		st.DesksCreated++
	default:
		return err
	}
	return nil
}

// deskLines maps (unit index, desk index) to the line of the desk entry in
// a units file, for error messages; the file has decoded already.
func deskLines(data []byte) map[[2]int]int {
	out := map[[2]int]int{}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	units := mapValue(doc.Content[0], "units")
	if units == nil {
		return out
	}
	for i, u := range units.Content {
		if desks := mapValue(u, "desks"); desks != nil {
			for j, d := range desks.Content {
				out[[2]int{i, j}] = d.Line
			}
		}
	}
	return out
}

// mapValue returns the value of key in a YAML mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
