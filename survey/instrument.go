package survey

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Item types.
const (
	TypeScale  = "scale"  // one code from a named scale
	TypeChoice = "choice" // one integer code from the item's own options
	TypeMulti  = "multi"  // any number of string keys from the item's own options
	TypeText   = "text"   // free text
	// TypePoints is one integer code from the item's own options, where codes
	// may start at 0: the 0/1/2 points of a TT 01/2018/TT-VPCP indicator, with
	// the rubric as option labels so a province can adjust it as data.
	TypePoints = "points"
)

// Elements are the five SIPAS Part II elements (yếu tố) of QĐ 1001/QĐ-BNV.
var Elements = []string{"A", "B", "C", "D", "E"}

// ElementNames are the names of the five elements.
var ElementNames = map[string]Text{
	"A": {"Tiếp cận dịch vụ", "Access to the service"},
	"B": {"Thủ tục hành chính", "Administrative procedures"},
	"C": {"Công chức trực tiếp giải quyết công việc", "Officials handling the case"},
	"D": {"Kết quả giải quyết thủ tục hành chính", "Results of the procedure"},
	"E": {"Tiếp nhận, xử lý phản ánh, kiến nghị", "Handling of feedback and complaints"},
}

// Item is one question of an instrument.
type Item struct {
	Code     string   `yaml:"code" json:"code"`
	Type     string   `yaml:"type" json:"type"`
	Scale    string   `yaml:"scale" json:"scale,omitempty"`
	Element  string   `yaml:"element" json:"element,omitempty"`
	Overall  bool     `yaml:"overall" json:"overall,omitempty"`
	Required bool     `yaml:"required" json:"required"`
	NA       bool     `yaml:"na" json:"na,omitempty"`
	Max      int      `yaml:"max" json:"max,omitempty"`
	Text     Text     `yaml:"text" json:"text"`
	Hint     Text     `yaml:"hint" json:"hint,omitempty"`
	Options  []Option `yaml:"options" json:"options,omitempty"`
	// Exclusive names a multi-choice key that cannot be combined with others
	// ("chưa từng nghe").
	Exclusive string `yaml:"exclusive" json:"exclusive,omitempty"`
}

// Choices returns the options a citizen picks from: the scale's for scale
// items, the item's own otherwise.
func (it *Item) Choices() []Option {
	if it.Type == TypeScale {
		s, _ := LookupScale(it.Scale)
		return s.Options
	}
	return it.Options
}

// Satisfaction reports whether the item is rated on the SIPAS 1–5 scale.
func (it *Item) Satisfaction() bool {
	if it.Type != TypeScale {
		return false
	}
	s, _ := LookupScale(it.Scale)
	return s.Satisfaction
}

// Instrument is a versioned question set. A response names the exact
// version it answered, so figures never mix versions.
type Instrument struct {
	Code    string `yaml:"code" json:"code"`
	Version int    `yaml:"version" json:"version"`
	Title   Text   `yaml:"title" json:"title"`
	Intro   Text   `yaml:"intro" json:"intro"`
	Items   []Item `yaml:"items" json:"items"`

	byCode map[string]*Item
}

// ID is the "code@version" reference stored on responses.
func (in *Instrument) ID() string { return fmt.Sprintf("%s@%d", in.Code, in.Version) }

