package relay

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Everything that touches a connection at once, for the race detector (make gotest runs -race):
// ordered and unordered publishes with filters, subscriptions changing, PocketBase's own
// messages, keep-alives, Stats, a session disconnected and tabs closed, all while events flow.
func TestEverythingAtOnceKeepsTheRelayConsistent(t *testing.T) {
	app, r, url := serveApp(t, Config{KeepAlive: 5 * time.Millisecond, ReorderWait: 5 * time.Millisecond, RoomIdle: 20 * time.Millisecond})
	const perSession = 6
	var tabs []*tab
	for i := 0; i < 3*perSession; i++ {
		topic := []string{"rooms/a", "rooms/b"}[i%2]
		tabs = append(tabs, openWithCookie(t, app, url, fmt.Sprintf("session-%d", i/perSession), fmt.Sprintf("u%d", i), topic))
	}
	// every tab is read to the end, so that no socket fills
	var drained sync.WaitGroup
	for _, tb := range tabs {
		drained.Add(1)
		go func() {
			defer drained.Done()
			for range tb.events {
			}
		}()
	}

	stop := make(chan struct{})
	var work sync.WaitGroup
	repeat := func(f func(i int)) {
		work.Add(1)
		go func() {
			defer work.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
					f(i)
				}
			}
		}()
	}
	for p := 0; p < 3; p++ {
		repeat(func(i int) {
			room := fmt.Sprintf("room-%d", i%7)
			r.Publish(Event{Topic: "rooms/a", Data: "x", Room: room, Seq: int64(i/7 + 1 + (i%3)*2), AnyUser: true,
				Filter: func(c subscriptions.Client) bool { return c.Get(apis.RealtimeClientAuthKey).(*core.Record).Id != "u0" }})
			r.Publish(Event{Topic: "rooms/b", Data: "y", Users: []string{"u1", "u3"}})
			time.Sleep(time.Millisecond) // a pace every tab keeps up with, so none overflows
		})
	}
	repeat(func(i int) {
		client, err := clientOf(app, tabs[i%len(tabs)].id)
		if err != nil {
			return
		}
		client.Unsubscribe()
		client.Subscribe("rooms/a", "rooms/b", "messages/*")
		client.Send(subscriptions.Message{Name: "messages", Data: []byte(`{}`)})
		_ = client.Subscriptions("messages/")
	})
	repeat(func(int) {
		_ = r.Stats()
		time.Sleep(time.Millisecond)
	})

	time.Sleep(200 * time.Millisecond)
	if n := r.DisconnectSession(security.SHA256("session-1")); n != perSession {
		t.Errorf("disconnected %d connections of session-1, want %d", n, perSession)
	}
	for _, tb := range tabs[2*perSession:] {
		tb.body.Close()
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	work.Wait()

	waitStat(t, r, "queues", perSession)
	if n := r.conns.count(); n != perSession {
		t.Errorf("%d clients registered, want the %d tabs still open", n, perSession)
	}
	if d := r.Stats()["dropped"]; d != 0 {
		t.Errorf("dropped = %d: a tab that reads everything was cut", d)
	}
	for _, tb := range tabs[:perSession] {
		tb.body.Close()
	}
	drained.Wait()
	waitStat(t, r, "queues", 0)
	waitStat(t, r, "topics", 0)
}
