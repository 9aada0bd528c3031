package relay

import (
	"log/slog"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// loop writes the connection's events until the browser goes away, it is dropped, or maxAge ends
// it (as PocketBase does, so that long-lived connections are renewed).
func (r *Relay) loop(app core.App, c *conn, out sink, gone <-chan struct{}, maxAge time.Duration) {
	var deadline time.Time
	maxTimer := time.NewTimer(maxAge)
	defer maxTimer.Stop()
	// note: one timer per connection, moved only when it fires, so keep-alives spread out by
	// connection instead of arriving in one sweep, and a busy connection never resets a timer.
	keepAlive := time.NewTimer(r.cfg.KeepAlive)
	defer keepAlive.Stop()
	pbMessages := c.client.Channel()

	// write sends frames; the caller holds c.wmu
	write := func(frames []*frame) error {
		now := time.Now()
		// note: moving a deadline costs a runtime timer update; renew it only when less than half
		// of WriteTimeout is left, so every write still gets at least half.
		if deadline.Sub(now) < r.cfg.WriteTimeout/2 {
			deadline = now.Add(r.cfg.WriteTimeout)
			_ = out.SetWriteDeadline(deadline)
		}
		c.lastWrite.Store(now.UnixNano())
		return out.write(frames)
	}

	for {
		select {
		case <-gone:
			return
		case <-maxTimer.C:
			return
		case <-c.client.done:
			// discarded: dropped, disconnected, or unregistered by PocketBase
			return
		case msg := <-pbMessages:
			// PocketBase's own events (record realtime for API clients)
			c.wmu.Lock()
			err := out.sendViaHooks(msg)
			c.wmu.Unlock()
			if err != nil {
				return
			}
			deadline = time.Time{} // the send hook moved it
			c.lastWrite.Store(time.Now().UnixNano())
		case <-c.wake:
			// note: wmu is taken before the queue, so a direct write cannot slip in between
			c.wmu.Lock()
			batch, ok := c.take()
			var err error
			// note: written in parts of about writePart bytes (one write each, however many
			// events), each released from the connection's byte count once written, so a long
			// backlog does not hold the whole queue's worth until its last byte is out
			for rest := batch; ok && len(rest) > 0 && err == nil; {
				part := partOf(rest)
				err = write(part)
				c.sent(part)
				rest = rest[len(part):]
			}
			c.wmu.Unlock()
			if !ok {
				return
			}
			if len(batch) == 0 {
				continue
			}
			if err != nil {
				app.Logger().Debug("Realtime connection closed (failed to deliver message)", slog.String("clientId", c.client.Id()), slog.String("error", err.Error()))
				return
			}
			r.delivered.Add(int64(eventsIn(batch)))
			c.recycle(batch)
		case <-keepAlive.C:
			if quiet := time.Since(time.Unix(0, c.lastWrite.Load())); quiet < r.cfg.KeepAlive {
				keepAlive.Reset(r.cfg.KeepAlive - quiet)
				continue
			}
			c.wmu.Lock()
			err := write([]*frame{pingFrame})
			c.wmu.Unlock()
			if err != nil {
				return
			}
			keepAlive.Reset(r.cfg.KeepAlive)
		}
	}
}

// eventsIn counts the events in frames (a joined frame holds several).
func eventsIn(frames []*frame) int {
	n := 0
	for _, f := range frames {
		n += f.events
	}
	return n
}
