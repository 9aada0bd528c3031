// Package relay delivers Hearth's realtime events to PocketBase's SSE clients.
//
// Why Go: PocketBase's Client.Send hands a message over an unbuffered channel, so it blocks the
// caller until that client's connection loop takes it, and the loop itself blocks in Write for as
// long as the client does not read (PocketBase clears the write deadline on SSE connections).
// From the JS hooks there is no way around that: one browser that stops reading would stall the
// request that posted a message and every delivery after it.
//
// The relay serves each /api/realtime connection itself, in place of PocketBase's final connect
// handler (same endpoint, broker, PB_CONNECT and subscriptions; see serve.go). After PB_CONNECT it
// takes an HTTP/1.1 connection over from net/http and returns, so an idle connection holds only
// its socket, its client and two small goroutines instead of net/http's buffers and the request
// (RSS per idle subscriber, BENCHMARKS.md). Every connection has a bounded queue that Publish
// appends to without ever blocking; the connection's goroutine writes whatever is queued at once,
// each event encoded once for everyone. A client whose queue overflows is dropped (its browser
// reconnects and catches up from the room's history), every write has a deadline, each room's
// events go out in position order, and quiet connections get a keep-alive.
package relay

import (
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Config tunes the relay; zero values take the defaults.
type Config struct {
	// QueueSize is how many events may wait for one client before it is dropped (default 256).
	QueueSize int
	// QueueBytes is how many bytes of events may wait for one client, queued or being written,
	// before it is dropped (default 1 MiB); one event larger than that is taken when nothing waits.
	QueueBytes int
	// SendBuffer is the kernel send buffer (SO_SNDBUF) of every connection the relay takes over
	// (default 64 KiB; Linux doubles it for its bookkeeping; negative leaves the kernel's own,
	// which grows to megabytes for a client that does not read).
	SendBuffer int
	// WriteTimeout bounds one SSE write; a client that cannot take it is disconnected (default 10s).
	WriteTimeout time.Duration
	// ReorderWait is how long an event waits for an earlier event of its room (default 300ms).
	ReorderWait time.Duration
	// MaxPerIP is how many open connections one client IP may hold; more are refused with 429
	// (default 50; negative: no cap).
	MaxPerIP int
	// MaxPerSession is how many open connections one session cookie may hold (default 12;
	// negative: no cap). Connections without the cookie count against their IP only.
	MaxPerSession int
	// KeepAlive is how long a connection may stay quiet before it gets a no-op event (default
	// 60s), well under the idle cuts of proxies and of PocketBase's own loop.
	KeepAlive time.Duration
}

// ConfigFromEnv reads HEARTH_RELAY_QUEUE (events), HEARTH_RELAY_QUEUE_KB,
// HEARTH_RELAY_SNDBUF_KB, HEARTH_RELAY_WRITE_TIMEOUT_MS, HEARTH_RELAY_KEEPALIVE_MS,
// HEARTH_LIMIT_CONNECTIONS_PER_IP and HEARTH_LIMIT_CONNECTIONS_PER_SESSION, for operators and
// tests; unset means the defaults.
func ConfigFromEnv() Config {
	num := func(name string) int {
		n, _ := strconv.Atoi(os.Getenv(name))
		return n
	}
	kib := func(name string) int {
		n := num(name)
		if n > 0 {
			return n << 10
		}
		return n
	}
	return Config{
		QueueSize:     num("HEARTH_RELAY_QUEUE"),
		QueueBytes:    kib("HEARTH_RELAY_QUEUE_KB"),
		SendBuffer:    kib("HEARTH_RELAY_SNDBUF_KB"),
		MaxPerIP:      num("HEARTH_LIMIT_CONNECTIONS_PER_IP"),
		MaxPerSession: num("HEARTH_LIMIT_CONNECTIONS_PER_SESSION"),
		WriteTimeout:  time.Duration(num("HEARTH_RELAY_WRITE_TIMEOUT_MS")) * time.Millisecond,
		KeepAlive:     time.Duration(num("HEARTH_RELAY_KEEPALIVE_MS")) * time.Millisecond,
	}
}

// PingEvent is the SSE event name of the keep-alive; browsers ignore events they do not listen to.
const PingEvent = "hearth:ping"

// Relay is the realtime delivery service bound to one PocketBase app.
type Relay struct {
	app core.App
	cfg Config

	// mu serialises deliveries, so that a room's events enter every queue in the same order.
	mu    sync.Mutex
	rooms map[string]*roomOrder

	connsMu sync.RWMutex
	conns   map[string]*conn

	// topics indexes the connections by subscription (kept by client.index)
	topicsMu sync.RWMutex
	topics   map[string]map[*conn]struct{}

	// deliveries waiting for the fan-out goroutine, in order
	outMu sync.Mutex
	out   []delivery
	kick  chan struct{}

	// open connections by client IP and by session hash, for the caps
	capsMu     sync.Mutex
	perIP      map[string]int
	perSession map[string]int

	dropped      atomic.Int64
	delivered    atomic.Int64
	disconnected atomic.Int64 // by DisconnectSession
}

type delivery struct {
	frame      *frame
	recipients []*conn
}

type roomOrder struct {
	next    int64
	pending map[int64]delivery
	timer   *time.Timer
}

// New creates the relay and binds it to the app's realtime hooks.
func New(app core.App, cfg Config) *Relay {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.QueueBytes <= 0 {
		cfg.QueueBytes = 1 << 20
	}
	if cfg.SendBuffer == 0 {
		cfg.SendBuffer = 64 << 10
	}
	if cfg.MaxPerIP == 0 {
		cfg.MaxPerIP = 50
	}
	if cfg.MaxPerSession == 0 {
		cfg.MaxPerSession = 12
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.ReorderWait <= 0 {
		cfg.ReorderWait = 300 * time.Millisecond
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 60 * time.Second
	}
	r := &Relay{app: app, cfg: cfg, rooms: map[string]*roomOrder{}, conns: map[string]*conn{}, topics: map[string]map[*conn]struct{}{}, kick: make(chan struct{}, 1), perIP: map[string]int{}, perSession: map[string]int{}}
	go r.fanOut()
	r.bind()
	return r
}

// Publish sends data as an SSE event named topic to every client subscribed to topic whose auth
// record is a user allowed to see it: anyUser admits every signed-in user, otherwise only the ids
// in users. A non-nil filter can only narrow that. Events with a room and a position (seq > 0)
// reach each client in position order. It never blocks on a client and returns the number of
// recipients.
func (r *Relay) Publish(topic string, data string, room string, seq int64, users []string, anyUser bool, filter func(subscriptions.Client) bool) int {
	allowed := make(map[string]struct{}, len(users))
	for _, id := range users {
		allowed[id] = struct{}{}
	}
	r.topicsMu.RLock()
	subscribers := make([]*conn, 0, len(r.topics[topic]))
	for c := range r.topics[topic] {
		subscribers = append(subscribers, c)
	}
	r.topicsMu.RUnlock()
	recipients := subscribers[:0]
	for _, c := range subscribers {
		auth, _ := c.client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || auth.Collection().Name != "users" {
			continue
		}
		if _, ok := allowed[auth.Id]; !anyUser && !ok {
			continue
		}
		if filter != nil && !filter(c.client) {
			continue
		}
		recipients = append(recipients, c)
	}
	// note: no "id:" line (PocketBase writes the client id there), so that one frame serves
	// every recipient; browsers keep the id PB_CONNECT gave them.
	sse := make([]byte, 0, len(topic)+len(data)+15)
	sse = append(sse, "event:"...)
	sse = append(sse, topic...)
	sse = append(sse, "\ndata:"...)
	sse = append(sse, data...)
	sse = append(sse, "\n\n"...)
	d := delivery{frame: newFrame(sse), recipients: recipients}
	if room == "" || seq <= 0 {
		r.mu.Lock()
		r.deliverLocked(d)
		r.mu.Unlock()
		return len(recipients)
	}
	r.order(room, seq, d)
	return len(recipients)
}

// reindex moves a connection's entries in the topic index from its old subscriptions to its new.
func (r *Relay) reindex(c *conn, old, now []string) {
	r.topicsMu.Lock()
	defer r.topicsMu.Unlock()
	for _, k := range old {
		if set := r.topics[k]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(r.topics, k)
			}
		}
	}
	for _, k := range now {
		set := r.topics[k]
		if set == nil {
			set = map[*conn]struct{}{}
			r.topics[k] = set
		}
		set[c] = struct{}{}
	}
}

