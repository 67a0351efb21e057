package rollup

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"hailong/survey"
	"hailong/survey/period"
)

// BenchmarkSubmit measures the submission path below HTTP (group commit of
// responses) with the rollup writer on and off, 64 concurrent citizens, on
// the embedded store. The ratio on/off is the writer's cost.
func BenchmarkSubmit(b *testing.B) {
	for _, mode := range []string{"rollups=off", "rollups=on"} {
		b.Run(mode, func(b *testing.B) {
			s, _, in, desks := testSetup(b)
			c := NewCommitter(s.db, NewRollups(s.db, nil, slog.Default()), slog.Default())
			c.noRollups = mode == "rollups=off"
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { c.Run(ctx); close(done) }()
			var seed atomic.Uint64
			base := time.Date(2024, 5, 1, 8, 0, 0, 0, period.Vietnam)
			b.SetParallelism(32) // 2 cores × 32 = 64 goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(seed.Add(1), 1))
				for pb.Next() {
					r, err := survey.SampleResponse(rng, in, &desks[rng.IntN(len(desks))], base.Add(time.Duration(rng.IntN(30*24*3600))*time.Second))
					if err != nil {
						b.Error(err)
						return
					}
					if err := c.Submit(context.Background(), r); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
			stop()
			<-done
		})
	}
}
