package relay

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// newApp is a PocketBase app that is never bootstrapped: the relay needs only its hooks and its
// subscriptions broker, which a fresh app already has.
func newApp(t *testing.T) core.App {
	t.Helper()
	return core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
}

func user(id string) *core.Record {
	r := core.NewRecord(core.NewBaseCollection("users"))
	r.Id = id
	return r
}

// connect registers a client like a browser tab subscribed to topics, signed in as userId ("" = guest).
func connect(app core.App, userId string, topics ...string) subscriptions.Client {
	c := subscriptions.NewDefaultClient()
	if userId != "" {
		c.Set(apis.RealtimeClientAuthKey, user(userId))
	}
	c.Subscribe(topics...)
	app.SubscriptionsBroker().Register(c)
	return c
}

func receive(t *testing.T, c subscriptions.Client) (subscriptions.Message, bool) {
	t.Helper()
	select {
	case m := <-c.Channel():
		return m, true
	case <-time.After(500 * time.Millisecond):
		return subscriptions.Message{}, false
	}
}

func TestPublishReachesOnlyAllowedSubscribers(t *testing.T) {
	app := newApp(t)
	r := New(app, Config{})
	scenarios := []struct {
		name    string
		user    string
		topic   string
		users   []string
		anyUser bool
		filter  func(subscriptions.Client) bool
		want    bool
	}{
		{"member of a private room", "u1", "rooms/a", []string{"u1"}, false, nil, true},
		{"non-member of a private room", "u2", "rooms/a", []string{"u1"}, false, nil, false},
		{"guest in a public room", "", "rooms/a", nil, true, nil, false},
		{"signed-in user in a public room", "u3", "rooms/a", nil, true, nil, true},
		{"subscriber of another topic", "u1", "rooms/b", []string{"u1"}, true, nil, false},
		{"a filter narrows", "u1", "rooms/a", []string{"u1"}, true, func(subscriptions.Client) bool { return false }, false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c := connect(app, s.user, s.topic)
			defer app.SubscriptionsBroker().Unregister(c.Id())
			r.Publish("rooms/a", `{"html":"x"}`, "", 0, s.users, s.anyUser, s.filter)
			_, got := receive(t, c)
			if got != s.want {
				t.Fatalf("received = %v, want %v", got, s.want)
			}
		})
	}
}

func TestNeverReadingClientIsDroppedWithoutBlocking(t *testing.T) {
	app := newApp(t)
	r := New(app, Config{QueueSize: 8})
	stuck := connect(app, "u1", "rooms/a")
	healthy := connect(app, "u2", "rooms/a")
	got := make(chan int, 100)
	go func() {
		for range healthy.Channel() {
			got <- 1
		}
	}()
	done := make(chan struct{})
	go func() {
		for i := 0; i < 50; i++ {
			r.Publish("rooms/a", `{}`, "", 0, nil, true, nil)
			time.Sleep(time.Millisecond) // a steady stream the healthy client keeps up with
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Publish blocked on a client that never reads")
	}
	for i := 0; i < 50; i++ {
		select {
		case <-got:
		case <-time.After(2 * time.Second):
			t.Fatalf("the healthy client got %d of 50 events", i)
		}
	}
	if !stuck.IsDiscarded() {
		t.Fatal("the never-reading client should have been dropped")
	}
	if r.Stats()["dropped"] != 1 {
		t.Fatalf("dropped = %d, want 1", r.Stats()["dropped"])
	}
}

func TestRoomEventsArriveInPositionOrder(t *testing.T) {
	app := newApp(t)
	r := New(app, Config{ReorderWait: time.Second})
	c := connect(app, "u1", "rooms/a")
	r.Publish("rooms/a", "1", "a", 1, nil, true, nil)
	r.Publish("rooms/a", "3", "a", 3, nil, true, nil)
	r.Publish("rooms/a", "4", "a", 4, nil, true, nil)
	r.Publish("rooms/a", "2", "a", 2, nil, true, nil)
	for _, want := range []string{"1", "2", "3", "4"} {
		m, ok := receive(t, c)
		if !ok || string(m.Data) != want {
			t.Fatalf("got %q (ok=%v), want %q", m.Data, ok, want)
		}
	}
}

func TestMissingPositionIsSkippedAfterTheWait(t *testing.T) {
	app := newApp(t)
	r := New(app, Config{ReorderWait: 50 * time.Millisecond})
	c := connect(app, "u1", "rooms/a")
	r.Publish("rooms/a", "1", "a", 1, nil, true, nil)
	r.Publish("rooms/a", "3", "a", 3, nil, true, nil) // 2 never comes (a failed save)
	for _, want := range []string{"1", "3"} {
		m, ok := receive(t, c)
		if !ok || string(m.Data) != want {
			t.Fatalf("got %q (ok=%v), want %q", m.Data, ok, want)
		}
	}
}

func TestPingReachesIdleClients(t *testing.T) {
	app := newApp(t)
	r := New(app, Config{})
	c := connect(app, "", "rooms/a")
	r.Ping()
	m, ok := receive(t, c)
	if !ok || m.Name != PingEvent {
		t.Fatalf("got %q (ok=%v), want a %s event", m.Name, ok, PingEvent)
	}
}
