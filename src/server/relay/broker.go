package relay

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// A connection joins PocketBase's subscriptions broker only when it uses PocketBase's own
// subscribe endpoint (POST /api/realtime), never for Hearth's tabs, which subscribe through
// Hearth's route and receive only what the relay publishes.
//
// Why: PocketBase's record realtime walks every client in the broker on every record created,
// updated or deleted, whatever the collection, asking each for six topic prefixes. A post creates
// two records, and the walk of the room event's ran between its commit and its publish: 0.9 ms of
// the first subscriber's wait at 1,000 open tabs, ten times that at 10,000, and the message's walk
// took the cores the fan-out needed (BENCHMARKS.md). Kept out of the broker, a Hearth tab costs
// PocketBase nothing; what the broker did for it, the relay does: Client finds it for Hearth's
// subscribe route, and syncAuth keeps who it is signed in as current.

// errNoClient is Client's answer for an id with no open connection.
var errNoClient = errors.New("no open realtime connection has this id")

// Client is the open connection's realtime client with the id, for Hearth's subscribe route
// (src/realtime/subscribe.ts): $relay.client(id), which throws for an unknown id.
func (r *Relay) Client(id string) (*client, error) {
	c := r.conns.get(id)
	if c == nil {
		return nil, errNoClient
	}
	return c.client, nil
}

// toBroker registers the connection with the id in PocketBase's broker, once, unless it ended.
func (r *Relay) toBroker(id string) {
	c := r.conns.get(id)
	if c == nil {
		return
	}
	cl := c.client
	cl.brokerMu.Lock()
	defer cl.brokerMu.Unlock()
	if cl.brokered || cl.ended {
		return
	}
	cl.brokered = true
	r.app.SubscriptionsBroker().Register(cl)
}

// release takes the connection's client out of the broker (when it joined it) and discards it,
// which ends its loop; safe to call more than once.
func (r *Relay) release(c *conn) {
	cl := c.client
	cl.brokerMu.Lock()
	cl.ended = true
	brokered := cl.brokered
	cl.brokerMu.Unlock()
	if brokered {
		r.app.SubscriptionsBroker().Unregister(cl.Id())
	}
	cl.Discard()
}

// bindBrokerOnDemand registers a connection in the broker just before PocketBase's subscribe
// endpoint looks it up there (apis/realtime.go realtimeSetSubscriptions). PocketBase's router
// makes request bodies readable again, so the endpoint still reads the whole form.
func (r *Relay) bindBrokerOnDemand() {
	r.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			if e.Request.Method == http.MethodPost && e.Request.URL.Path == "/api/realtime" {
				var form struct {
					ClientId string `json:"clientId" form:"clientId"`
				}
				// note: a body that does not parse is PocketBase's endpoint's to refuse
				if e.BindBody(&form) == nil && form.ClientId != "" {
					r.toBroker(form.ClientId)
				}
			}
			return e.Next()
		})
		return se.Next()
	})
}

// bindAuthSync does for connections outside the broker what PocketBase does for those in it
// (apis/realtime.go): a changed auth record replaces the one its connections are signed in with,
// or signs them out when its token key changed (a new password); a deleted record, or its whole
// collection, signs them out. So an event never goes by a record's old state.
func (r *Relay) bindAuthSync() {
	r.app.OnRecordAfterUpdateSuccess().BindFunc(func(e *core.RecordEvent) error {
		if e.Record.Collection().IsAuth() {
			r.syncAuth(func(auth *core.Record) bool { return sameRecord(auth, e.Record) }, e.Record)
		}
		return e.Next()
	})
	r.app.OnRecordAfterDeleteSuccess().BindFunc(func(e *core.RecordEvent) error {
		if e.Record.Collection().IsAuth() {
			r.syncAuth(func(auth *core.Record) bool { return sameRecord(auth, e.Record) }, nil)
		}
		return e.Next()
	})
	r.app.OnCollectionAfterDeleteSuccess().BindFunc(func(e *core.CollectionEvent) error {
		if e.Collection.IsAuth() {
			r.syncAuth(func(auth *core.Record) bool { return auth.Collection().Name == e.Collection.Name }, nil)
		}
		return e.Next()
	})
}

func sameRecord(a, b *core.Record) bool {
	return a.Id == b.Id && a.Collection().Name == b.Collection().Name
}

// syncAuth signs the unbrokered connections whose auth record matches in with updated, or out
// when updated is nil or has another token key.
func (r *Relay) syncAuth(matches func(*core.Record) bool, updated *core.Record) {
	for _, c := range r.conns.all() {
		cl := c.client
		if cl.who.Load() == nil {
			continue
		}
		auth, _ := cl.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if auth == nil || !matches(auth) {
			continue
		}
		cl.brokerMu.Lock()
		brokered := cl.brokered
		cl.brokerMu.Unlock()
		if brokered {
			continue // PocketBase's own hooks do it
		}
		if updated == nil || updated.TokenKey() != auth.TokenKey() {
			cl.Unset(apis.RealtimeClientAuthKey)
		} else {
			cl.Set(apis.RealtimeClientAuthKey, updated)
		}
	}
}
