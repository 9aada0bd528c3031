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
	g := newOrdering(50*time.Millisecond, time.Minute, log.deliver)
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

func TestIdleRoomsAreForgottenAndStartAgain(t *testing.T) {
	var log delivered
	clock := time.Unix(1_000_000, 0)
	// the wait never runs out in this test: an event behind a gap stays waiting
	g := newOrdering(time.Hour, time.Minute, log.deliver)
	g.now = func() time.Time { return clock }
	later := func(d time.Duration) { clock = clock.Add(d) }
	expect := func(want ...string) {
		t.Helper()
		if got := log.get(); !slices.Equal(got, want) {
			t.Fatalf("delivered %q, want %q", got, want)
		}
		log.mu.Lock()
		log.names = nil
		log.mu.Unlock()
	}
	has := func(room string) bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.rooms[room] != nil
	}

	g.add("quiet", 1, named("quiet 1"))
	g.add("quiet", 2, named("quiet 2"))
	g.add("waiting", 1, named("waiting 1"))
	g.add("waiting", 3, named("waiting 3")) // 2 is late
	g.add("recent", 1, named("recent 1"))
	expect("quiet 1", "quiet 2", "waiting 1", "recent 1")

	later(59 * time.Second)
	g.add("recent", 2, named("recent 2"))
	later(time.Second)
	g.add("other", 1, named("other 1")) // sweeps
	expect("recent 2", "other 1")
	if has("quiet") {
		t.Fatal("a room with nothing waiting and no event for a minute is still remembered")
	}
	if !has("waiting") || !has("recent") {
		t.Fatal("a room with an event waiting, or with an event under a minute ago, was forgotten")
	}
	if n := g.count(); n != 3 {
		t.Fatalf("%d rooms remembered, want 3", n)
	}

	// the forgotten room starts again at its next event, without waiting for 3 to 9
	g.add("quiet", 10, named("quiet 10"))
	g.add("quiet", 12, named("quiet 12"))
	g.add("quiet", 11, named("quiet 11"))
	expect("quiet 10", "quiet 11", "quiet 12")

	// a room still remembered keeps its order, and a waiting room goes on waiting
	g.add("recent", 4, named("recent 4"))
	g.add("waiting", 2, named("waiting 2"))
	expect("waiting 2", "waiting 3")

	// a room idle a minute starts again at its own next event, even when no sweep is due
	later(30 * time.Second)
	g.add("fresh", 1, named("fresh 1"))
	later(45 * time.Second)
	g.add("other", 6, named("other 6")) // sweeps; fresh is 45 s quiet and stays
	later(15 * time.Second)
	g.add("fresh", 5, named("fresh 5")) // no sweep due (15 s since the last)
	expect("fresh 1", "other 6", "fresh 5")
}
