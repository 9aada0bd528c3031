package heapfloor

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// IdleAllocBytes is how little a process may allocate in one interval of TrimWhenIdle and still
// count as idle: an idle Hearth (checkpoints every second, keep-alives every minute) allocates a
// few KiB a second, one page view or post hundreds of KiB.
const IdleAllocBytes = 1 << 20

// TrimWhenIdle collects and gives the heap's free memory back to the system once an interval
// passes with less than IdleAllocBytes allocated, and again only after the next busy interval.
//
// Why: the floor lets garbage pile up to the floor between collections, and Go collects an idle
// process only every two minutes and then keeps the freed memory (up to the floor) for reuse, so
// an idle Hearth with a 64 MB floor sat at 148 MB resident where 25 MB of heap was live
// (BENCHMARKS.md, "Small machines"). A collection while idle delays no one. stop ends it.
func TrimWhenIdle(interval time.Duration) (stop func()) {
	ticks := time.NewTicker(interval)
	done := make(chan struct{})
	go func() {
		last := allocated()
		trimmed := false
		for {
			select {
			case <-done:
				return
			case <-ticks.C:
			}
			now := allocated()
			idle := now-last < IdleAllocBytes
			last = now
			if !idle {
				trimmed = false
			} else if !trimmed {
				// twice: what has a finalizer (goja's and the files' objects) is freed by the
				// collection after the one that found it unreachable (about 2 MB of an idle heap)
				debug.FreeOSMemory()
				debug.FreeOSMemory()
				trimmed = true
				last = allocated()
			}
		}
	}()
	return stopper(ticks, done)
}

// stopper stops a ticker and the goroutine waiting on done, once.
func stopper(ticks *time.Ticker, done chan struct{}) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			ticks.Stop()
			close(done)
		})
	}
}

func allocated() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
