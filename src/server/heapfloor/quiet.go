package heapfloor

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// QuietAllocBytes is how little a process may allocate in one tick of CollectWhenQuiet and still
// count as quiet: a post or a page view allocates hundreds of KiB, a keep-alive nothing.
const QuietAllocBytes = 64 << 10

// QuietTicks is how many quiet ticks in a row make a quiet moment.
const QuietTicks = 2

// QuietShare is how much of the way from the live heap to the next collection's goal the heap must
// have grown before a quiet moment is used for the collection.
const QuietShare = 0.5

// CollectWhenQuiet runs a collection in a quiet moment (QuietTicks ticks in which busy says no and
// at most QuietAllocBytes were allocated) once the heap has grown QuietShare of the way to its next
// goal. busy reports work that allocates little but must not wait, such as a fan-out's writes.
//
// Why: a collection's marking takes a quarter of the CPU while it runs, and where memory is short
// the heap reaches its goal every few dozen posts: the post that met it reached its last subscriber
// up to 20 ms late (BENCHMARKS.md, small machines: the 1,000-subscriber p99 under 512 MB). Chat comes
// in bursts with quiet between them; collecting in the quiet, a little early, leaves the bursts to
// the requests. Under steady load there is no quiet moment and collections come as they would.
func CollectWhenQuiet(tick time.Duration, busy func() bool) (stop func()) {
	ticks := time.NewTicker(tick)
	done := make(chan struct{})
	go func() {
		samples := newQuietSamples()
		last := samples.read()
		quiet := 0
		for {
			select {
			case <-done:
				return
			case <-ticks.C:
			}
			now := samples.read()
			if now.allocs-last.allocs <= QuietAllocBytes && !busy() {
				quiet++
			} else {
				quiet = 0
			}
			last = now
			if quiet >= QuietTicks && collectionDue(now) {
				runtime.GC()
				quiet = 0
				last = samples.read()
			}
		}
	}()
	return stopper(ticks, done)
}

// heapState is what CollectWhenQuiet decides by, from runtime/metrics.
type heapState struct {
	allocs  uint64 // bytes allocated since the process began
	objects uint64 // the heap's objects now, live or not yet collected
	live    uint64 // the heap the last collection found live
	goal    uint64 // the heap size at which the next collection is due
}

// collectionDue is whether the heap has grown QuietShare of the way from live to goal.
func collectionDue(s heapState) bool {
	if s.goal <= s.live || s.objects <= s.live {
		return false
	}
	return float64(s.objects-s.live) >= QuietShare*float64(s.goal-s.live)
}

type quietSamples []metrics.Sample

func newQuietSamples() quietSamples {
	return quietSamples{
		{Name: "/gc/heap/allocs:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/goal:bytes"},
	}
}

func (q quietSamples) read() heapState {
	metrics.Read(q)
	v := func(i int) uint64 {
		if q[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return q[i].Value.Uint64()
	}
	return heapState{allocs: v(0), objects: v(1), live: v(2), goal: v(3)}
}
