package main

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"hailong/internal/app/apptest"
)

// Fault runs (issue 8): the "nothing lost" claims, proved under load with
// real processes and real stores. Each logs its figures for
// docs/BENCHMARKS.md; -fault.rounds, -fault.duration and -fault.workers
// give the long versions.

// TestFaultKillApp: the app is killed with SIGKILL under load and
// restarted on the same data dir (embedded stores), -fault.rounds times.
// Every answer that got a 303 is stored exactly once, and the rollups —
// repaired from the journal at each restart — equal a recount of the
// stored responses.
// repairedRE finds the startup log line of a journal replay.
var repairedRE = regexp.MustCompile(`rollups repaired after an unclean stop.* batches=(\d+)`)

func TestFaultKillApp(t *testing.T) {
	skipShortFault(t)
	began := time.Now()
	dir := t.TempDir()
	// A fixed address, so phones caught by a crash resend to the
	// restarted process with their cookies, as they would through a proxy.
	env := map[string]string{"HAILONG_ADDR": freeAddr(t)}
	app, base := startChildApp(t, dir, env)
	paths := deskPaths(t, base)
	load := startFaultLoad(t, *faultWorkers, func(n uint64) (string, string) { return base, paths[n%uint64(len(paths))] })

	rng := rand.New(rand.NewPCG(8, uint64(time.Now().UnixNano())))
	var restarts []time.Duration
	repaired := 0
	for round := 1; round <= *faultRounds; round++ {
		// Answers are flowing, then the kill comes at a random moment.
		load.waitAcked(t, load.ackedCount(), 5, time.Minute)
		if round == 1 {
			waitCounted(t, base) // not while today's rollups are created (see TestFaultStoreDown)
		}
		time.Sleep(*faultDuration/4 + time.Duration(rng.Int64N(int64(*faultDuration/4)+1)))
		app.kill()
		down := time.Now()
		app, _ = startChildApp(t, dir, env)
		restarts = append(restarts, time.Since(down))
		// The restart replayed the journal the crash left (0 if the
		// kill fell between two flushes with nothing committed).
		if m := repairedRE.FindStringSubmatch(app.stderr.String()); m != nil {
			n, _ := strconv.Atoi(m[1])
			repaired += n
		}
	}
	// Every phone caught by the last crash gets its answer through.
	load.waitAcked(t, load.ackedCount(), 20, time.Minute)
	load.finish()
	app.stop(t)
	acked, posts, gets, _ := load.snapshot()

	// The indicators as a fresh start shows them, then the recount.
	a := startApp(t, dir, nil)
	snap := indicatorsOver(t, a.URL, began, time.Now())
	a.Stop(t)
	all := apptest.StoredResponses(t, openDataDir(t, dir))
	lost, dups := ackedStored(t, all, acked)
	n := snap.equalRecount(t, all)
	slices.Sort(restarts)
	t.Logf("kill -9 × %d under load (%d citizens): %d acknowledged (303), %d stored, %d lost, %d duplicates, "+
		"%d answers caught by a crash and resent, %d journal batches replayed at restarts; POST statuses %v, GET statuses %v (0 = no answer); rollups = recount over %d answers; "+
		"restart median %v, max %v; run took %v",
		*faultRounds, *faultWorkers, len(acked), len(all), lost, dups, load.resent, repaired, posts, gets, n,
		restarts[len(restarts)/2].Round(time.Millisecond), restarts[len(restarts)-1].Round(time.Millisecond),
		time.Since(began).Round(time.Second))
	for status := range posts {
		if status != 303 {
			t.Errorf("POST answered %d (%d times): a crash must not turn an answer into an error: %.300s", status, posts[status], load.otherPost)
		}
	}
}
