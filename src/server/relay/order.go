package relay

import (
	"sort"
	"sync"
	"time"
)

// ordering hands each room's events to the fan-out in position order: an event that arrives
// before an earlier position of its room waits for it, ReorderWait at most.
//
// A room with nothing waiting and no event for RoomIdle is forgotten, so a server with many rooms
// does not keep every room it ever saw: its next event starts its order again, as the first event
// after a restart does (a browser that then sees a gap catches up from the room's history).
// Forgotten rooms are swept on a later event of any room, at most once per RoomIdle.
type ordering struct {
	wait    time.Duration
	idle    time.Duration
	deliver func(delivery)   // called under mu, in order
	now     func() time.Time // time.Now, but for tests

	mu    sync.Mutex
	rooms map[string]*roomOrder
	swept time.Time
}

// roomOrder is one room's ordering state: the next position to deliver, and the events waiting
// for an earlier one.
type roomOrder struct {
	next    int64
	pending map[int64]delivery
	timer   *time.Timer // runs out the wait; nil when nothing waits for it
	last    time.Time   // when the room's latest event arrived
}

func newOrdering(wait, idle time.Duration, deliver func(delivery)) *ordering {
	return &ordering{wait: wait, idle: idle, deliver: deliver, now: time.Now, rooms: map[string]*roomOrder{}}
}

// add delivers the event at position seq of room once every earlier position was delivered or
// waited for long enough. A room's first event since the relay started, or since the room was
// forgotten, sets where it begins.
func (g *ordering) add(room string, seq int64, d delivery) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.sweepLocked(now)
	o := g.rooms[room]
	if o == nil || o.idle(now, g.idle) {
		o = &roomOrder{next: seq, pending: map[int64]delivery{}}
		g.rooms[room] = o
	}
	o.last = now
	if seq < o.next {
		// late (after its wait ran out) or a repeat: deliver now, the browser discards repeats
		g.deliver(d)
		return
	}
	o.pending[seq] = d
	g.flushLocked(o)
	g.waitLocked(o)
}

// waitLocked starts the wait for the room's next missing position when events wait behind it and
// no wait runs. When the wait runs out, the room skips to its earliest waiting position; if
// another gap stops it there, that gap gets a wait of its own.
func (g *ordering) waitLocked(o *roomOrder) {
	if len(o.pending) == 0 || o.timer != nil {
		return
	}
	o.timer = time.AfterFunc(g.wait, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		o.timer = nil
		// give up on the missing positions: skip to the earliest one waiting
		keys := make([]int64, 0, len(o.pending))
		for k := range o.pending {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		if len(keys) > 0 {
			o.next = keys[0]
		}
		g.flushLocked(o)
		g.waitLocked(o)
	})
}

// flushLocked delivers the room's waiting events from its next position on, as far as they go
// without a gap.
func (g *ordering) flushLocked(o *roomOrder) {
	for {
		d, ok := o.pending[o.next]
		if !ok {
			return
		}
		delete(o.pending, o.next)
		o.next++
		g.deliver(d)
	}
}

// idle is true when nothing of the room waits and its latest event is at least idleFor old.
func (o *roomOrder) idle(now time.Time, idleFor time.Duration) bool {
	return len(o.pending) == 0 && o.timer == nil && now.Sub(o.last) >= idleFor
}

// sweepLocked forgets the idle rooms, once per idle period at most.
func (g *ordering) sweepLocked(now time.Time) {
	if now.Sub(g.swept) < g.idle {
		return
	}
	g.swept = now
	for room, o := range g.rooms {
		if o.idle(now, g.idle) {
			delete(g.rooms, room)
		}
	}
}

// count is how many rooms have ordering state.
func (g *ordering) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.rooms)
}
