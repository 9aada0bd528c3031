package relay

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// PendingField is the record field (never stored: no collection has it) where Hearth's hooks
// leave the events a change recorded in its transaction, for PublishCommitted to hand over.
const PendingField = "hearthPendingEvents"

// pending is an Event as the hooks leave it: JSON with the same names as Event, first letter lower
// case, and no filter (a recorded event goes to everyone who may read the room).
type pending struct {
	Topic   string   `json:"topic"`
	Data    string   `json:"data"`
	Room    string   `json:"room"`
	Seq     int64    `json:"seq"`
	Users   []string `json:"users"`
	AnyUser bool     `json:"anyUser"`
	// Revoke: its users may no longer read the room (the event tells them so), so their
	// connections stop following its topic, and stop counting in its presence, with it
	Revoke bool `json:"revoke"`
}

// PublishCommitted hands the events a change of these collections recorded to the relay once its
// transaction has committed (PocketBase runs after-success hooks only then), from Go on the
// committing goroutine.
//
// note: the hand-over used to be a JS after-success hook; it needed a pooled JS runtime between
// the commit and the publish, and under load that gap let a later post's event out first often
// enough that the relay's wait for the earlier position ran out (bench/throughput.mjs).
func (r *Relay) PublishCommitted(collections ...string) {
	handler := func() *hook.Handler[*core.RecordEvent] {
		return &hook.Handler[*core.RecordEvent]{Func: r.publishPending, Priority: -1000}
	}
	r.app.OnRecordAfterCreateSuccess(collections...).Bind(handler())
	r.app.OnRecordAfterUpdateSuccess(collections...).Bind(handler())
	r.app.OnRecordAfterDeleteSuccess(collections...).Bind(handler())
}

func (r *Relay) publishPending(e *core.RecordEvent) error {
	raw, _ := e.Record.GetRaw(PendingField).(string)
	if raw != "" {
		e.Record.SetRaw(PendingField, "")
		var events []pending
		if err := json.Unmarshal([]byte(raw), &events); err != nil {
			e.App.Logger().Error("relay: unreadable pending events", "error", err)
		}
		r.publishTogether(events)
	}
	return e.Next()
}

// publishTogether hands a change's events to the fan-out as one batch, so each connection gets
// the ones it may read in one write.
func (r *Relay) publishTogether(events []pending) {
	defer r.out.release(r.out.hold())
	for _, p := range events {
		r.Publish(Event{Topic: p.Topic, Data: p.Data, Room: p.Room, Seq: p.Seq, Users: p.Users, AnyUser: p.AnyUser})
		if p.Revoke {
			r.revoke(p.Topic, p.Users)
		}
	}
}
