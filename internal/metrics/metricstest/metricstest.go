// Package metricstest reads metrics back in tests of packages that cannot
// start the whole service (apptest.Metric reads /metrics over HTTP; the
// limit and survey packages' own tests sit below it).
package metricstest

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// Value reads a counter from reg: the sum of the series of name whose
// labels match every one of labels (nil: all of them).
func Value(t testing.TB, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue metric
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}
