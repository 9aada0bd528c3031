package relay

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// openWithCookie connects like a browser tab carrying Hearth's session cookie ("" = none).
func openWithCookie(t *testing.T, app core.App, url, cookie, userId string, topics ...string) *tab {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
	}
	return openRequest(t, http.DefaultClient, app, req, userId, topics...)
}

func sessionOfTab(t *testing.T, app core.App, tb *tab) any {
	t.Helper()
	client, err := clientOf(app, tb.id)
	if err != nil {
		t.Fatal(err)
	}
	return client.Get(SessionKey)
}

func TestConnectionCarriesItsSessionHash(t *testing.T) {
	app, _, url := serveApp(t, Config{})
	with := openWithCookie(t, app, url, "abc.def-123", "u1")
	// the same string goja's $security.sha256("abc.def-123") gives
	if got, want := sessionOfTab(t, app, with), security.SHA256("abc.def-123"); got != want {
		t.Fatalf("hearthSession = %v, want %q", got, want)
	}
	if got := sessionOfTab(t, app, openWithCookie(t, app, url, "", "u1")); got != "" {
		t.Fatalf("without a cookie hearthSession = %#v, want \"\"", got)
	}
}

// ended waits for a tab's stream to end (the server closed it).
func ended(t *testing.T, tb *tab) bool {
	t.Helper()
	for {
		select {
		case _, ok := <-tb.events:
			if !ok {
				return true
			}
		case <-time.After(2 * time.Second):
			return false
		}
	}
}

func TestDisconnectSessionClosesThatSessionsConnectionsOnly(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	a1 := openWithCookie(t, app, url, "session-a", "u1", "rooms/a")
	a2 := openWithCookie(t, app, url, "session-a", "u1", "rooms/a")
	b := openWithCookie(t, app, url, "session-b", "u1", "rooms/a")
	none := openWithCookie(t, app, url, "", "u1", "rooms/a")

	if n := r.DisconnectSession(""); n != 0 {
		t.Fatalf("an empty hash closed %d connections", n)
	}
	if n := r.DisconnectSession(security.SHA256("session-a")); n != 2 {
		t.Fatalf("closed %d, want 2", n)
	}
	for _, tb := range []*tab{a1, a2} {
		if !ended(t, tb) {
			t.Fatal("a connection of the session is still open")
		}
		// the stream ends when the socket closes; the connection's goroutine unregisters it just
		// after, which on a loaded machine the test can see first
		deadline := time.Now().Add(5 * time.Second)
		for _, err := clientOf(app, tb.id); err == nil; _, err = clientOf(app, tb.id) {
			if time.Now().After(deadline) {
				t.Fatal("a closed connection is still registered with the broker")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if n := r.DisconnectSession(security.SHA256("session-a")); n != 0 {
		t.Fatalf("a second call closed %d", n)
	}
	r.Publish(Event{Topic: "rooms/a", Data: "still here", AnyUser: true})
	for _, tb := range []*tab{b, none} {
		if ev := tb.next(t); ev.data != "still here" {
			t.Fatalf("another connection got %+v", ev)
		}
	}
	if got := r.Stats()["disconnected"]; got != 2 {
		t.Fatalf("disconnected = %d, want 2", got)
	}
}

// connectMany opens n connections at once and returns the accepted ones' bodies and how many were
// refused with 429 (each with a plain text reason).
func connectMany(t *testing.T, url, cookie string, n int) (accepted []io.Closer, refused int) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, url+"/api/realtime", nil)
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
			}
			<-start
			res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch res.StatusCode {
			case http.StatusOK:
				accepted = append(accepted, res.Body)
			case http.StatusTooManyRequests:
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" || len(body) == 0 {
					t.Errorf("429 with %q: %q", ct, body)
				}
				refused++
			default:
				t.Errorf("status %d", res.StatusCode)
			}
		}()
	}
	close(start)
	wg.Wait()
	t.Cleanup(func() {
		for _, b := range accepted {
			b.Close()
		}
	})
	return accepted, refused
}

func waitStat(t *testing.T, r *Relay, name string, want int64) {
	t.Helper()
	for start := time.Now(); r.Stats()[name] != want; {
		if time.Since(start) > 3*time.Second {
			t.Fatalf("%s = %d, want %d", name, r.Stats()[name], want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConnectionCapsAreExactUnderConcurrency(t *testing.T) {
	t.Run("per IP", func(t *testing.T) {
		_, r, url := serveApp(t, Config{MaxPerIP: 20, MaxPerSession: -1})
		accepted, refused := connectMany(t, url, "", 300)
		if len(accepted) != 20 || refused != 280 {
			t.Fatalf("accepted %d, refused %d of 300; want exactly 20 through", len(accepted), refused)
		}
		for _, b := range accepted[:5] {
			b.Close()
		}
		waitStat(t, r, "queues", 15)
		again, refused := connectMany(t, url, "", 50)
		if len(again) != 5 || refused != 45 {
			t.Fatalf("after 5 closed: accepted %d, refused %d; want 5", len(again), refused)
		}
	})
	t.Run("per session", func(t *testing.T) {
		_, r, url := serveApp(t, Config{MaxPerIP: 1000, MaxPerSession: 12})
		accepted, refused := connectMany(t, url, "session-a", 200)
		if len(accepted) != 12 || refused != 188 {
			t.Fatalf("accepted %d, refused %d of 200; want exactly 12 through", len(accepted), refused)
		}
		// another session and no session at all are not held back by it
		if other, _ := connectMany(t, url, "session-b", 3); len(other) != 3 {
			t.Fatalf("another session got %d of 3 through", len(other))
		}
		if none, _ := connectMany(t, url, "", 30); len(none) != 30 {
			t.Fatalf("cookieless connections got %d of 30 through", len(none))
		}
		for _, b := range accepted[:2] {
			b.Close()
		}
		waitStat(t, r, "queues", 12-2+3+30)
		if again, _ := connectMany(t, url, "session-a", 10); len(again) != 2 {
			t.Fatalf("after 2 closed: %d through, want 2", len(again))
		}
	})
}
