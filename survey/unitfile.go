package survey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	ID      string      `yaml:"id"`
	Name    string      `yaml:"name"`
	NameEN  string      `yaml:"name_en,omitempty"`
	Parent  string      `yaml:"parent,omitempty"`
	Kind    string      `yaml:"kind"`
	Address string      `yaml:"address,omitempty"`
	Desks   []DeskEntry `yaml:"desks,omitempty"`
}

// DeskEntry is one desk of a unit.
type DeskEntry struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	NameEN     string   `yaml:"name_en,omitempty"`
	Instrument string   `yaml:"instrument"`
	Fields     []string `yaml:"fields,omitempty"`
	QRMode     string   `yaml:"qr_mode,omitempty"`
	Active     bool     `yaml:"active"`
}

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
		for _, d := range desks {
			if d.Unit == u.ID {
				e.Desks = append(e.Desks, DeskEntry{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Instrument: d.Instrument,
					Fields: d.Fields, QRMode: d.QRMode, Active: d.Active})
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
// generation (importing never invalidates printed posters).
func (s *Store) ImportUnits(ctx context.Context, data []byte, instruments *Instruments, now time.Time) (ImportStats, error) {
	var st ImportStats
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f UnitFile
	if err := dec.Decode(&f); err != nil {
		return st, fmt.Errorf("read units file: %w", err)
	}
	existing, err := s.Units(ctx)
	if err != nil {
		return st, err
	}
	// Validate against the tree as it will be after the import.
	merged := map[string]Unit{}
	for _, u := range existing {
		merged[u.ID] = u
	}
	for _, e := range f.Units {
		merged[e.ID] = Unit{ID: e.ID, Name: e.Name, NameEN: e.NameEN, Parent: e.Parent, Kind: e.Kind, Address: e.Address}
	}
	all := make([]Unit, 0, len(merged))
	for _, u := range merged {
		all = append(all, u)
	}
	for i, e := range f.Units {
		u := merged[e.ID]
		if ve := ValidateUnit(&u, all); ve != nil {
			return st, fmt.Errorf("unit %d (%s): %v", i+1, e.ID, ve)
		}
		for j, de := range e.Desks {
			d := Desk{ID: de.ID, Unit: e.ID, Name: de.Name, Instrument: de.Instrument, Fields: de.Fields, QRMode: de.QRMode}
			if ve := ValidateDesk(&d, all, instruments); ve != nil {
				return st, fmt.Errorf("unit %s, desk %d (%s): %v", e.ID, j+1, de.ID, ve)
			}
		}
	}
	for _, e := range f.Units {
		u := merged[e.ID]
		if old, err := s.Unit(ctx, e.ID); err == nil {
			u.CreatedAt = old.CreatedAt
			if err := s.ReplaceUnit(ctx, &u); err != nil {
				return st, err
			}
			st.UnitsUpdated++
		} else if errors.Is(err, ErrNotFound) {
			u.CreatedAt = now.UTC()
			if err := s.InsertUnit(ctx, &u); err != nil {
				return st, err
			}
			st.UnitsCreated++
		} else {
			return st, err
		}
		for _, de := range e.Desks {
			d := Desk{ID: de.ID, Unit: e.ID, Name: de.Name, NameEN: de.NameEN, Instrument: de.Instrument, Fields: de.Fields,
				QRMode: de.QRMode, Active: de.Active, Generation: 1, CreatedAt: now.UTC()}
			if old, err := s.Desk(ctx, de.ID); err == nil {
				d.Generation, d.DeviceEpoch, d.CreatedAt = old.Generation, old.DeviceEpoch, old.CreatedAt
				if err := s.ReplaceDesk(ctx, &d); err != nil {
					return st, err
				}
				st.DesksUpdated++
			} else if errors.Is(err, ErrNotFound) {
				if err := s.InsertDesk(ctx, &d); err != nil {
					return st, err
				}
				st.DesksCreated++
			} else {
				return st, err
			}
		}
	}
	return st, nil
}
