package relay

import (
	"log/slog"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// conn is one /api/realtime connection as the relay sees it: the events waiting for it.
type conn struct {
	client subscriptions.Client
	rc     *http.ResponseController
	wake   chan struct{}

	mu      sync.Mutex
	queue   [][]byte
	spare   [][]byte
	closed  bool
	serving bool
}

// enqueue adds a frame without blocking; false means the queue is full.
func (c *conn) enqueue(frame []byte, limit int) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return true
	}
	if len(c.queue) >= limit {
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, frame)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// take hands the connection everything queued; ok is false once the connection was aborted.
func (c *conn) take() (batch [][]byte, ok bool) {
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
func (c *conn) recycle(batch [][]byte) {
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

func (c *conn) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// abort stops the connection: its goroutine returns, and a write it is stuck in fails now
// rather than at its deadline.
func (c *conn) abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.queue, c.spare = nil, nil
	if c.serving {
		_ = c.rc.SetWriteDeadline(time.Now())
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (r *Relay) bind() {
	r.app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		// note: PocketBase disables the write deadline for SSE; without one a client that stops
		// reading holds its connection goroutine in Write forever.
		_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Now().Add(r.cfg.WriteTimeout))
		return e.Next()
	})
	// Last in the chain, so that other connect hooks still run first; it takes the place of
	// PocketBase's final handler (apis/realtime.go), doing the same steps with the relay's queue.
	r.app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id:       "hearthRelayServe",
		Func:     r.serve,
		Priority: math.MaxInt32,
	})
}

// serve runs one SSE connection until the browser goes away, it is dropped, or MaxTimeout ends it
// (as PocketBase does, so that long-lived connections are renewed).
func (r *Relay) serve(e *core.RealtimeConnectRequestEvent) error {
	broker := e.App.SubscriptionsBroker()
	if dc, ok := e.Client.(*subscriptions.DefaultClient); ok {
		e.Client = newClient(dc)
	}
	id := e.Client.Id()
	c := &conn{client: e.Client, rc: http.NewResponseController(e.Response), wake: make(chan struct{}, 1), serving: true}

	broker.Register(e.Client)
	r.connsMu.Lock()
	r.conns[id] = c
	r.connsMu.Unlock()
	defer func() {
		r.connsMu.Lock()
		delete(r.conns, id)
		r.connsMu.Unlock()
		c.mu.Lock()
		c.closed, c.serving, c.queue, c.spare = true, false, nil, nil
		c.mu.Unlock()
		broker.Unregister(id)
	}()

	if err := r.sendViaHooks(e, subscriptions.Message{
		Name: "PB_CONNECT",
		Data: []byte(`{"clientId":"` + id + `"}`),
	}); err != nil {
		e.App.Logger().Debug("Realtime connection closed (failed to deliver PB_CONNECT)", slog.String("clientId", id), slog.String("error", err.Error()))
		return nil
	}

	var deadline time.Time
	lastWrite := time.Now()
	maxTimer := time.NewTimer(e.MaxTimeout)
	defer maxTimer.Stop()
	// note: one timer per connection, moved only when it fires, so keep-alives spread out by
	// connection instead of arriving in one sweep, and a busy connection never resets a timer.
	keepAlive := time.NewTimer(r.cfg.KeepAlive)
	defer keepAlive.Stop()
	pbMessages := e.Client.Channel()
	done := e.Request.Context().Done()

	write := func(frames [][]byte) error {
		now := time.Now()
		// note: moving a deadline costs a runtime timer update; renew it only when less than half
		// of WriteTimeout is left, so every write still gets at least half.
		if deadline.Sub(now) < r.cfg.WriteTimeout/2 {
			deadline = now.Add(r.cfg.WriteTimeout)
			_ = c.rc.SetWriteDeadline(deadline)
		}
		for _, f := range frames {
			if _, err := e.Response.Write(f); err != nil {
				return err
			}
		}
		lastWrite = now
		return c.rc.Flush()
	}

	for {
		select {
		case <-done:
			return nil
		case <-maxTimer.C:
			return nil
		case msg, ok := <-pbMessages:
			// PocketBase's own events (record realtime for API clients), sent the way it sends them
			if !ok {
				return nil
			}
			if err := r.sendViaHooks(e, msg); err != nil {
				return nil
			}
			deadline = time.Time{} // the send hook moved it
			lastWrite = time.Now()
		case <-c.wake:
			batch, ok := c.take()
			if !ok {
				return nil
			}
			if len(batch) == 0 {
				continue
			}
			if err := write(batch); err != nil {
				e.App.Logger().Debug("Realtime connection closed (failed to deliver message)", slog.String("clientId", id), slog.String("error", err.Error()))
				return nil
			}
			r.delivered.Add(int64(len(batch)))
			c.recycle(batch)
		case <-keepAlive.C:
			if quiet := time.Since(lastWrite); quiet < r.cfg.KeepAlive {
				keepAlive.Reset(r.cfg.KeepAlive - quiet)
				continue
			}
			if err := write([][]byte{pingFrame}); err != nil {
				return nil
			}
			keepAlive.Reset(r.cfg.KeepAlive)
		}
	}
}

var pingFrame = []byte("event:" + PingEvent + "\ndata:{}\n\n")

// sendViaHooks writes one message the way PocketBase does, through OnRealtimeMessageSend.
func (r *Relay) sendViaHooks(e *core.RealtimeConnectRequestEvent, msg subscriptions.Message) error {
	me := new(core.RealtimeMessageEvent)
	me.RequestEvent = e.RequestEvent
	me.Client = e.Client
	me.Message = &msg
	return e.App.OnRealtimeMessageSend().Trigger(me, func(me *core.RealtimeMessageEvent) error {
		if err := me.Message.WriteSSE(me.Response, me.Client.Id()); err != nil {
			return err
		}
		return me.Flush()
	})
}
