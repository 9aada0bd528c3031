// Package relay delivers Hearth's realtime events to PocketBase's SSE clients.
//
// Why Go: PocketBase's Client.Send hands a message over an unbuffered channel, so it blocks the
// caller until that client's connection loop takes it, and the loop itself blocks in Write for as
// long as the client does not read (PocketBase clears the write deadline on SSE connections).
// From the JS hooks there is no way around that: one browser that stops reading would stall the
// request that posted a message and every delivery after it. The relay gives each client a
// bounded queue drained by its own short-lived goroutine, drops a client whose queue overflows
// (its browser reconnects and catches up from the room's history), bounds every SSE write with a
// deadline, orders each room's events by their position, and keeps idle connections alive.
package relay

import (
	"net/http"
	"os"
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
	// WriteTimeout bounds one SSE write; a client that cannot take it is disconnected (default 10s).
	WriteTimeout time.Duration
	// ReorderWait is how long an event waits for an earlier event of its room (default 300ms).
	ReorderWait time.Duration
	// KeepAlive is how often every connection gets a no-op event (default 60s), well under
	// PocketBase's 5 minute idle cut.
	KeepAlive time.Duration
}

// ConfigFromEnv reads HEARTH_RELAY_QUEUE (events), HEARTH_RELAY_WRITE_TIMEOUT_MS and
// HEARTH_RELAY_KEEPALIVE_MS, for operators and tests; unset means the defaults.
func ConfigFromEnv() Config {
	num := func(name string) int {
		n, _ := strconv.Atoi(os.Getenv(name))
		return n
	}
	return Config{
		QueueSize:    num("HEARTH_RELAY_QUEUE"),
		WriteTimeout: time.Duration(num("HEARTH_RELAY_WRITE_TIMEOUT_MS")) * time.Millisecond,
		KeepAlive:    time.Duration(num("HEARTH_RELAY_KEEPALIVE_MS")) * time.Millisecond,
	}
}

// PingEvent is the SSE event name of the keep-alive; browsers ignore events they do not listen to.
const PingEvent = "hearth:ping"

// Relay is the realtime delivery service bound to one PocketBase app.
type Relay struct {
	app core.App
	cfg Config

	mu     sync.Mutex
	queues map[string]*queue
	rooms  map[string]*roomOrder

	dropped   atomic.Int64
	delivered atomic.Int64
}

type queue struct {
	client  subscriptions.Client
	mu      sync.Mutex
	items   []subscriptions.Message
	running bool
}

type delivery struct {
	msg        subscriptions.Message
	recipients []subscriptions.Client
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
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.ReorderWait <= 0 {
		cfg.ReorderWait = 300 * time.Millisecond
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 60 * time.Second
	}
	r := &Relay{app: app, cfg: cfg, queues: map[string]*queue{}, rooms: map[string]*roomOrder{}}

	app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		// note: PocketBase disables the write deadline for SSE; without one a client that stops
		// reading holds its connection goroutine in Write forever.
		_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Now().Add(r.cfg.WriteTimeout))
		return e.Next()
	})
	app.OnRealtimeConnectRequest().BindFunc(func(e *core.RealtimeConnectRequestEvent) error {
		err := e.Next()
		r.forget(e.Client.Id())
		return err
	})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		go r.keepAlive()
		return e.Next()
	})
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
	var recipients []subscriptions.Client
	for _, client := range r.app.SubscriptionsBroker().Clients() {
		if !client.HasSubscription(topic) {
			continue
		}
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || auth.Collection().Name != "users" {
			continue
		}
		if _, ok := allowed[auth.Id]; !anyUser && !ok {
			continue
		}
		if filter != nil && !filter(client) {
			continue
		}
		recipients = append(recipients, client)
	}
	d := delivery{msg: subscriptions.Message{Name: topic, Data: []byte(data)}, recipients: recipients}
	if room == "" || seq <= 0 {
		r.deliver(d)
		return len(recipients)
	}
	r.order(room, seq, d)
	return len(recipients)
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

func (r *Relay) deliver(d delivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deliverLocked(d)
}

func (r *Relay) deliverLocked(d delivery) {
	for _, client := range d.recipients {
		r.enqueueLocked(client, d.msg)
	}
}

func (r *Relay) enqueueLocked(client subscriptions.Client, msg subscriptions.Message) {
	if client.IsDiscarded() {
		delete(r.queues, client.Id())
		return
	}
	q := r.queues[client.Id()]
	if q == nil {
		q = &queue{client: client}
		r.queues[client.Id()] = q
	}
	q.mu.Lock()
	if len(q.items) >= r.cfg.QueueSize {
		q.items = nil
		q.mu.Unlock()
		r.dropLocked(client)
		return
	}
	q.items = append(q.items, msg)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go r.drain(q)
	}
}

// drain hands a client's queued events to its connection loop, one at a time, then exits.
func (r *Relay) drain(q *queue) {
	for {
		q.mu.Lock()
		if len(q.items) == 0 || q.client.IsDiscarded() {
			q.items = nil
			q.running = false
			q.mu.Unlock()
			return
		}
		msg := q.items[0]
		q.items[0] = subscriptions.Message{}
		q.items = q.items[1:]
		q.mu.Unlock()
		q.client.Send(msg)
		r.delivered.Add(1)
	}
}

// dropLocked disconnects a client that fell too far behind; its browser reconnects and catches up.
func (r *Relay) dropLocked(client subscriptions.Client) {
	r.dropped.Add(1)
	delete(r.queues, client.Id())
	r.app.SubscriptionsBroker().Unregister(client.Id())
}

func (r *Relay) forget(clientId string) {
	r.mu.Lock()
	delete(r.queues, clientId)
	r.mu.Unlock()
}

func (r *Relay) keepAlive() {
	ticker := time.NewTicker(r.cfg.KeepAlive)
	defer ticker.Stop()
	for range ticker.C {
		r.Ping()
	}
}

// Ping sends the keep-alive event to every connected client that has nothing else waiting.
func (r *Relay) Ping() {
	ping := subscriptions.Message{Name: PingEvent, Data: []byte("{}")}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, client := range r.app.SubscriptionsBroker().Clients() {
		if q := r.queues[client.Id()]; q != nil {
			q.mu.Lock()
			busy := len(q.items) > 0
			q.mu.Unlock()
			if busy {
				continue
			}
		}
		r.enqueueLocked(client, ping)
	}
}

// Stats reports the relay's counters, for tests, benchmarks and operators.
func (r *Relay) Stats() map[string]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var waiting int64
	for _, q := range r.queues {
		q.mu.Lock()
		waiting += int64(len(q.items))
		q.mu.Unlock()
	}
	return map[string]int64{
		"clients":   int64(r.app.SubscriptionsBroker().TotalClients()),
		"queues":    int64(len(r.queues)),
		"waiting":   waiting,
		"dropped":   r.dropped.Load(),
		"delivered": r.delivered.Load(),
	}
}
