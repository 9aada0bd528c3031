package relay

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// SessionCookie is the cookie of Hearth's browser session, which EventSource sends on
// GET /api/realtime.
const SessionCookie = "hearth_session"

// SessionKey is the subscriptions client's store key holding the hex SHA-256 of the session cookie
// the connection was opened with ("" without one): the same string as goja's
// $security.sha256(value), so the hooks can find a session's connections without the cookie.
const SessionKey = "hearthSession"

// sessionOf hashes the request's session cookie, "" when it has none.
func sessionOf(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	return security.SHA256(c.Value)
}

// admit counts a new connection against the caps of its IP and (non-empty) session, or tells why
// it is refused. Every admitted connection must be released once.
func (r *Relay) admit(ip, session string) (refusal string) {
	r.capsMu.Lock()
	defer r.capsMu.Unlock()
	if r.cfg.MaxPerIP > 0 && r.perIP[ip] >= r.cfg.MaxPerIP {
		return "Too many realtime connections from this address.\n"
	}
	if session != "" && r.cfg.MaxPerSession > 0 && r.perSession[session] >= r.cfg.MaxPerSession {
		return "Too many realtime connections for this session.\n"
	}
	r.perIP[ip]++
	if session != "" {
		r.perSession[session]++
	}
	return ""
}

func (r *Relay) release(ip, session string) {
	r.capsMu.Lock()
	defer r.capsMu.Unlock()
	if r.perIP[ip]--; r.perIP[ip] <= 0 {
		delete(r.perIP, ip)
	}
	if session == "" {
		return
	}
	if r.perSession[session]--; r.perSession[session] <= 0 {
		delete(r.perSession, session)
	}
}

// refuse answers a connection over a cap with 429 and a short plain text, before PB_CONNECT.
// (EventSource does not retry after an error status.)
func refuse(e *core.RealtimeConnectRequestEvent, text string) error {
	h := e.Response.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Del("X-Accel-Buffering")
	return e.String(http.StatusTooManyRequests, text)
}

// DisconnectSession closes every realtime connection opened with the session whose cookie hashes
// to hash (see SessionKey) and unregisters it from the broker; it returns how many it closed. An
// empty hash closes nothing. From the hooks: $relay.disconnectSession($security.sha256(cookie)).
func (r *Relay) DisconnectSession(hash string) int {
	if hash == "" {
		return 0
	}
	r.connsMu.RLock()
	var found []*conn
	for _, c := range r.conns {
		if c.session == hash {
			found = append(found, c)
		}
	}
	r.connsMu.RUnlock()
	closed := 0
	for _, c := range found {
		if c.abort() {
			r.app.SubscriptionsBroker().Unregister(c.client.Id())
			closed++
		}
	}
	r.disconnected.Add(int64(closed))
	return closed
}
