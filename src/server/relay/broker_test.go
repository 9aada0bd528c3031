package relay

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// A Hearth tab stays out of PocketBase's broker, so PocketBase's record realtime walks no Hearth
// tab on a record change; Hearth's route still finds it, and the relay still reaches it.
func TestHearthTabsStayOutOfTheBroker(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	tabs := []*tab{open(t, app, url, "u1", "rooms/a"), open(t, app, url, "u2", "rooms/a")}
	if n := app.SubscriptionsBroker().TotalClients(); n != 0 {
		t.Fatalf("%d clients in the broker, want none", n)
	}
	if n := r.Stats()["clients"]; n != 2 {
		t.Fatalf("relay counts %d clients, want 2", n)
	}
	r.Publish(Event{Topic: "rooms/a", Data: "x", AnyUser: true})
	for _, tb := range tabs {
		if ev := tb.next(t); ev.data != "x" {
			t.Fatalf("got %+v", ev)
		}
	}
	if _, err := r.Client("no-such-connection"); err == nil {
		t.Fatal("an unknown id found a client")
	}
}

// PocketBase's own subscribe endpoint puts the connection in the broker first, so its record
// realtime reaches it; the connection leaves the broker when it ends.
func TestPocketBaseSubscribersJoinTheBroker(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	notes := core.NewBaseCollection("notes")
	notes.Fields.Add(&core.TextField{Name: "text"})
	public := ""
	notes.ListRule, notes.ViewRule = &public, &public
	if err := app.Save(notes); err != nil {
		t.Fatal(err)
	}
	tb := open(t, app, url, "")
	for _, body := range []struct{ contentType, body string }{
		{"application/json", `{"clientId":"` + tb.id + `","subscriptions":["notes/*"]}`},
		{"application/x-www-form-urlencoded", "clientId=" + tb.id + "&subscriptions=notes%2F%2A"},
	} {
		res, err := http.Post(url+"/api/realtime", body.contentType, strings.NewReader(body.body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("%s subscribe answered %d", body.contentType, res.StatusCode)
		}
	}
	if _, err := app.SubscriptionsBroker().ClientById(tb.id); err != nil {
		t.Fatal("the subscriber is not in the broker:", err)
	}
	note := core.NewRecord(notes)
	note.Set("text", "hello")
	if err := app.Save(note); err != nil {
		t.Fatal(err)
	}
	if ev := tb.next(t); ev.name != "notes/*" || !strings.Contains(ev.data, `"hello"`) {
		t.Fatalf("got %+v, want the record's create", ev)
	}
	// an unknown id is still PocketBase's 404
	res, err := http.Post(url+"/api/realtime", "application/json", strings.NewReader(`{"clientId":"nobody","subscriptions":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown client answered %d, want 404", res.StatusCode)
	}
	tb.body.Close()
	for start := time.Now(); app.SubscriptionsBroker().TotalClients() != 0 || r.conns.count() != 0; {
		if time.Since(start) > 2*time.Second {
			t.Fatal("the ended connection is still registered")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// What PocketBase does for the clients in its broker, the relay does for Hearth's tabs: a changed
// auth record replaces the one they are signed in with, a new token key (password) or a deletion
// signs them out.
func TestAuthChangesReachTabsOutsideTheBroker(t *testing.T) {
	app, r, url := serveApp(t, Config{})
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	signedIn := func(name string) (*tab, *client, *core.Record) {
		u := core.NewRecord(users)
		u.Set("email", name+"@example.com")
		u.SetPassword("a long enough password")
		u.Set("name", name)
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
		tb := open(t, app, url, "")
		c, err := r.Client(tb.id)
		if err != nil {
			t.Fatal(err)
		}
		// signed in with the record as it was read at sign-in, not the one the test changes
		stored, err := app.FindRecordById(users, u.Id)
		if err != nil {
			t.Fatal(err)
		}
		c.Set(apis.RealtimeClientAuthKey, stored)
		c.Subscribe("rooms/a")
		return tb, c, u
	}
	authOf := func(c *client) *core.Record {
		a, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
		return a
	}

	_, ana, anaRecord := signedIn("ana")
	anaRecord.Set("name", "Anna")
	if err := app.Save(anaRecord); err != nil {
		t.Fatal(err)
	}
	if a := authOf(ana); a == nil || a.GetString("name") != "Anna" {
		t.Fatalf("after a rename the tab is signed in as %v", a)
	}

	benTab, ben, benRecord := signedIn("ben")
	benRecord.SetPassword("another long password")
	if err := app.Save(benRecord); err != nil {
		t.Fatal(err)
	}
	if authOf(ben) != nil {
		t.Fatal("a new password left the tab signed in")
	}
	r.Publish(Event{Topic: "rooms/a", Data: "for users", AnyUser: true})
	if ev, got := benTab.within(200 * time.Millisecond); got {
		t.Fatalf("a signed-out tab got %+v", ev)
	}

	_, cy, cyRecord := signedIn("cy")
	if err := app.Delete(cyRecord); err != nil {
		t.Fatal(err)
	}
	if authOf(cy) != nil || cy.who.Load() != nil {
		t.Fatal("a deleted person's tab is still signed in")
	}
}