// order delivers a room's events by position; a missing position is waited for ReorderWait at most.
func (r *Relay) order(room string, seq int64, d delivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.rooms[room]
	if o == nil {
		o = &roomOrder{next: seq, pending: map[int64]delivery{}}
		r.rooms[room] = o
	}
	if seq < o.next {
		// late (after its wait ran out) or a repeat: deliver now, the browser discards repeats
		r.deliverLocked(d)
		return
	}
	o.pending[seq] = d
	r.flushLocked(o)
	if len(o.pending) > 0 && o.timer == nil {
		o.timer = time.AfterFunc(r.cfg.ReorderWait, func() {
			r.mu.Lock()
			defer r.mu.Unlock()
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
			r.flushLocked(o)
		})
	}
}

func (r *Relay) flushLocked(o *roomOrder) {
	for {
		d, ok := o.pending[o.next]
		if !ok {
			return
		}
		delete(o.pending, o.next)
		o.next++
		r.deliverLocked(d)
	}
}

// deliverLocked hands a delivery to the fan-out goroutine; called in order, under r.mu.
func (r *Relay) deliverLocked(d delivery) {
	r.outMu.Lock()
	r.out = append(r.out, d)
	r.outMu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// fanOut delivers one event after another, each spread over as many goroutines as there are
// cores. Publish never waits for it, so a post's request (and its transaction) does not wait for
// ten thousand writes.
func (r *Relay) fanOut() {
	for range r.kick {
		for {
			r.outMu.Lock()
			batch := r.out
			r.out = nil
			r.outMu.Unlock()
			if len(batch) == 0 {
				break
			}
			if len(batch) == 1 {
				r.deliver(batch[0])
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

// drop disconnects a client that fell too far behind; its browser reconnects and catches up.
func (r *Relay) drop(c *conn) {
	r.dropped.Add(1)
	r.app.SubscriptionsBroker().Unregister(c.client.Id())
	c.abort()
}

// Stats reports the relay's counters, for tests, benchmarks and operators.
func (r *Relay) Stats() map[string]int64 {
	r.connsMu.RLock()
	defer r.connsMu.RUnlock()
	var waiting, waitingBytes int64
	for _, c := range r.conns {
		events, bytes := c.waiting()
		waiting += int64(events)
		waitingBytes += int64(bytes)
	}
	r.topicsMu.RLock()
	topics := int64(len(r.topics))
	r.topicsMu.RUnlock()
	return map[string]int64{
		"topics":       topics,
		"clients":      int64(r.app.SubscriptionsBroker().TotalClients()),
		"queues":       int64(len(r.conns)),
		"waiting":      waiting,
		"waitingBytes": waitingBytes,
		"dropped":      r.dropped.Load(),
		"delivered":    r.delivered.Load(),
		"disconnected": r.disconnected.Load(),
	}
}
