package heapfloor

import (
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

var sink []byte

// Garbage that nothing collects (GOGC far up, as under the floor) goes back to the system once the
// process stops allocating.
func TestTrimWhenIdleGivesTheHeapBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(maxPercent))
	t.Cleanup(TrimWhenIdle(100 * time.Millisecond))
	for i := 0; i < 64; i++ {
		sink = make([]byte, 1<<20)
	}
	sink = nil
	before := released() // the idle check comes one interval after the allocations at the soonest
	deadline := time.Now().Add(5 * time.Second)
	for released() < before+32<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("released %d MB more after idling, want at least 32", (released()-before)>>20)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func released() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}
