package relay

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // the system collections Bootstrap creates
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// serveApp starts a bootstrapped PocketBase app with the relay on a test HTTP server: the relay is
// tested through PocketBase's real /api/realtime route and a real connection.
func serveApp(t *testing.T, cfg Config) (core.App, *Relay, string) {
	t.Helper()
	app, r, srv := serveAppWith(t, cfg, false)
	return app, r, srv.URL
}

func serveAppWith(t *testing.T, cfg Config, http2 bool) (core.App, *Relay, *httptest.Server) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	r := New(app, cfg)
	relays.Store(app, r)
	pbRouter, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	// the relay's OnServe handlers (its middleware), as app.Start would run them
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: pbRouter}, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mux, err := pbRouter.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	if http2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		_ = app.ResetBootstrapState()
	})
	return app, r, srv
}

// relays is each test app's relay, for clientOf.
var relays sync.Map

// clientOf is the open connection's client with the id, as Hearth's subscribe route finds it.
func clientOf(app core.App, id string) (*client, error) {
	r, _ := relays.Load(app)
	return r.(*Relay).Client(id)
}

func user(id string) *core.Record {
	r := core.NewRecord(core.NewBaseCollection("users"))
	r.Id = id
	return r
}

type event struct{ name, data string }

// tab is an EventSource-like reader of one SSE connection.
type tab struct {
	id     string
	events chan event
	body   io.Closer
	proto  int
}

// open connects like a browser tab, then signs it in as userId ("" = guest) and subscribes it.
func open(t *testing.T, app core.App, url, userId string, topics ...string) *tab {
	t.Helper()
	return openWith(t, http.DefaultClient, app, url, userId, topics...)
}

func openWith(t *testing.T, hc *http.Client, app core.App, url, userId string, topics ...string) *tab {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	return openRequest(t, hc, app, req, userId, topics...)
}

func openRequest(t *testing.T, hc *http.Client, app core.App, req *http.Request, userId string, topics ...string) *tab {
	t.Helper()
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	tb := &tab{events: make(chan event, 1000), body: res.Body, proto: res.ProtoMajor}
	go func() {
		defer close(tb.events)
		lines := bufio.NewScanner(res.Body)
		lines.Buffer(make([]byte, 1<<20), 1<<20)
		var ev event
		for lines.Scan() {
			line := lines.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.name = line[6:]
			case strings.HasPrefix(line, "data:"):
				ev.data = line[5:]
			case line == "":
				tb.events <- ev
				ev = event{}
			}
		}
	}()
	first := tb.next(t)
	if first.name != "PB_CONNECT" {
		t.Fatalf("first event %q, want PB_CONNECT", first.name)
	}
	tb.id = strings.TrimSuffix(strings.TrimPrefix(first.data, `{"clientId":"`), `"}`)
	client, err := clientOf(app, tb.id)
	if err != nil {
		t.Fatal(err)
	}
	if userId != "" {
		client.Set(apis.RealtimeClientAuthKey, user(userId))
	}
	client.Subscribe(topics...)
	return tb
}

func (tb *tab) next(t *testing.T) event {
	t.Helper()
	ev, ok := tb.within(2 * time.Second)
	if !ok {
		t.Fatal("no event within 2s")
	}
	return ev
}

func (tb *tab) within(d time.Duration) (event, bool) {
	select {
	case ev, ok := <-tb.events:
		return ev, ok
	case <-time.After(d):
		return event{}, false
	}
}

func TestPublishReachesOnlyAllowedSubscribers(t *testing.T) {
	app, r, url := serveApp(t, Config{})
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
			tb := open(t, app, url, s.user, s.topic)
			r.Publish(Event{Topic: "rooms/a", Data: `{"html":"x"}`, Users: s.users, AnyUser: s.anyUser, Filter: s.filter})
			ev, got := tb.within(300 * time.Millisecond)
			if got != s.want {
				t.Fatalf("received = %v, want %v", got, s.want)
			}
			if got && (ev.name != "rooms/a" || ev.data != `{"html":"x"}`) {
				t.Fatalf("got %+v", ev)
			}
		})
	}
}

func TestPocketBaseOwnMessagesStillArrive(t *testing.T) {
	app, _, url := serveApp(t, Config{})
	tb := open(t, app, url, "u1", "messages")
	client, _ := clientOf(app, tb.id)
	client.Send(subscriptions.Message{Name: "messages", Data: []byte(`{"action":"create"}`)})
	if ev := tb.next(t); ev.name != "messages" || ev.data != `{"action":"create"}` {
		t.Fatalf("got %+v", ev)
	}
}

// stuckTab connects and subscribes, then never reads: its socket buffers fill and the server's
// writes to it block.
func stuckTab(t *testing.T, app core.App, url, userId string, topics ...string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return stuckOver(t, app, conn, userId, topics...)
}