// Item returns the item with the given code.
func (in *Instrument) Item(code string) (*Item, bool) {
	it, ok := in.byCode[code]
	return it, ok
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// problems collects every problem of an instrument file.
type problems []error

func (p *problems) add(format string, a ...any) { *p = append(*p, fmt.Errorf(format, a...)) }

// validate checks the instrument and indexes its items. Every problem is
// reported, prefixed with the item it concerns, so a broken file is fixed in
// one pass.
func (in *Instrument) validate() error {
	var p problems
	if !codePattern.MatchString(strings.ReplaceAll(in.Code, "-", "_")) {
		p.add("code %q: use lower-case letters, digits, - or _", in.Code)
	}
	if in.Version < 1 {
		p.add("version must be a positive integer")
	}
	if in.Title.VI == "" {
		p.add("title.vi is required")
	}
	if len(in.Items) == 0 {
		p.add("no items")
	}
	in.byCode = make(map[string]*Item, len(in.Items))
	for i := range in.Items {
		it := &in.Items[i]
		where := fmt.Sprintf("item %d (%s)", i+1, it.Code)
		if !codePattern.MatchString(it.Code) {
			p.add("%s: code must match %s", where, codePattern)
		}
		if _, dup := in.byCode[it.Code]; dup {
			p.add("%s: duplicate code", where)
		}
		in.byCode[it.Code] = it
		if it.Text.VI == "" {
			p.add("%s: text.vi is required", where)
		}
		if !it.validateType(&p, where) {
			continue
		}
		if it.Element != "" && !isElement(it.Element) {
			p.add("%s: unknown element %q", where, it.Element)
		}
		if it.NA && it.Type != TypeScale {
			p.add("%s: only scale items can offer \"không áp dụng\"", where)
		}
	}
	return errors.Join(p...)
}

// validateType checks what the item's type asks of it. It reports false
// for a scale item whose scale is unknown: nothing more can be checked.
func (it *Item) validateType(p *problems, where string) bool {
	switch it.Type {
	case TypeScale:
		s, ok := LookupScale(it.Scale)
		if !ok {
			p.add("%s: unknown scale %q", where, it.Scale)
			return false
		}
		if s.Satisfaction && !it.Overall && !isElement(it.Element) {
			p.add("%s: satisfaction item must name a SIPAS element A–E (or be overall)", where)
		}
		if it.NA && s.Has(NotApplicable) {
			p.add("%s: scale %q uses code 0, which is reserved for \"không áp dụng\"", where, it.Scale)
		}
	case TypeChoice, TypeMulti, TypePoints:
		it.validateOptions(p, where)
	case TypeText:
		if it.Max < 1 || it.Max > 5000 {
			p.add("%s: text items need max between 1 and 5000", where)
		}
	default:
		p.add("%s: unknown type %q", where, it.Type)
	}
	return true
}

// validateOptions checks the item's own options: at least two, codes (or
// keys) well formed and unique, each labelled.
func (it *Item) validateOptions(p *problems, where string) {
	if len(it.Options) < 2 {
		p.add("%s: needs at least two options", where)
	}
	seen := map[string]bool{}
	for _, o := range it.Options {
		k := o.Key
		switch {
		case it.Type == TypeChoice:
			k = fmt.Sprint(o.Code)
			if o.Code < 1 {
				p.add("%s: option codes start at 1", where)
			}
		case it.Type == TypePoints:
			k = fmt.Sprint(o.Code)
			if o.Code < 0 {
				p.add("%s: point codes must not be negative", where)
			}
		case !codePattern.MatchString(o.Key):
			p.add("%s: option key %q must match %s", where, o.Key, codePattern)
		}
		if seen[k] {
			p.add("%s: duplicate option %s", where, k)
		}
		seen[k] = true
		if o.Label.VI == "" {
			p.add("%s: option %s needs label.vi", where, k)
		}
	}
	if it.Exclusive != "" && !seen[it.Exclusive] {
		p.add("%s: exclusive option %q is not an option", where, it.Exclusive)
	}
}

func isElement(e string) bool {
	for _, x := range Elements {
		if e == x {
			return true
		}
	}
	return false
}

// Instruments holds every loaded instrument version.
type Instruments struct {
	byID     map[string]*Instrument
	latest   map[string]*Instrument
	versions []string
}

//go:embed instruments/*.yaml
var instrumentFiles embed.FS

// LoadInstruments parses and validates the instruments embedded in the
// binary. The service refuses to start if one is broken.
func LoadInstruments() (*Instruments, error) {
	sub, err := fs.Sub(instrumentFiles, "instruments")
	if err != nil {
		return nil, err
	}
	return LoadInstrumentsFS(sub)
}

// LoadInstrumentsFS loads every *.yaml file at the root of fsys.
func LoadInstrumentsFS(fsys fs.FS) (*Instruments, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	set := &Instruments{byID: map[string]*Instrument{}, latest: map[string]*Instrument{}}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		in, err := ParseInstrument(data)
		if err != nil {
			return nil, fmt.Errorf("instrument %s: %w", path.Base(name), err)
		}
		if _, dup := set.byID[in.ID()]; dup {
			return nil, fmt.Errorf("instrument %s: %s is defined twice", name, in.ID())
		}
		set.byID[in.ID()] = in
		if cur, ok := set.latest[in.Code]; !ok || in.Version > cur.Version {
			set.latest[in.Code] = in
		}
		set.versions = append(set.versions, in.ID())
	}
	if len(set.byID) == 0 {
		return nil, errors.New("no instruments found")
	}
	sort.Strings(set.versions)
	return set, nil
}

// ParseInstrument decodes one YAML document strictly (unknown keys are
// errors: a typo must not silently drop a question) and validates it.
func ParseInstrument(data []byte) (*Instrument, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var in Instrument
	if err := dec.Decode(&in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return &in, nil
}

// Latest returns the newest version of the instrument code.
func (s *Instruments) Latest(code string) (*Instrument, bool) {
	in, ok := s.latest[code]
	return in, ok
}

// Get returns the exact "code@version".
func (s *Instruments) Get(id string) (*Instrument, bool) {
	in, ok := s.byID[id]
	return in, ok
}

// IDs lists every loaded "code@version", sorted.
func (s *Instruments) IDs() []string { return append([]string(nil), s.versions...) }
