package heapfloor

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestCollectionDueHalfWayToTheGoal(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name  string
		state heapState
		want  bool
	}{
		{"just collected", heapState{objects: 30 * mb, live: 30 * mb, goal: 60 * mb}, false},
		{"a third of the way", heapState{objects: 40 * mb, live: 30 * mb, goal: 60 * mb}, false},
		{"half way", heapState{objects: 45 * mb, live: 30 * mb, goal: 60 * mb}, true},
		{"past the goal (a collection is on its way)", heapState{objects: 70 * mb, live: 30 * mb, goal: 60 * mb}, true},
		{"no goal read", heapState{objects: 45 * mb, live: 30 * mb}, false},
		{"before the first collection", heapState{objects: 3 * mb, goal: 4 * mb}, true},
	}
	for _, s := range scenarios {
		if got := collectionDue(s.state); got != s.want {
			t.Errorf("%s: due = %v, want %v", s.name, got, s.want)
		}
	}
}

var burst [][]byte

func numGC() uint32 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.NumGC
}

// After a burst that grew the heap past half its runway, the first quiet moment collects, and not
// while busy says there is work that must not wait.
func TestCollectsInTheFirstQuietMoment(t *testing.T) {
	runtime.GC()
	var working atomic.Bool
	working.Store(true)
	t.Cleanup(CollectWhenQuiet(5*time.Millisecond, working.Load))
	// a burst: garbage up to past half of the way to the goal, without reaching it
	state := newQuietSamples().read()
	for s := state; !collectionDue(s); s = newQuietSamples().read() {
		burst = append(burst, make([]byte, 64<<10))
		if len(burst) > 64 {
			burst = burst[1:]
		}
		if len(burst)%16 == 0 {
			runtime.Gosched()
		}
	}
	before := numGC()
	time.Sleep(100 * time.Millisecond)
	if numGC() != before {
		t.Fatal("collected while busy")
	}
	working.Store(false)
	deadline := time.Now().Add(2 * time.Second)
	for numGC() == before {
		if time.Now().After(deadline) {
			t.Fatal("no collection in the quiet moment after the burst")
		}
		time.Sleep(time.Millisecond)
	}
}
