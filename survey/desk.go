package survey

import (
	"encoding/json"
	"time"
)

// Unit kinds.
const (
	KindCity       = "city"
	KindWard       = "ward"
	KindCommune    = "commune"
	KindDepartment = "department"
)

// Unit is a node of the administrative tree: the city, its wards and
// communes, its departments.
type Unit struct {
	ID     string `bson:"_id" json:"id"`
	Name   string `bson:"name" json:"name"`
	NameEN string `bson:"name_en,omitempty" json:"name_en,omitempty"`
	Parent string `bson:"parent,omitempty" json:"parent,omitempty"`
	Kind   string `bson:"kind" json:"kind"`
	// Address is printed on posters and reports.
	Address string `bson:"address,omitempty" json:"address,omitempty"`
	// StaffCIDRs are the unit's own networks: an answer from one is a
	// clerk rating their own desk, stored as suspect.
	StaffCIDRs []string `bson:"staff_cidrs,omitempty" json:"staff_cidrs,omitempty"`
	// Active is nil for units stored before the flag existed: they are
	// active. An inactive unit (a ward dissolved in a merger) takes no new
	// answers; its past figures stay.
	Active    *bool     `bson:"active,omitempty" json:"active"`
	CreatedAt time.Time `bson:"created_at" json:"created_at"`
}

// IsActive reports whether the unit takes answers.
func (u *Unit) IsActive() bool { return u.Active == nil || *u.Active }

// MarshalJSON always writes "active", true for units stored without it.
func (u Unit) MarshalJSON() ([]byte, error) {
	type plain Unit
	p := plain(u)
	active := u.IsActive()
	p.Active = &active
	return json.Marshal(p)
}

// DisplayName returns the unit's name in lang.
func (u *Unit) DisplayName(lang string) string {
	return Text{VI: u.Name, EN: u.NameEN}.In(lang)
}

// Desk is one counter of a one-stop desk. Its survey URL is /s/{code},
// where the code is signed and changes when the desk's QR is rotated.
type Desk struct {
	ID         string   `bson:"_id" json:"id"`
	Unit       string   `bson:"unit" json:"unit"`
	Name       string   `bson:"name" json:"name"`
	NameEN     string   `bson:"name_en,omitempty" json:"name_en,omitempty"`
	Instrument string   `bson:"instrument" json:"instrument"` // instrument code; the latest version is served
	Fields     []string `bson:"fields,omitempty" json:"fields,omitempty"`
	// Generation counts QR rotations; the code is signed over it.
	Generation int `bson:"generation" json:"generation"`
	// QRMode is QRStatic (printed poster) or QRRotating (a display).
	QRMode string `bson:"qr_mode,omitempty" json:"qr_mode"`
	// DeviceEpoch is signed into kiosk and display tokens; raising it
	// revokes every registered device of the desk.
	DeviceEpoch int       `bson:"device_epoch,omitempty" json:"-"`
	Active      bool      `bson:"active" json:"active"`
	CreatedAt   time.Time `bson:"created_at" json:"created_at"`
}

// DisplayName returns the desk's name in lang.
func (d *Desk) DisplayName(lang string) string {
	return Text{VI: d.Name, EN: d.NameEN}.In(lang)
}

// DeskCodes signs and splits desk codes. qr.Signer implements it; survey
// depends only on this behaviour, keeping qr a leaf.
type DeskCodes interface {
	// DeskCode returns the code of the desk at a QR generation.
	DeskCode(deskID string, generation int) string
	// DeskCodeAt returns a rotating desk's code for a one-minute window.
	DeskCodeAt(deskID string, generation int, window int64) string
	// DeskID returns the desk a code claims to be for, without checking it.
	DeskID(code string) (string, bool)
	// Seal and Open sign and verify tokens for one purpose.
	Seal(purpose string, fields ...string) string
	Open(purpose, token string) ([]string, bool)
	// Keyed hashes a value (a dossier code) with the service key.
	Keyed(purpose, value string) string
}