// stuckOver opens the stream over conn, signs it in and subscribes it, and reads nothing more.
func stuckOver(t *testing.T, app core.App, conn net.Conn, userId string, topics ...string) net.Conn {
	t.Helper()
	if _, err := io.WriteString(conn, "GET /api/realtime HTTP/1.1\r\nHost: relay.test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	var seen string
	for !strings.Contains(seen, `"}`) {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		seen += string(buf[:n])
	}
	id := seen[strings.Index(seen, `{"clientId":"`)+13:]
	id = id[:strings.Index(id, `"`)]
	client, err := clientOf(app, id)
	if err != nil {
		t.Fatal(err)
	}
	client.Set(apis.RealtimeClientAuthKey, user(userId))
	client.Subscribe(topics...)
	return conn
}

func TestNeverReadingClientIsDroppedWithoutBlocking(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	stuck := stuckTab(t, app, url, "u1", "rooms/a")
	healthy := open(t, app, url, "u2", "rooms/a")
	big := `{"html":"` + strings.Repeat("x", 64<<10) + `"}`
	const events = 300 // ~20 MB: more than any loopback socket buffers hold
	got := make(chan int, 1)
	go func() {
		n := 0
		for ev := range healthy.events {
			if ev.name == "rooms/a" {
				n++
				if n == events {
					break
				}
			}
		}
		got <- n
	}()
	published := make(chan struct{})
	go func() {
		for i := 0; i < events; i++ {
			r.Publish(Event{Topic: "rooms/a", Data: big, AnyUser: true})
			time.Sleep(time.Millisecond) // a stream the healthy tab keeps up with (64 MB/s)
		}
		close(published)
	}()
	select {
	case <-published:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked on a client that never reads")
	}
	select {
	case n := <-got:
		if n != events {
			t.Fatalf("the healthy tab got %d of %d events", n, events)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the healthy tab did not get every event")
	}
	if d := r.Stats()["dropped"]; d != 1 {
		t.Fatalf("dropped = %d, want 1", d)
	}
	// the dropped connection is closed now, not after the 10 s write deadline
	_ = stuck.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, stuck); err != nil {
		t.Fatalf("the dropped connection was not closed: %v", err)
	}
}

func TestRoomEventsArriveInPositionOrder(t *testing.T) {
	app, r, url := serveApp(t, Config{ReorderWait: time.Second})
	tb := open(t, app, url, "u1", "rooms/a")
	r.Publish(Event{Topic: "rooms/a", Data: "1", Room: "a", Seq: 1, AnyUser: true})
	r.Publish(Event{Topic: "rooms/a", Data: "3", Room: "a", Seq: 3, AnyUser: true})
	r.Publish(Event{Topic: "rooms/a", Data: "4", Room: "a", Seq: 4, AnyUser: true})
	r.Publish(Event{Topic: "rooms/a", Data: "2", Room: "a", Seq: 2, AnyUser: true})
	for _, want := range []string{"1", "2", "3", "4"} {
		if ev := tb.next(t); ev.data != want {
			t.Fatalf("got %q, want %q", ev.data, want)
		}
	}
}

func TestMissingPositionIsSkippedAfterTheWait(t *testing.T) {
	app, r, url := serveApp(t, Config{ReorderWait: 50 * time.Millisecond})
	tb := open(t, app, url, "u1", "rooms/a")
	r.Publish(Event{Topic: "rooms/a", Data: "1", Room: "a", Seq: 1, AnyUser: true})
	r.Publish(Event{Topic: "rooms/a", Data: "3", Room: "a", Seq: 3, AnyUser: true}) // 2 never comes (a failed save)
	for _, want := range []string{"1", "3"} {
		if ev := tb.next(t); ev.data != want {
			t.Fatalf("got %q, want %q", ev.data, want)
		}
	}
}

func TestQuietConnectionsGetKeepAlives(t *testing.T) {
	app, r, url := serveApp(t, Config{KeepAlive: 150 * time.Millisecond})
	quiet := open(t, app, url, "u1", "rooms/a")
	busy := open(t, app, url, "u2", "rooms/b")
	stop := time.After(600 * time.Millisecond)
	pings := 0
	for done := false; !done; {
		select {
		case <-stop:
			done = true
		case <-time.After(50 * time.Millisecond):
			r.Publish(Event{Topic: "rooms/b", Data: "x", AnyUser: true})
		case ev := <-quiet.events:
			if ev.name != PingEvent {
				t.Fatalf("quiet tab got %+v", ev)
			}
			pings++
		case ev := <-busy.events:
			if ev.name == PingEvent {
				t.Fatal("a connection that keeps getting events needs no keep-alive")
			}
		}
	}
	if pings < 2 {
		t.Fatalf("quiet tab got %d keep-alives in 600 ms at a 150 ms period", pings)
	}
}

func TestClosedTabIsForgotten(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	tb := open(t, app, url, "u1", "rooms/a")
	if n := r.Stats()["queues"]; n != 1 {
		t.Fatalf("queues = %d, want 1", n)
	}
	tb.body.Close()
	for start := time.Now(); r.Stats()["queues"] != 0 || r.Stats()["topics"] != 0 || r.conns.count() != 0; {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("a closed tab is still registered: %v", r.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Over HTTP/2 the connection cannot be taken over; the relay serves it in the handler instead.
func TestHTTP2ConnectionsAreServedToo(t *testing.T) {
	app, r, srv := serveAppWith(t, Config{KeepAlive: 100 * time.Millisecond}, true)
	tb := openWith(t, srv.Client(), app, srv.URL, "u1", "rooms/a")
	if tb.proto != 2 {
		t.Fatalf("connected with HTTP/%d, want HTTP/2", tb.proto)
	}
	r.Publish(Event{Topic: "rooms/a", Data: "1", Room: "a", Seq: 1, AnyUser: true})
	if ev := tb.next(t); ev.name != "rooms/a" || ev.data != "1" {
		t.Fatalf("got %+v", ev)
	}
	if ev := tb.next(t); ev.name != PingEvent {
		t.Fatalf("got %+v, want a keep-alive", ev)
	}
	client, _ := clientOf(app, tb.id)
	client.Send(subscriptions.Message{Name: "messages", Data: []byte(`{}`)})
	if ev := tb.next(t); ev.name != "messages" {
		t.Fatalf("got %+v", ev)
	}
	tb.body.Close()
	for start := time.Now(); r.Stats()["queues"] != 0; {
		if time.Since(start) > 2*time.Second {
			t.Fatal("a closed HTTP/2 tab is still registered")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestChangedSubscriptionsMoveTheTab(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	tb := open(t, app, url, "u1", "rooms/a")
	// rooms/b is published to once before the move, so its list of subscribers is made and kept
	other := open(t, app, url, "u2", "rooms/b")
	if n := r.Publish(Event{Topic: "rooms/b", Data: "before", AnyUser: true}); n != 1 {
		t.Fatalf("rooms/b had %d subscribers before the move, want 1", n)
	}
	if ev := other.next(t); ev.data != "before" {
		t.Fatalf("the other tab got %+v", ev)
	}
	client, _ := clientOf(app, tb.id)
	client.Unsubscribe()
	client.Subscribe("rooms/b")
	r.Publish(Event{Topic: "rooms/a", Data: "to a", AnyUser: true})
	r.Publish(Event{Topic: "rooms/b", Data: "to b", AnyUser: true})
	if ev := tb.next(t); ev.data != "to b" {
		t.Fatalf("got %+v, want only the event of rooms/b", ev)
	}
	if ev, got := tb.within(200 * time.Millisecond); got {
		t.Fatalf("also got %+v", ev)
	}
}

func TestPublishAdmitsUsersOfTheAuthCollection(t *testing.T) {
	scenarios := []struct {
		name       string
		configured string // Config.AuthCollection
		named      string // Event.AuthCollection
		want       bool
	}{
		{"users by default: a staff record is left out", "", "", false},
		{"the event names staff", "", "staff", true},
		{"the relay is configured for staff", "staff", "", true},
		{"the event's collection wins over the relay's", "staff", "users", false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			app, r, url := serveApp(t, Config{AuthCollection: s.configured})
			tb := open(t, app, url, "", "rooms/a")
			staff := core.NewRecord(core.NewBaseCollection("staff"))
			staff.Id = "s1"
			client, _ := clientOf(app, tb.id)
			client.Set(apis.RealtimeClientAuthKey, staff)
			n := r.Publish(Event{Topic: "rooms/a", Data: "x", Users: []string{"s1"}, AuthCollection: s.named})
			if got := n == 1; got != s.want {
				t.Fatalf("recipients = %d, want the staff tab: %v", n, s.want)
			}
			if _, got := tb.within(300 * time.Millisecond); got != s.want {
				t.Fatalf("received = %v, want %v", got, s.want)
			}
		})
	}
}

// Publish reads who a client is from what PocketBase set last: signing in, another account, and
// signing out each change who receives the next event.
func TestPublishFollowsTheClientsAuth(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	tb := open(t, app, url, "", "rooms/a")
	client, _ := clientOf(app, tb.id)
	send := func() int { return r.Publish(Event{Topic: "rooms/a", Data: "x", Users: []string{"u1"}}) }
	if n := send(); n != 0 {
		t.Fatalf("a guest received it (%d)", n)
	}
	client.Set(apis.RealtimeClientAuthKey, user("u1"))
	if n := send(); n != 1 {
		t.Fatalf("u1 signed in: %d recipients, want 1", n)
	}
	client.Set(apis.RealtimeClientAuthKey, user("u2"))
	if n := send(); n != 0 {
		t.Fatalf("now signed in as u2: %d recipients, want 0", n)
	}
	client.Set(apis.RealtimeClientAuthKey, user("u1"))
	client.Unset(apis.RealtimeClientAuthKey)
	if n := send(); n != 0 {
		t.Fatalf("signed out: %d recipients, want 0", n)
	}
}
