package relay

import (
	"sync"
	"sync/atomic"
	"time"
)

// conn is one /api/realtime connection as the relay sees it: the events waiting for it.
type conn struct {
	client *client
	wake   chan struct{}
	// ip and session (the hex SHA-256 of the hearth_session cookie, "" without one) are what the
	// connection counts against in the relay's caps, and what DisconnectSession looks for
	ip, session string

	// wmu is the socket, held by whoever writes to it (see Locking in doc.go); fd is the
	// descriptor of a socket the relay took over, -1 otherwise
	wmu       sync.Mutex
	fd        atomic.Int64
	lastWrite atomic.Int64 // unix ns

	// joinRound and joinMask are the fan-out goroutine's alone (see Relay.joinBatch): the batch
	// the connection was last seen in, and which of its deliveries it is a recipient of
	joinRound uint64
	joinMask  uint8

	mu    sync.Mutex
	queue []*frame
	spare []*frame
	// bytes counts what waits for the socket: the queue, plus the batch the loop is writing
	// (taken off the queue but not yet sent), so a connection stuck in a write cannot take a
	// second queue's worth on top of it
	bytes    int
	closed   bool
	deadline interface{ SetWriteDeadline(time.Time) error } // nil once the connection is done
}

// newConn is the relay's side of a new connection of client, not yet taken over.
func newConn(client *client, ip, session string) *conn {
	c := &conn{client: client, wake: make(chan struct{}, 1), ip: ip, session: session}
	c.fd.Store(-1)
	c.lastWrite.Store(time.Now().UnixNano())
	return c
}

// setDeadline gives abort the socket's (or the response's) write deadline, unless the connection
// was already aborted.
func (c *conn) setDeadline(d interface{ SetWriteDeadline(time.Time) error }) {
	c.mu.Lock()
	if !c.closed {
		c.deadline = d
	}
	c.mu.Unlock()
}

// enqueue adds a frame without blocking; false means the queue is full: limit events, or limit
// bytes (a single frame larger than that is taken only when nothing else waits).
func (c *conn) enqueue(f *frame, limit, limitBytes int) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return true
	}
	if !c.fitsLocked(len(f.chunk), limit, limitBytes) {
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, f)
	c.bytes += len(f.chunk)
	c.mu.Unlock()
	c.signal()
	return true
}

// fitsLocked is whether a frame of size bytes may join the queue (see enqueue).
func (c *conn) fitsLocked(size, limit, limitBytes int) bool {
	if len(c.queue) >= limit {
		return false
	}
	return c.bytes == 0 || c.bytes+size <= limitBytes
}

// signal wakes the connection's loop, or leaves it the one signal already waiting.
func (c *conn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

type outcome int

const (
	queued outcome = iota
	written
	full
)

// deliver writes a frame at once when the connection has nothing else waiting and its socket
// takes it without blocking (the common case: no goroutine is woken, no poller involved);
// otherwise it queues the frame, or the rest of it, for the connection's loop. Either way what
// waits stays within the limits.
func (c *conn) deliver(f *frame, limit, limitBytes int, now int64) outcome {
	if c.fd.Load() >= 0 && c.wmu.TryLock() {
		c.mu.Lock()
		idle := !c.closed && len(c.queue) == 0 && c.bytes == 0
		c.mu.Unlock()
		if fd := c.fd.Load(); idle && fd >= 0 {
			n := writeNonBlocking(int(fd), f.chunk)
			c.lastWrite.Store(now)
			if n == len(f.chunk) {
				c.wmu.Unlock()
				return written
			}
			// the socket is full, or failing: the loop writes the rest (and finds any error).
			// note: queued before wmu is released, so that no other write (a keep-alive) lands
			// inside this chunk
			ok := c.enqueue(&frame{chunk: f.chunk[n:], events: f.events}, limit, limitBytes)
			c.wmu.Unlock()
			if !ok {
				return full
			}
			return queued
		}
		c.wmu.Unlock()
	}
	if !c.enqueue(f, limit, limitBytes) {
		return full
	}
	return queued
}

// take hands the connection everything queued; ok is false once the connection was aborted.
func (c *conn) take() (batch []*frame, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, false
	}
	batch = c.queue
	c.queue, c.spare = c.spare, nil
	return batch, true
}

// recycle keeps a small written batch's array for the next one, so a quiet connection that gets
// one event at a time allocates nothing per event.
func (c *conn) recycle(batch []*frame) {
	clear(batch)
	if cap(batch) > 16 {
		return
	}
	c.mu.Lock()
	if c.spare == nil {
		c.spare = batch[:0]
	}
	c.mu.Unlock()
}

// writePart is about how much the loop writes at once from a backlog (see loop).
const writePart = 64 << 10

// partOf is the first frames of batch up to writePart bytes, at least one.
func partOf(batch []*frame) []*frame {
	n, size := 1, len(batch[0].chunk)
	for n < len(batch) && size+len(batch[n].chunk) <= writePart {
		size += len(batch[n].chunk)
		n++
	}
	return batch[:n]
}

// sent releases the bytes of a batch the loop has written.
func (c *conn) sent(batch []*frame) {
	n := 0
	for _, f := range batch {
		n += len(f.chunk)
	}
	c.mu.Lock()
	if !c.closed {
		c.bytes -= n
	}
	c.mu.Unlock()
}

// waiting is what waits for the socket: events queued, and bytes queued or being written.
func (c *conn) waiting() (events, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue), c.bytes
}

// abort stops the connection: its loop returns, and a write it is stuck in fails now rather than
// at its deadline.
func (c *conn) abort() (wasOpen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wasOpen = !c.closed
	c.closed = true
	c.queue, c.spare, c.bytes = nil, nil, 0
	if c.deadline != nil {
		_ = c.deadline.SetWriteDeadline(time.Now())
	}
	c.signal()
	return wasOpen
}

// finish marks the connection done for good, once its loop has returned.
func (c *conn) finish() {
	c.mu.Lock()
	c.closed, c.deadline, c.queue, c.spare, c.bytes = true, nil, nil, nil, 0
	c.mu.Unlock()
}
