package rollup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"hailong/survey"
	"hailong/survey/period"
)

// BenchmarkRollupFlush measures one flush of a busy second: answers at
// 12 and 50 desks, every desk's cell touched in the day and month
// documents, on the embedded store.
func BenchmarkRollupFlush(b *testing.B) {
	for _, nDesks := range []int{12, 50} {
		b.Run(fmt.Sprintf("desks=%d", nDesks), func(b *testing.B) {
			s, r, in, _ := testSetup(b)
			at := time.Date(2024, 5, 6, 9, 0, 0, 0, period.Vietnam)
			rng := rand.New(rand.NewPCG(1, 2))
			second := func() deltas {
				d := deltas{}
				for i := range nDesks * 10 {
					resp := randomResponse(rng, at, survey.Desk{ID: fmt.Sprintf("d%02d", i%nDesks), Unit: "vt-p1"})
					resp.Instrument, resp.Status = in.ID(), survey.StatusOK
					d.addResponse(resp)
				}
				return d
			}
			ctx := context.Background()
			if err := r.apply(ctx, second(), "w", 1); err != nil { // documents exist, as in a running month
				b.Fatal(err)
			}
			_ = s
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				d := second()
				b.StartTimer()
				if err := r.apply(ctx, d, "w", int64(i+2)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
