package relay

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Presence ("Here now") is who has a room open right now: the distinct signed-in users with a live
// connection that follows the room's topic through Hearth's subscribe route (Follow). A second tab
// counts once, a guest never, and a subscription made through PocketBase's own subscribe endpoint
// never counts and never receives it: that endpoint authorizes nothing (see subscribe.go).
//
// Who may see a room's presence is decided by Hearth's policy (src/chat/policy.ts), never here:
// it admitted each follower when their tab followed the room, and a person who may no longer read
// the room is taken off it by the event that says so (Event.Revoke). The list goes only to the
// room's followers, who are exactly the people it shows.
//
// Why Go renders it: a change is known only here (a connection ending runs no JavaScript), and
// rendering it here costs one render and one message per follower per change, where a ping that
// makes every tab fetch the list costs a page request per follower per change (BENCHMARKS.md).
// Changes are coalesced per room (Config.PresenceWait), so a thousand arrivals at once make a few
// messages per follower, not a thousand.

//go:embed presence.html
var presenceSource string

var presenceView = template.Must(template.New("presence").Parse(presenceSource))

// roomTopicPrefix starts every room's topic (src/realtime/topics.ts); presence is kept for rooms only.
const roomTopicPrefix = "rooms/"

// presenceShown is how many names "Here now" spells out before "and N others".
const presenceShown = 3

// Person is one person present in a room.
type Person struct {
	Id   string `json:"id"`
	Name string `json:"name"`
}

type presentUser struct {
	tabs int
	name string
}

// presence is who follows each room's topic, and the rooms whose list is due to go out.
type presence struct {
	mu      sync.Mutex
	byTopic map[string]map[string]*presentUser // topic -> user id -> their connections following it
	due     map[string]bool
}

func newPresence() presence {
	return presence{byTopic: map[string]map[string]*presentUser{}, due: map[string]bool{}}
}

// move counts user's connection out of the topics it followed and into those it follows now; it
// returns the topics where that made the person arrive or leave.
func (p *presence) move(user, name string, old, now []string) (changed []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, topic := range old {
		people := p.byTopic[topic]
		u := people[user]
		if u == nil {
			continue
		}
		if u.tabs--; u.tabs == 0 {
			delete(people, user)
			changed = append(changed, topic)
			if len(people) == 0 {
				delete(p.byTopic, topic)
			}
		}
	}
	for _, topic := range now {
		people := p.byTopic[topic]
		if people == nil {
			people = map[string]*presentUser{}
			p.byTopic[topic] = people
		}
		u := people[user]
		if u == nil {
			u = &presentUser{}
			people[user] = u
			changed = append(changed, topic)
		}
		u.tabs++
		u.name = name
	}
	return changed
}

// rename gives user a new name wherever they are present; it returns those topics.
func (p *presence) rename(user, name string) (changed []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for topic, people := range p.byTopic {
		if u := people[user]; u != nil && u.name != name {
			u.name = name
			changed = append(changed, topic)
		}
	}
	return changed
}

// bindRenames sends "Here now" again wherever a person whose name changed is present (an
// update of the auth collection, however it was made: Hearth's profile page, PocketBase's API or
// dashboard), so open tabs show the new name without anyone reconnecting.
func (r *Relay) bindRenames() {
	r.app.OnRecordAfterUpdateSuccess(r.cfg.AuthCollection).BindFunc(func(e *core.RecordEvent) error {
		for _, topic := range r.presence.rename(e.Record.Id, presenceName(e.Record)) {
			r.presenceChanged(topic)
		}
		return e.Next()
	})
}

// presenceName is how "Here now" names a person: their display name, else their username.
func presenceName(auth *core.Record) string {
	if name := auth.GetString("name"); name != "" {
		return name
	}
	return auth.GetString("username")
}

// people is who is present on topic, by name.
func (p *presence) people(topic string) []Person {
	p.mu.Lock()
	list := make([]Person, 0, len(p.byTopic[topic]))
	for id, u := range p.byTopic[topic] {
		list = append(list, Person{Id: id, Name: u.name})
	}
	p.mu.Unlock()
	sort.Slice(list, func(i, j int) bool {
		a, b := strings.ToLower(list[i].Name), strings.ToLower(list[j].Name)
		if a != b {
			return a < b
		}
		return list[i].Id < list[j].Id
	})
	return list
}

// Present is who has the topic's room open now (see Presence), by name. From the hooks:
// $relay.present(topic).
func (r *Relay) Present(topic string) []Person {
	return r.presence.people(topic)
}

// PresenceHTML is the topic's "Here now" as its room page shows it, the same HTML every change
// sends. From the hooks: $relay.presenceHTML(topic).
func (r *Relay) PresenceHTML(topic string) string {
	return renderPresence(r.presence.people(topic))
}

