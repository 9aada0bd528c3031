package relay

import (
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// bind hooks the relay into the app: the subscribe guard, a write deadline for PocketBase's own
// messages, and connect in place of PocketBase's connect handler.
func (r *Relay) bind() {
	r.bindSubscribeGuard()
	r.bindBrokerOnDemand()
	r.bindAuthSync()
	r.bindRenames()
	r.app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		// note: PocketBase disables the write deadline for SSE; without one a client that stops
		// reading holds its connection goroutine in Write forever.
		_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Now().Add(r.cfg.WriteTimeout))
		return e.Next()
	})
	// Last in the chain, so that other connect hooks still run first; it takes the place of
	// PocketBase's final handler (apis/realtime.go), doing the same steps with the relay's queue.
	r.app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id:       "hearthRelayServe",
		Func:     r.connect,
		Priority: math.MaxInt32,
	})
}

// connect serves one /api/realtime connection in place of PocketBase's final connect handler
// (apis/realtime.go). It does that handler's steps: register the client (with the relay; see
// broker.go for PocketBase's broker), send
// PB_CONNECT through PocketBase's send hooks, and end the connection at its maximum age (the
// loop). Around them it does Hearth's: the caps first, and after PB_CONNECT it takes an HTTP/1.1
// connection over from net/http and returns, so that net/http's buffers and the request's state
// can be freed while the connection stays open; where that is not possible (HTTP/2) it serves
// the connection in this handler until the connection ends.
//
// note: it never calls e.Next(). PocketBase's own handler would register a second client and run
// its own loop, whose Send blocks on a client that stops reading, the reason for the relay.
func (r *Relay) connect(e *core.RealtimeConnectRequestEvent) error {
	ip, session := e.RealIP(), sessionOf(e.Request)
	if refusal := r.caps.admit(ip, session); refusal != "" {
		r.refused.Add(1)
		return refuse(e, refusal)
	}
	c, end := r.register(e, ip, session)
	id := c.client.Id()

	response := &responseSink{e: e.RequestEvent, client: c.client, rc: http.NewResponseController(e.Response)}
	if err := response.sendViaHooks(subscriptions.Message{
		Name: "PB_CONNECT",
		Data: []byte(`{"clientId":"` + id + `"}`),
	}); err != nil {
		e.App.Logger().Debug("Realtime connection closed (failed to deliver PB_CONNECT)", slog.String("clientId", id), slog.String("error", err.Error()))
		end()
		return nil
	}

	if raw := takeOver(e, c.client, r.cfg.SendBuffer); raw != nil {
		c.setDeadline(raw)
		// note: the goroutine must not capture e, or the request and net/http's buffers stay alive
		app, maxAge := e.App, e.MaxTimeout
		c.fd.Store(int64(raw.fd()))
		gone := make(chan struct{})
		go raw.watch(gone)
		go func() {
			defer end()
			defer func() {
				c.wmu.Lock()
				defer c.wmu.Unlock()
				c.fd.Store(-1)
				raw.close()
			}()
			r.loop(app, c, raw, gone, maxAge)
		}()
		return nil
	}

	defer end()
	c.setDeadline(response)
	r.loop(e.App, c, response, e.Request.Context().Done(), e.MaxTimeout)
	return nil
}

// register wraps the event's client (see client), binds it to its session and registers it with
// the relay; it joins PocketBase's broker only if it uses PocketBase's subscribe endpoint (see
// broker.go). end undoes all of it and releases the caps, once the connection ends.
func (r *Relay) register(e *core.RealtimeConnectRequestEvent, ip, session string) (c *conn, end func()) {
	wrapped := newClient(e.Client)
	e.Client = wrapped
	wrapped.Set(SessionKey, session)
	id := wrapped.Id()
	c = newConn(wrapped, ip, session)
	wrapped.relay, wrapped.conn = r, c

	r.conns.add(id, c)
	return c, func() {
		r.conns.remove(id)
		wrapped.detach()
		c.finish()
		r.release(c)
		r.caps.release(ip, session)
	}
}
