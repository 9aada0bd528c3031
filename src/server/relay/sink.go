package relay

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// sink is where a connection's loop writes: the response PocketBase handed over, or the raw
// connection after the relay took it over.
type sink interface {
	// write sends frames and flushes them
	write(frames []*frame) error
	// sendViaHooks sends one of PocketBase's own messages the way PocketBase does
	sendViaHooks(msg subscriptions.Message) error
	SetWriteDeadline(t time.Time) error
}

// responseSink writes through the http.ResponseWriter PocketBase handed to the connect handler.
type responseSink struct {
	e      *core.RequestEvent
	client subscriptions.Client
	rc     *http.ResponseController
}

func (s *responseSink) write(frames []*frame) error {
	for _, f := range frames {
		if _, err := s.e.Response.Write(f.sse); err != nil {
			return err
		}
	}
	return s.rc.Flush()
}

func (s *responseSink) SetWriteDeadline(t time.Time) error {
	return s.rc.SetWriteDeadline(t)
}

func (s *responseSink) sendViaHooks(msg subscriptions.Message) error {
	return sendViaHooks(s.e, s.client, msg)
}

// sendViaHooks writes one message the way PocketBase does, through OnRealtimeMessageSend.
func sendViaHooks(e *core.RequestEvent, client subscriptions.Client, msg subscriptions.Message) error {
	me := new(core.RealtimeMessageEvent)
	me.RequestEvent = e
	me.Client = client
	me.Message = &msg
	return e.App.OnRealtimeMessageSend().Trigger(me, func(me *core.RealtimeMessageEvent) error {
		if err := me.Message.WriteSSE(me.Response, me.Client.Id()); err != nil {
			return err
		}
		return me.Flush()
	})
}
