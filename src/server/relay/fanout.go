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

// takeAll is every delivery waiting, oldest first.
func (q *fanout) takeAll() []delivery {
	q.mu.Lock()
	defer q.mu.Unlock()
	batch := q.waiting
	q.waiting = nil
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
				break
			}
			// note: a post publishes two events at once (the room's and the readers' activity),
			// so two waiting is the common case, not a backlog: write those directly, in order
			if len(batch) <= directBatch {
				for _, d := range batch {
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

// directBatch is the most deliveries waiting at once that the fan-out still writes directly, one
// after another; more than that is a backlog, queued for the connections' loops.
const directBatch = 4

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
			r.delivered.Add(1)
		case full:
			r.drop(c)
		}
	}
}
