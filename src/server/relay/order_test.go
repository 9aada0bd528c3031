package relay

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// delivered records what an ordering hands to the fan-out, by name.
type delivered struct {
	mu    sync.Mutex
	names []string
}

func (l *delivered) deliver(d delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.names = append(l.names, string(d.frame.sse))
}

func (l *delivered) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.names)
}

func named(name string) delivery {
	return delivery{frame: newFrame([]byte(name))}
}

func TestEveryGapIsWaitedForOnce(t *testing.T) {
	var log delivered
	g := newOrdering(50*time.Millisecond, log.deliver)
	g.add("a", 1, named("1"))
	g.add("a", 3, named("3")) // 2 never comes
	g.add("a", 5, named("5")) // nor 4
	want := []string{"1", "3", "5"}
	for start := time.Now(); !slices.Equal(log.get(), want); {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("delivered %q, want %q: a position behind a second gap waited for another event", log.get(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
