package relay

import (
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

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
	subscribers := r.topics.subscribers(topic)
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
	d := delivery{frame: eventFrame(topic, data), recipients: recipients}
	if room == "" || seq <= 0 {
		r.out.push(d)
		return len(recipients)
	}
	r.rooms.add(room, seq, d)
	return len(recipients)
}
