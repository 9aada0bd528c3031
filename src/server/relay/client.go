package relay

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// client is PocketBase's default realtime client with a Subscriptions that answers at once when
// no subscription can match the prefixes asked for.
//
// Why: on every record create and update, PocketBase's record realtime asks every connected
// client for six prefixes of the record's collection, and the default walks the client's
// subscriptions and allocates a map per call. Hearth's tabs follow rooms, not records, so at
// 10,000 connections that walk was 11% of a fan-out's CPU for nothing (BENCHMARKS.md).
//
// It also keeps the relay's index of connections by subscription current, so that Publish looks
// only at a room's subscribers instead of every connection.
type client struct {
	subscriptions.Client

	relay    *Relay
	conn     *conn
	detached bool // the connection ended: its subscriptions leave the index for good

	// messages replaces the embedded client's channel: Send waits until the connection's loop
	// takes the message or the client is discarded (done closes), and messages is never closed.
	//
	// note: PocketBase's DefaultClient closes its channel in Discard while a Send may be sending
	// on it (it recovers the panic): a data race whenever one of PocketBase's record events meets a
	// connection that is ending, which the race detector reported.
	messages    chan subscriptions.Message
	done        chan struct{}
	discardOnce sync.Once

	// brokerMu guards brokered (the client is in PocketBase's broker, see broker.go) and ended
	// (its connection ended, so it must not join the broker any more)
	brokerMu sync.Mutex
	brokered bool
	ended    bool

	mu sync.Mutex
	// followed is the topics Hearth's subscribe route authorized (Follow), present those of them
	// the client is subscribed to and counted in (see presence.go), as presentAs
	followed  map[string]struct{}
	present   []string
	presentAs string
	keys      atomic.Pointer[[]string] // the subscriptions, sorted
	// segment is what every subscription starts with up to its first "/" (interned, so that all
	// Hearth tabs share "rooms/"), or "" when they differ: a prefix unrelated to it needs no search.
	segment atomic.Pointer[string]
	// who is who the client is signed in as (see Set), nil for nobody: Publish reads it for every
	// subscriber of a room, where the client's store (a lock and a map) cost a millisecond per
	// event at 1,000 subscribers, on the path to the first of them
	who atomic.Pointer[identity]
}

// identity is an auth record as Publish needs it.
type identity struct {
	id, collection string
}

func identityOf(v any) *identity {
	if auth, ok := v.(*core.Record); ok && auth != nil {
		return &identity{id: auth.Id, collection: auth.Collection().Name}
	}
	return nil
}

// Set is the embedded client's, keeping who current when PocketBase (or Hearth's subscribe route)
// signs the client in or refreshes its auth record.
func (c *client) Set(key string, value any) {
	c.Client.Set(key, value)
	if key == apis.RealtimeClientAuthKey {
		c.who.Store(identityOf(value))
	}
}

// Unset is the embedded client's, keeping who current.
func (c *client) Unset(key string) {
	c.Client.Unset(key)
	if key == apis.RealtimeClientAuthKey {
		c.who.Store(nil)
	}
}

var segments sync.Map // string -> *string

func intern(s string) *string {
	if v, ok := segments.Load(s); ok {
		return v.(*string)
	}
	v, _ := segments.LoadOrStore(s, &s)
	return v.(*string)
}

func segmentOf(key string) string {
	if i := strings.IndexByte(key, '/'); i >= 0 {
		return key[:i+1]
	}
	return key
}

func newClient(c subscriptions.Client) *client {
	wrapped := &client{Client: c, messages: make(chan subscriptions.Message), done: make(chan struct{})}
	wrapped.who.Store(identityOf(c.Get(apis.RealtimeClientAuthKey)))
	return wrapped
}

// Channel is where the connection's loop takes PocketBase's own messages from.
func (c *client) Channel() chan subscriptions.Message {
	return c.messages
}

// Send hands a message to the connection's loop, or drops it once the client is discarded.
func (c *client) Send(m subscriptions.Message) {
	if c.IsDiscarded() {
		return
	}
	select {
	case c.messages <- m:
	case <-c.done:
	}
}

// Discard marks the client discarded and releases every Send waiting for the loop.
func (c *client) Discard() {
	c.discardOnce.Do(func() { close(c.done) })
	c.Client.Discard()
}

// Subscribe adds subscriptions, and moves the connection in the relay's topic index.
func (c *client) Subscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Client.Subscribe(subs...)
	c.index()
}

// Unsubscribe removes subscriptions (all without arguments), and moves the connection in the
// relay's topic index.
func (c *client) Unsubscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Client.Unsubscribe(subs...)
	if len(subs) == 0 {
		c.followed = nil
	}
	for _, s := range subs {
		delete(c.followed, s)
	}
	c.index()
}

// index stores the sorted subscriptions and their common segment, and moves the connection in
// the relay's topic index; called under c.mu.
func (c *client) index() {
	all := c.Client.Subscriptions()
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	old := c.keys.Swap(&keys)
	if c.relay != nil && !c.detached {
		var before []string
		if old != nil {
			before = *old
		}
		c.relay.topics.move(c.conn, before, keys)
		c.countPresence(keys)
	}
	var seg *string
	if len(keys) > 0 {
		first := segmentOf(keys[0])
		seg = intern(first)
		for _, k := range keys[1:] {
			if segmentOf(k) != first {
				seg = nil
				break
			}
		}
	}
	c.segment.Store(seg)
}

// detach takes the client's subscriptions out of the relay's index when its connection ends.
func (c *client) detach() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.detached || c.relay == nil {
		return
	}
	c.detached = true
	if keys := c.keys.Load(); keys != nil {
		c.relay.topics.move(c.conn, *keys, nil)
	}
	c.countPresence(nil)
}

// Subscriptions returns nil, without looking further, when no subscription can match; otherwise
// what PocketBase's returns.
func (c *client) Subscriptions(prefixes ...string) map[string]subscriptions.SubscriptionOptions {
	if len(prefixes) > 0 && !c.mayMatch(prefixes) {
		return nil
	}
	return c.Client.Subscriptions(prefixes...)
}

// mayMatch is false when no subscription key starts with any of the prefixes (less a final "?":
// PocketBase matches key s to prefix p when s+"?" starts with p).
func (c *client) mayMatch(prefixes []string) bool {
	if seg := c.segment.Load(); seg != nil {
		related := false
		for _, p := range prefixes {
			p = strings.TrimSuffix(p, "?")
			if strings.HasPrefix(p, *seg) || strings.HasPrefix(*seg, p) {
				related = true
				break
			}
		}
		if !related {
			return false
		}
	}
	keys := c.keys.Load()
	if keys == nil {
		return false
	}
	for _, p := range prefixes {
		p = strings.TrimSuffix(p, "?")
		i := sort.SearchStrings(*keys, p)
		if i < len(*keys) && strings.HasPrefix((*keys)[i], p) {
			return true
		}
	}
	return false
}
