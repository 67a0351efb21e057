package survey

import (
	"net/netip"
	"regexp"
	"strings"
	"unicode/utf8"
)

// idPattern is what unit and desk ids look like: they appear in URLs,
// desk codes and rollup field paths, so no dots, tildes or spaces.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// Problems of a unit or desk, by field; messages live in the UI catalogue
// under "err.field_<problem>".
const (
	FieldRequired = "required"
	FieldFormat   = "format"
	FieldUnknown  = "unknown"
	FieldCycle    = "cycle"
	FieldTooLong  = "too_long"
	FieldCIDR     = "cidr"
	FieldRoot     = "root"
)

var unitKinds = []string{KindCity, KindWard, KindCommune, KindDepartment}

// ValidateUnit checks u against the other units. A parent must exist and
// must not be u itself or below it (moving a unit under its own child
// would cut it off the tree). Only one unit, the city, stands without a
// parent: a second root would quietly drop its answers from the city's
// figures.
func ValidateUnit(u *Unit, units []Unit) *ValidationError {
	p := map[string]string{}
	if !idPattern.MatchString(u.ID) {
		p["id"] = FieldFormat
	}
	checkName(p, "name", u.Name)
	if !oneOfStr(u.Kind, unitKinds) {
		p["kind"] = FieldUnknown
	}
	if !validCIDRs(u.StaffCIDRs) {
		p["staff_cidrs"] = FieldCIDR
	}
	if u.Parent == "" {
		for _, x := range units {
			if x.Parent == "" && x.ID != u.ID {
				p["parent"] = FieldRoot
			}
		}
		if u.Kind != KindCity {
			p["parent"] = FieldRequired
		}
	}
	if u.Parent != "" {
		found := false
		for _, x := range units {
			found = found || x.ID == u.Parent
		}
		switch {
		case !found:
			p["parent"] = FieldUnknown
		case Subtree(units, u.ID)[u.Parent]:
			p["parent"] = FieldCycle
		}
	}
	if len(p) > 0 {
		return &ValidationError{Fields: p}
	}
	return nil
}

// ValidateDesk checks d: its unit and instrument must exist.
func ValidateDesk(d *Desk, units []Unit, instruments *Instruments) *ValidationError {
	p := map[string]string{}
	if !idPattern.MatchString(d.ID) {
		p["id"] = FieldFormat
	}
	checkName(p, "name", d.Name)
	found := false
	for _, u := range units {
		found = found || u.ID == d.Unit
	}
	if !found {
		p["unit"] = FieldUnknown
	}
	if _, ok := instruments.Latest(d.Instrument); !ok {
		p["instrument"] = FieldUnknown
	}
	for _, f := range d.Fields {
		if !idPattern.MatchString(f) {
			p["fields"] = FieldFormat
		}
	}
	if d.QRMode != "" && d.QRMode != QRStatic && d.QRMode != QRRotating {
		p["qr_mode"] = FieldUnknown
	}
	if len(p) > 0 {
		return &ValidationError{Fields: p}
	}
	return nil
}

// validCIDRs accepts up to 50 networks written canonically
// ("10.20.0.0/16", not "10.20.1.7/16", which is most likely a typo).
func validCIDRs(cidrs []string) bool {
	if len(cidrs) > 50 {
		return false
	}
	for _, c := range cidrs {
		pr, err := netip.ParsePrefix(c)
		if err != nil || pr != pr.Masked() {
			return false
		}
	}
	return true
}

func checkName(p map[string]string, field, v string) {
	switch {
	case strings.TrimSpace(v) == "":
		p[field] = FieldRequired
	case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n"):
		p[field] = FieldFormat
	case utf8.RuneCountInString(v) > 200:
		p[field] = FieldTooLong
	}
}

func oneOfStr(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
