package relay

import (
	"runtime"
	"sync"
	"time"
)

// delivery is one encoded event and the connections it goes to.
type delivery struct {
	frame      *frame
	recipients []*conn
}

// fanout is the deliveries waiting for the fan-out goroutine, in order.
type fanout struct {
	kick chan struct{} // wakes the fan-out goroutine; holds one signal at most

	mu      sync.Mutex
	waiting []delivery
	taken   uint64   // how many deliveries were ever taken: waiting[0]'s place in the order
	holds   []uint64 // the place where each hold began (see hold)

	round uint64 // the fan-out goroutine's count of joined batches (see conn.joinRound)
}

func newFanout() fanout {
	return fanout{kick: make(chan struct{}, 1)}
}

// push hands a delivery to the fan-out goroutine without waiting for it.
func (q *fanout) push(d delivery) {
	q.mu.Lock()
	q.waiting = append(q.waiting, d)
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// hold keeps what is pushed from here to its release waiting, so that events published together
// (a change's room event and its readers' activity) reach the fan-out as one batch, which it joins
// per connection (see joinBatch); without it the fan-out goroutine, on another core, took the
// first before the second was pushed. What was pushed before the hold began is not kept: holds
// that overlap, as concurrent posts' do, hold back only what came after the oldest of them.
func (q *fanout) hold() (at uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	at = q.taken + uint64(len(q.waiting))
	q.holds = append(q.holds, at)
	return at
}

// release ends the hold that began at and wakes the fan-out goroutine for what waits.
func (q *fanout) release(at uint64) {
	q.mu.Lock()
	for i, h := range q.holds {
		if h == at {
			q.holds = append(q.holds[:i], q.holds[i+1:]...)
			break
		}
	}
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// takeAll is every delivery waiting, oldest first, up to where the oldest hold began.
func (q *fanout) takeAll() []delivery {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.waiting)
	for _, h := range q.holds {
		n = min(n, int(h-q.taken))
	}
	if n == 0 {
		return nil
	}
	batch := q.waiting[:n:n]
	if n == len(q.waiting) {
		q.waiting = nil
	} else {
		q.waiting = append([]delivery(nil), q.waiting[n:]...)
	}
	q.taken += uint64(n)
	return batch
}

// fanOut delivers one event after another, each spread over as many goroutines as there are
// cores. Publish never waits for it, so a post's request (and its transaction) does not wait for
// ten thousand writes.
func (r *Relay) fanOut() {
	for range r.out.kick {
		for {
			batch := withRecipients(r.out.takeAll())
			if len(batch) == 0 {
				r.delivering.Store(false)
				break
			}
			r.delivering.Store(true)
			// note: a post publishes two events at once (the room's and the readers' activity),
			// so two waiting is the common case, not a backlog: write those directly, in order
			if len(batch) <= directBatch {
				for _, d := range r.joinBatch(batch) {
					r.deliver(d)
				}
				continue
			}
			// behind: queue everything, so that each connection's loop sends its share of the
			// backlog in one write, and a connection that cannot keep up overflows and is dropped
			for _, d := range batch {
				for _, c := range d.recipients {
					if !c.enqueue(d.frame, r.cfg.QueueSize, r.cfg.QueueBytes) {
						r.drop(c)
					}
				}
			}
		}
	}
}

// Delivering is whether the fan-out is writing events now: work that allocates little but must
// not wait (for a garbage collection started in what looks like a quiet moment, say).
func (r *Relay) Delivering() bool {
	return r.delivering.Load()
}

// directBatch is the most deliveries waiting at once that the fan-out still writes directly, one
// after another; more than that is a backlog, queued for the connections' loops.
const directBatch = 4

// joinBatch turns a few deliveries waiting at once into one per set of connections that gets the
// same of them, each with those events joined into one frame, so that a connection gets them all
// in one write, in order. A room page follows its room and its reader's own topic, so a post
// reaches most tabs twice (the message, the unread signal): one write each instead of two halves
// the fan-out's system calls, which are most of its cost.
//
// note: only the fan-out goroutine calls it; it marks each connection with the batch's round
// instead of keeping a map of them.
func (r *Relay) joinBatch(batch []delivery) []delivery {
	if len(batch) == 1 {
		return batch
	}
	r.out.round++
	round := r.out.round
	var byMask [1 << directBatch][]*conn
	for i, d := range batch {
		for _, c := range d.recipients {
			if c.joinRound != round {
				c.joinRound, c.joinMask = round, 0
			}
			c.joinMask |= 1 << i
		}
	}
	for _, d := range batch {
		for _, c := range d.recipients {
			if c.joinMask != 0 { // every recipient was marked with this round above
				byMask[c.joinMask] = append(byMask[c.joinMask], c)
				c.joinMask = 0 // listed
			}
		}
	}
	var out []delivery
	for mask, conns := range byMask {
		if len(conns) == 0 {
			continue
		}
		var frames []*frame
		for i, d := range batch {
			if mask&(1<<i) != 0 {
				frames = append(frames, d.frame)
			}
		}
		f := frames[0]
		if len(frames) > 1 {
			f = joined(frames)
		}
		out = append(out, delivery{frame: f, recipients: conns})
	}
	return out
}

// withRecipients drops the deliveries nobody receives, in place.
func withRecipients(batch []delivery) []delivery {
	kept := batch[:0]
	for _, d := range batch {
		if len(d.recipients) > 0 {
			kept = append(kept, d)
		}
	}
	return kept
}

// deliver writes one event to its recipients, split over the cores when they are many.
func (r *Relay) deliver(d delivery) {
	now := time.Now().UnixNano()
	parts := runtime.GOMAXPROCS(0)
	if len(d.recipients) < 64*parts {
		parts = 1
	}
	var wg sync.WaitGroup
	size := (len(d.recipients) + parts - 1) / parts
	for p := 1; p < parts; p++ {
		part := d.recipients[min(p*size, len(d.recipients)):min((p+1)*size, len(d.recipients))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.deliverTo(part, d.frame, now)
		}()
	}
	r.deliverTo(d.recipients[:min(size, len(d.recipients))], d.frame, now)
	wg.Wait()
}

// deliverTo delivers a frame to each of conns in turn, dropping a connection whose queue is full.
func (r *Relay) deliverTo(conns []*conn, f *frame, now int64) {
	for _, c := range conns {
		switch c.deliver(f, r.cfg.QueueSize, r.cfg.QueueBytes, now) {
		case written:
			r.delivered.Add(int64(f.events))
		case full:
			r.drop(c)
		}
	}
}