// Follow replaces the client's subscriptions with topics that Hearth's subscribe route
// authorized (src/realtime/subscribe.ts): its signed-in user counts as present in each of them,
// and receives their presence. From the hooks: client.follow(...topics).
func (c *client) Follow(topics ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Client.Unsubscribe()
	c.Client.Subscribe(topics...)
	c.followed = map[string]struct{}{}
	for _, t := range topics {
		c.followed[t] = struct{}{}
	}
	c.index()
}

// follows is whether the client counts as present on topic; it is the filter of presence events.
func (c *client) follows(topic string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.present {
		if t == topic {
			return true
		}
	}
	return false
}

// countPresence moves the client in the relay's presence to the topics it follows now; called
// under c.mu, after its subscriptions changed.
func (c *client) countPresence(keys []string) {
	var now []string
	auth, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
	if !c.detached && auth != nil && auth.Collection().Name == c.relay.cfg.AuthCollection {
		for _, k := range keys {
			// a room's topic: "me" is each person's own, and nobody is present in it
			if _, ok := c.followed[k]; ok && strings.HasPrefix(k, roomTopicPrefix) {
				now = append(now, k)
			}
		}
	}
	if len(now) == 0 && len(c.present) == 0 {
		return
	}
	var user, name string
	if auth != nil {
		user, name = auth.Id, presenceName(auth)
	}
	if c.presentAs != "" {
		user = c.presentAs // the auth record never changes user once set (PocketBase refuses it)
	}
	changed := c.relay.presence.move(user, name, c.present, now)
	for _, topic := range now {
		if !slices.Contains(c.present, topic) && !slices.Contains(changed, topic) {
			// the person was here already (another tab): this connection, which may have missed
			// changes while it was away, gets the list as it is now
			go c.relay.publishPresence(topic, c)
		}
	}
	c.present, c.presentAs = now, user
	for _, topic := range changed {
		c.relay.presenceChanged(topic)
	}
}

// presenceChanged sends the topic's list after Config.PresenceWait, unless it is already due.
func (r *Relay) presenceChanged(topic string) {
	r.presence.mu.Lock()
	defer r.presence.mu.Unlock()
	if r.presence.due[topic] {
		return
	}
	r.presence.due[topic] = true
	time.AfterFunc(r.cfg.PresenceWait, func() {
		r.presence.mu.Lock()
		delete(r.presence.due, topic)
		r.presence.mu.Unlock()
		r.publishPresence(topic, nil)
	})
}

// publishPresence sends the topic's "Here now" to the people in it (only to one of their
// connections, when only is set): an ephemeral event, with no position, never recorded or
// replayed.
func (r *Relay) publishPresence(topic string, only *client) {
	people := r.presence.people(topic)
	users := make([]string, len(people))
	for i, p := range people {
		users[i] = p.Id
	}
	data, _ := json.Marshal(map[string]string{"html": renderPresence(people)})
	r.Publish(Event{Topic: topic, Data: string(data), Users: users, Filter: func(c subscriptions.Client) bool {
		own, ok := c.(*client)
		return ok && (only == nil || own == only) && own.follows(topic)
	}})
	r.presenceSent.Add(1)
}

// revoke takes the topic off every connection of these users: they may no longer read its room.
func (r *Relay) revoke(topic string, users []string) {
	gone := make(map[string]struct{}, len(users))
	for _, u := range users {
		gone[u] = struct{}{}
	}
	for _, c := range r.topics.subscribers(topic) {
		if auth, _ := c.client.Get(apis.RealtimeClientAuthKey).(*core.Record); auth != nil {
			if _, ok := gone[auth.Id]; ok {
				c.client.Unsubscribe(topic)
			}
		}
	}
}

type shownPerson struct{ Before, Name string }

func renderPresence(people []Person) string {
	view := struct {
		Count int
		All   string
		Shown []shownPerson
		Tail  string
	}{Count: len(people)}
	shown := len(people)
	if shown > presenceShown {
		shown = presenceShown - 1
		others := len(people) - shown
		view.Tail = " and " + strconv.Itoa(others) + " others"
		names := make([]string, 0, min(len(people), 50))
		for _, p := range people[:cap(names)] {
			names = append(names, p.Name)
		}
		view.All = strings.Join(names, ", ")
	}
	for i, p := range people[:shown] {
		before := ""
		switch {
		case i == 0:
		case i == shown-1 && view.Tail == "":
			before = " and "
		default:
			before = ", "
		}
		view.Shown = append(view.Shown, shownPerson{Before: before, Name: p.Name})
	}
	var b strings.Builder
	_ = presenceView.Execute(&b, view)
	return strings.TrimSpace(b.String()) // one line: the template file ends with one

}
