package relay

import (
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// Relay is the realtime delivery service bound to one PocketBase app.
type Relay struct {
	app core.App
	cfg Config

	conns    registry   // open connections by client id
	topics   topicIndex // open connections by subscription
	caps     caps       // open connections per IP and per session
	rooms    *ordering  // each room's events in position order
	out      fanout     // deliveries waiting for the fan-out goroutine
	presence presence   // who has each room open

	published    atomic.Int64
	refused      atomic.Int64 // connections over a cap (caps.go)
	dropped      atomic.Int64 // by the fan-out, for a full queue
	delivered    atomic.Int64
	disconnected atomic.Int64 // by DisconnectSession
	presenceSent atomic.Int64 // "Here now" lists published

	delivering atomic.Bool // the fan-out goroutine is writing a batch (see Delivering)
}

// New creates the relay and binds it to the app's realtime hooks.
func New(app core.App, cfg Config) *Relay {
	cfg = cfg.withDefaults()
	r := &Relay{
		app:      app,
		cfg:      cfg,
		conns:    newRegistry(),
		topics:   newTopicIndex(),
		caps:     newCaps(cfg.MaxPerIP, cfg.MaxPerSession),
		out:      newFanout(),
		presence: newPresence(),
	}
	r.rooms = newOrdering(cfg.ReorderWait, cfg.RoomIdle, r.out.push)
	go r.fanOut()
	r.bind()
	return r
}

// drop disconnects a client that fell too far behind; its browser reconnects and catches up.
func (r *Relay) drop(c *conn) {
	r.dropped.Add(1)
	r.release(c)
	c.abort()
}

// Stats reports the relay's counters, for tests, benchmarks and operators.
func (r *Relay) Stats() map[string]int64 {
	queues, waiting, waitingBytes := r.conns.waiting()
	return map[string]int64{
		"topics":       int64(r.topics.count()),
		"rooms":        int64(r.rooms.count()),
		"clients":      int64(r.conns.count()),
		"queues":       int64(queues),
		"waiting":      int64(waiting),
		"waitingBytes": int64(waitingBytes),
		"published":    r.published.Load(),
		"refused":      r.refused.Load(),
		"dropped":      r.dropped.Load(),
		"delivered":    r.delivered.Load(),
		"disconnected": r.disconnected.Load(),
		"presence":     r.presenceSent.Load(),
	}
}
