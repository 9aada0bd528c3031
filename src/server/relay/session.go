package relay

import (
	"net/http"

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

// DisconnectSession closes every realtime connection opened with the session whose cookie hashes
// to hash (see SessionKey) and takes it out of the broker; it returns how many it closed. An
// empty hash closes nothing. From the hooks: $relay.disconnectSession($security.sha256(cookie)).
func (r *Relay) DisconnectSession(hash string) int {
	if hash == "" {
		return 0
	}
	closed := 0
	for _, c := range r.conns.ofSession(hash) {
		if c.abort() {
			r.release(c)
			closed++
		}
	}
	r.disconnected.Add(int64(closed))
	return closed
}
