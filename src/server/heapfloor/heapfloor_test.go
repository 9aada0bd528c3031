package heapfloor

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"hearth/server/memlimit"
)

func TestFloorFromEnv(t *testing.T) {
	const mb = 1 << 20
	vps := memlimit.Limit{Bytes: 512 * mb, Cgroup: true}
	big := memlimit.Limit{Bytes: 24 << 30}
	scenarios := []struct {
		name  string
		limit memlimit.Limit
		gogc  string
		floor string // "-" leaves HEARTH_GC_HEAP_MB unset
		bytes uint64
		on    bool
	}{
		{"plenty of memory: the default", big, "", "-", DefaultFloorMB * mb, true},
		{"a 512 MB limit: a twentieth of it", vps, "", "-", 512 * mb / 20, true},
		{"nothing known: the default", memlimit.Limit{}, "", "-", DefaultFloorMB * mb, true},
		{"operator's size wins over the limit", vps, "", "100", 100 * mb, true},
		{"zero turns it off", big, "", "0", 0, false},
		{"nonsense turns it off", big, "", "lots", 0, false},
		{"an explicit GOGC wins", vps, "50", "-", 0, false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Setenv("GOGC", s.gogc)
			if s.floor == "-" {
				t.Setenv("HEARTH_GC_HEAP_MB", "") // restored after the test
				os.Unsetenv("HEARTH_GC_HEAP_MB")
			} else {
				t.Setenv("HEARTH_GC_HEAP_MB", s.floor)
			}
			bytes, on := FloorFromEnv(s.limit)
			if bytes != s.bytes || on != s.on {
				t.Fatalf("FloorFromEnv(%+v) = %d, %v; want %d, %v", s.limit, bytes, on, s.bytes, s.on)
			}
		})
	}
}

func TestFloorFor(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name        string
		limit, want uint64
	}{
		{"256 MB", 256 * mb, 256 * mb / 20},
		{"512 MB VPS", 512 * mb, 512 * mb / 20},
		{"1 GB", 1024 * mb, 1024 * mb / 20},
		{"4 GB and more: capped at the default", 4096 * mb, DefaultFloorMB * mb},
		{"unknown: the default", 0, DefaultFloorMB * mb},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := FloorFor(s.limit); got != s.want {
				t.Fatalf("FloorFor(%d MB) = %d MB, want %d MB", s.limit/mb, got/mb, s.want/mb)
			}
		})
	}
}

func TestSoftLimitFor(t *testing.T) {
	const mb = 1 << 20
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	if got := SoftLimitFor(memlimit.Limit{Bytes: 512 * mb, Cgroup: true}); got != 384*mb {
		t.Fatalf("a 512 MB cgroup: soft limit %d MB, want 384", got/mb)
	}
	if got := SoftLimitFor(memlimit.Limit{Bytes: 512 * mb}); got != 0 {
		t.Fatalf("physical memory: soft limit %d MB, want none", got/mb)
	}
	t.Setenv("GOMEMLIMIT", "200MiB")
	if got := SoftLimitFor(memlimit.Limit{Bytes: 512 * mb, Cgroup: true}); got != 0 {
		t.Fatalf("operator's GOMEMLIMIT: soft limit %d MB, want none (theirs)", got/mb)
	}
}

// The floor raises GOGC while the live heap is far below it, and leaves Go's default once the
// live heap is above it.
func TestStartFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	Start(256 << 20)
	p := waitPercent(t, func(p uint32) bool { return p > 100 })
	if p <= 100 {
		t.Fatalf("small heap: GOGC %d, want it raised above 100", p)
	}
	if runtimePercent() != p {
		t.Fatalf("the runtime's GOGC is %d, want %d", runtimePercent(), p)
	}

	live := make([][]byte, 0, 64)
	for i := 0; i < 64; i++ {
		live = append(live, make([]byte, 1<<20))
	}
	Start(16 << 20) // below what is live now
	if p := waitPercent(t, func(p uint32) bool { return p == 100 }); p != 100 {
		t.Fatalf("large heap: GOGC %d, want Go's default 100", p)
	}
	runtime.KeepAlive(live)
}

func TestPercentFor(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name       string
		live, want uint64
	}{
		{"idle Hearth: up to the floor", 21 * mb, (192 - 21) * 100 / 21},
		{"half the floor or more: Go's default", 96 * mb, 100},
		{"over the floor: Go's default", 300 * mb, 100},
		{"a nearly empty heap: still the floor", 1 * mb, 19100},
		{"a few bytes: in range", 10, maxPercent},
		{"nothing measured yet: Go's default", 0, 100},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := percentFor(s.live, 192*mb); uint64(got) != s.want {
				t.Fatalf("percentFor(%d MB) = %d, want %d", s.live/mb, got, s.want)
			}
		})
	}
}

func waitPercent(t *testing.T, ok func(uint32) bool) uint32 {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		if p := Percent(); ok(p) || time.Now().After(deadline) {
			return p
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runtimePercent() uint32 {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return uint32(p)
}
