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
//
// After each collection (a finalizer that re-arms itself) GOGC is set from the live heap Go's own
// metrics report. Not bytedance/gopkg's gctuner: it reads HeapInuse in that finalizer, before the
// heap is swept, so it saw 50 to 85 MB where 21 MB was live and collected at 49 to 84 MB instead
// of the floor (bench/post-alone.mjs).
package heapfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"

	"hearth/server/memlimit"
)

// DefaultFloorMB is the heap size below which collections wait (HEARTH_GC_HEAP_MB) where memory is
// plentiful.
const DefaultFloorMB = 192

// limitShare is the part of the process's memory limit the floor may take: a twentieth, so a 512 MB
// VPS gets 25 MB (above 3.75 GB the floor is DefaultFloorMB). An eighth (64 MB there) let garbage
// spread the live heap over more spans between collections: idle after light use under a 512 MB
// limit, 71 to 76 MiB resident with 64 MB, 63 to 65 with 32 and 63 with 24 (BENCHMARKS.md, "Small
// machines"). With a thousand live connections the heap is past the floor anyway.
const limitShare = 20

// maxPercent only keeps the arithmetic in range for a nearly empty heap: the floor is the bound.
const maxPercent = 100000

// FloorFor is the floor for a memory limit: an eighth of it, at most DefaultFloorMB; the default
// when the limit is unknown (0).
func FloorFor(limit uint64) uint64 {
	const most = uint64(DefaultFloorMB) << 20
	if limit == 0 {
		return most
	}
	return min(limit/limitShare, most)
}

// FloorFromEnv reads HEARTH_GC_HEAP_MB; unset, the floor follows the memory limit (FloorFor); 0
// turns it off. An explicit GOGC (the operator's own choice) also turns it off.
func FloorFromEnv(limit memlimit.Limit) (bytes uint64, on bool) {
	if os.Getenv("GOGC") != "" {
		return 0, false
	}
	v, ok := os.LookupEnv("HEARTH_GC_HEAP_MB")
	if !ok {
		return FloorFor(limit.Bytes), true
	}
	mb, err := strconv.Atoi(v)
	if err != nil || mb <= 0 {
		return 0, false
	}
	return uint64(mb) << 20, true
}

// SoftLimitFor is the Go soft memory limit (GOMEMLIMIT) for a cgroup limit: three quarters of it,
// so Go collects harder as the heap nears the cgroup's limit instead of the kernel killing the
// process there; the rest is for what Go does not count (SQLite's page cache, kernel socket
// buffers). None (0) for physical memory, which other processes share, or when the operator set
// GOMEMLIMIT.
func SoftLimitFor(limit memlimit.Limit) uint64 {
	if !limit.Cgroup || os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	return limit.Bytes / 4 * 3
}

var (
	floor   atomic.Uint64
	percent atomic.Uint32
	armed   sync.Once
)

// sentinel is garbage from birth: its finalizer runs after every collection. (It holds a pointer
// so that it is never put in a tiny-allocation block, where a finalizer may never run.)
type sentinel struct{ _ *byte }

// Start applies the floor (bytes) from the next collection on; calling it again changes the floor.
func Start(bytes uint64) {
	floor.Store(bytes)
	armed.Do(func() {
		percent.Store(100)
		runtime.SetFinalizer(&sentinel{}, retune)
	})
}

func retune(s *sentinel) {
	p := percentFor(liveHeap(), floor.Load())
	if percent.Swap(p) != p {
		debug.SetGCPercent(int(p))
	}
	runtime.SetFinalizer(s, retune)
}

// percentFor is the GOGC that starts the next collection when the heap reaches floor: never below
// Go's default of 100 (so never more collections than without the floor).
func percentFor(live, floor uint64) uint32 {
	if live == 0 || floor <= 2*live {
		return 100
	}
	return uint32(min((floor-live)*100/live, maxPercent))
}

func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// Percent is the GOGC the floor set last (100 before the first collection).
func Percent() uint32 {
	return percent.Load()
}
