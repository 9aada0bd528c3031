// Package heapfloor keeps Go's garbage collector from running every few requests while the live
// heap is small.
//
// Why: with Go's default (GOGC=100) a collection starts whenever the heap doubles. An idle Hearth
// keeps about 21 MB live, and each post allocates 0.5 to 1.2 MB in the JS runtime, so a
// collection came every 20 to 40 posts, took about 8 ms of wall time and 10 ms of CPU on this
// 2-core machine, and the post that met it reached its room 5 to 12 ms late: with 1,000
// subscribers, 8 of 100 posts (BENCHMARKS.md, "GC and the fan-out tail"). Below Floor the heap
// may grow to Floor before a collection; above it Go's default applies, so a large heap (10,000
// live connections) is collected exactly as before and memory per connection does not change.
package heapfloor

import (
	"os"
	"strconv"

	"github.com/bytedance/gopkg/util/gctuner"
)

// DefaultFloorMB is the heap size below which collections wait (HEARTH_GC_HEAP_MB).
const DefaultFloorMB = 192

// maxPercent bounds how far GOGC is raised: 1000 % of the smallest live heap Hearth has (about 21
// MB) is the floor itself, so a tiny heap cannot ask for more than the floor.
const maxPercent = 1000

// FloorFromEnv reads HEARTH_GC_HEAP_MB; 0 turns the floor off. An explicit GOGC (the operator's own
// choice) also turns it off.
func FloorFromEnv() (bytes uint64, on bool) {
	if os.Getenv("GOGC") != "" {
		return 0, false
	}
	mb := DefaultFloorMB
	if v, ok := os.LookupEnv("HEARTH_GC_HEAP_MB"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, false
		}
		mb = n
	}
	if mb == 0 {
		return 0, false
	}
	return uint64(mb) << 20, true
}

// Start applies the floor: after every collection GOGC is set so that the next one starts when
// the heap reaches floor bytes, but never lower than Go's default of 100 (so never more often than
// without it) and never above maxPercent.
func Start(floor uint64) {
	gctuner.SetMinGCPercent(100)
	gctuner.SetMaxGCPercent(maxPercent)
	gctuner.Tuning(floor)
}

// Percent is the GOGC the floor set last (100 before the first collection).
func Percent() uint32 {
	return gctuner.GetGCPercent()
}
