package relay

import (
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Event is one realtime event for Publish, and who may receive it. From the hooks it is a plain
// object with the same names, first letter lower case: {topic, data, room, seq, users, anyUser,
// filter}.
type Event struct {
	// Topic is the subscription the event goes to, and its SSE event name (Hearth: rooms/<id>).
	Topic string
	// Data is the event's payload, sent as one SSE data line: it must not contain a newline
	// (Hearth sends JSON).
	Data string
	// Room and Seq are the event's room and its position in the room's history. Events with both
	// (Seq > 0) reach each connection in position order; others go out at once.
	Room string
	Seq  int64
	// Users are the ids of the signed-in users who may receive the event; AnyUser admits every
	// signed-in user instead. Guests never receive an event.
	Users   []string
	AnyUser bool
	// AuthCollection is the collection whose records Users and AnyUser mean; "" is the relay's
	// Config.AuthCollection. A connection signed in with a record of another collection is left
	// out.
	AuthCollection string
	// Filter, when set, can only narrow the audience: it is asked about each connection's client
	// that Users and AnyUser admit.
	Filter func(subscriptions.Client) bool
}

// Publish sends the event to every client subscribed to its topic that its audience admits. It
// never blocks on a client and returns the number of recipients.
func (r *Relay) Publish(event Event) int {
	r.published.Add(1)
	collection := event.AuthCollection
	if collection == "" {
		collection = r.cfg.AuthCollection
	}
	allowed := make(map[string]struct{}, len(event.Users))
	for _, id := range event.Users {
		allowed[id] = struct{}{}
	}
	subscribers := r.topics.subscribers(event.Topic)
	recipients := make([]*conn, 0, len(subscribers))
	for _, c := range subscribers {
		who := c.client.who.Load()
		if who == nil || who.collection != collection {
			continue
		}
		if _, ok := allowed[who.id]; !event.AnyUser && !ok {
			continue
		}
		if event.Filter != nil && !event.Filter(c.client) {
			continue
		}
		recipients = append(recipients, c)
	}
	d := delivery{frame: eventFrame(event.Topic, event.Data), recipients: recipients}
	if event.Room == "" || event.Seq <= 0 {
		r.out.push(d)
		return len(recipients)
	}
	r.rooms.add(event.Room, event.Seq, d)
	return len(recipients)
}
