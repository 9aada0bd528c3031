package relay

import (
	"net/http"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// caps counts the open connections per client IP and per session hash against MaxPerIP and
// MaxPerSession (a cap of zero or less is no cap).
type caps struct {
	maxPerIP, maxPerSession int

	mu         sync.Mutex
	perIP      map[string]int
	perSession map[string]int
}

func newCaps(maxPerIP, maxPerSession int) caps {
	return caps{maxPerIP: maxPerIP, maxPerSession: maxPerSession, perIP: map[string]int{}, perSession: map[string]int{}}
}

// admit counts a new connection against the caps of its IP and (non-empty) session, or tells why
// it is refused. Every admitted connection must be released once.
func (k *caps) admit(ip, session string) (refusal string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.maxPerIP > 0 && k.perIP[ip] >= k.maxPerIP {
		return "Too many realtime connections from this address.\n"
	}
	if session != "" && k.maxPerSession > 0 && k.perSession[session] >= k.maxPerSession {
		return "Too many realtime connections for this session.\n"
	}
	k.perIP[ip]++
	if session != "" {
		k.perSession[session]++
	}
	return ""
}

// release uncounts a connection admit counted.
func (k *caps) release(ip, session string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.perIP[ip]--; k.perIP[ip] <= 0 {
		delete(k.perIP, ip)
	}
	if session == "" {
		return
	}
	if k.perSession[session]--; k.perSession[session] <= 0 {
		delete(k.perSession, session)
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
