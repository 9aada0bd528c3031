package relay

import "sync"

// registry is the relay's open connections by client id.
type registry struct {
	mu   sync.RWMutex
	byId map[string]*conn
}

func newRegistry() registry {
	return registry{byId: map[string]*conn{}}
}

func (g *registry) add(id string, c *conn) {
	g.mu.Lock()
	g.byId[id] = c
	g.mu.Unlock()
}

func (g *registry) remove(id string) {
	g.mu.Lock()
	delete(g.byId, id)
	g.mu.Unlock()
}

func (g *registry) get(id string) *conn {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.byId[id]
}

func (g *registry) count() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.byId)
}

// all is every open connection.
func (g *registry) all() []*conn {
	g.mu.RLock()
	defer g.mu.RUnlock()
	list := make([]*conn, 0, len(g.byId))
	for _, c := range g.byId {
		list = append(list, c)
	}
	return list
}

// ofSession is the open connections opened with the session hash.
func (g *registry) ofSession(hash string) []*conn {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var found []*conn
	for _, c := range g.byId {
		if c.session == hash {
			found = append(found, c)
		}
	}
	return found
}

// waiting is how many connections are open, and what waits for all of them together.
func (g *registry) waiting() (conns, events, bytes int) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for _, c := range g.byId {
		e, b := c.waiting()
		events += e
		bytes += b
	}
	return len(g.byId), events, bytes
}

// topicIndex is the relay's open connections by subscription (kept by client.index), so that
// Publish looks only at a topic's subscribers.
type topicIndex struct {
	mu      sync.RWMutex
	byTopic map[string]map[*conn]struct{}
	// lists is each topic's subscribers as a slice, made on the first Publish after a change and
	// shared by every Publish until the next one (never modified: a change drops it)
	lists map[string][]*conn
}

func newTopicIndex() topicIndex {
	return topicIndex{byTopic: map[string]map[*conn]struct{}{}, lists: map[string][]*conn{}}
}

// move moves a connection's entries from its old subscriptions to its new.
func (x *topicIndex) move(c *conn, old, now []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, k := range old {
		delete(x.lists, k)
		if set := x.byTopic[k]; set != nil {
			delete(set, c)
			if len(set) == 0 {
				delete(x.byTopic, k)
			}
		}
	}
	for _, k := range now {
		delete(x.lists, k)
		set := x.byTopic[k]
		if set == nil {
			set = map[*conn]struct{}{}
			x.byTopic[k] = set
		}
		set[c] = struct{}{}
	}
}

// subscribers is the connections subscribed to topic, shared: the caller must not modify it.
//
// note: a room's events come far more often than its tabs come and go, and walking a map of a
// thousand connections for every event, on the way to the first write, cost more than the slice
func (x *topicIndex) subscribers(topic string) []*conn {
	x.mu.RLock()
	list, ok := x.lists[topic]
	x.mu.RUnlock()
	if ok {
		return list
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if list, ok := x.lists[topic]; ok {
		return list
	}
	set := x.byTopic[topic]
	list = make([]*conn, 0, len(set))
	for c := range set {
		list = append(list, c)
	}
	if set != nil {
		x.lists[topic] = list
	}
	return list
}

// count is how many topics have at least one subscriber.
func (x *topicIndex) count() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byTopic)
}
