package rollup

import (
	"reflect"
	"testing"

	"hailong/survey/sipas"
)

// Hist reads answer codes ("c5") only: an empty key, a bare "c" or any
// other key is skipped, never sliced past its end.
func TestCellHist(t *testing.T) {
	c := &Cell{H: map[string]map[string]int64{"a": {"c5": 3, "c0": 1, "": 7, "c": 2, "x4": 9, "cx": 4}}}
	if got, want := c.Hist("a"), (sipas.Hist{5: 3, 0: 1}); !reflect.DeepEqual(got, want) {
		t.Errorf("Hist = %v, want %v", got, want)
	}
	if got := c.Hist("missing"); len(got) != 0 {
		t.Errorf("Hist of an unanswered item = %v, want empty", got)
	}
}
