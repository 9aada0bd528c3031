package relay

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

const presenceWait = 50 * time.Millisecond

// follower opens a tab signed in as userId ("" = guest) named name, which follows topics the way
// Hearth's subscribe route does.
func follower(t *testing.T, app core.App, url, userId, name string, topics ...string) *tab {
	t.Helper()
	tb := open(t, app, url, "")
	c, err := clientOf(app, tb.id)
	if err != nil {
		t.Fatal(err)
	}
	if userId != "" {
		u := user(userId)
		u.SetRaw("name", name)
		c.Set(apis.RealtimeClientAuthKey, u)
	}
	c.Follow(topics...)
	return tb
}

// arriveAtOnce connects n people (ids prefix1..prefixN), calls ready (if set), then has them all
// follow topic at once.
func arriveAtOnce(t *testing.T, app core.App, url, prefix string, n int, topic string, ready func()) {
	t.Helper()
	clients := make([]*client, n)
	for i := range clients {
		tb := follower(t, app, url, fmt.Sprintf("%s%d", prefix, i+1), fmt.Sprintf("%s%04d", strings.ToUpper(prefix), i+1))
		c, _ := clientOf(app, tb.id)
		clients[i] = c
	}
	if ready != nil {
		ready()
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Follow(topic)
		}()
	}
	wg.Wait()
}

// nextPresence is the next "Here now" of rooms/a the tab receives within d, "" for none.
func (tb *tab) nextPresence(d time.Duration) string {
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-tb.events:
			if !ok {
				return ""
			}
			var envelope struct{ Html string }
			if (ev.name == "rooms/a" || ev.name == "me") && json.Unmarshal([]byte(ev.data), &envelope) == nil && strings.Contains(envelope.Html, `id="presence"`) {
				return envelope.Html
			}
		case <-deadline:
			return ""
		}
	}
}

// lastPresence is the last "Here now" the tab receives before it stays quiet for quiet.
func (tb *tab) lastPresence(quiet time.Duration) (last string, count int) {
	for {
		html := tb.nextPresence(quiet)
		if html == "" {
			return last, count
		}
		last, count = html, count+1
	}
}

func names(people []Person) string {
	list := make([]string, len(people))
	for i, p := range people {
		list[i] = p.Name
	}
	return strings.Join(list, ",")
}

func waitPresent(t *testing.T, r *Relay, topic, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for names(r.Present(topic)) != want {
		if time.Now().After(deadline) {
			t.Fatalf("present on %s = %q, want %q", topic, names(r.Present(topic)), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPresenceArrivalsAndDepartures(t *testing.T) {
	app, r, url := serveApp(t, Config{PresenceWait: presenceWait})
	ana := follower(t, app, url, "u1", "Ana", "rooms/a")
	if html := ana.nextPresence(time.Second); !strings.Contains(html, `<span class="presence-person">Ana</span>`) {
		t.Fatalf("Ana sees %q", html)
	}
	ben := follower(t, app, url, "u2", "Ben", "rooms/a", "rooms/b")
	for _, tb := range []*tab{ana, ben} {
		if html := tb.nextPresence(time.Second); !strings.Contains(html, `Ana</span> and <span class="presence-person">Ben</span>`) {
			t.Fatalf("after Ben arrived: %q", html)
		}
	}
	waitPresent(t, r, "rooms/b", "Ben")

	// a second tab of Ana's counts once, and changes nothing anyone is sent
	second := follower(t, app, url, "u1", "Ana", "rooms/a")
	if html := second.nextPresence(time.Second); !strings.Contains(html, `Ana</span> and <span class="presence-person">Ben</span>`) {
		t.Fatalf("the second tab got %q", html)
	}
	if html := ben.nextPresence(5 * presenceWait); html != "" {
		t.Fatalf("a second tab sent %q", html)
	}
	if got := names(r.Present("rooms/a")); got != "Ana,Ben" {
		t.Fatalf("present %q", got)
	}
	// closing one of her two tabs leaves her present; closing both, she leaves
	second.body.Close()
	time.Sleep(5 * presenceWait)
	waitPresent(t, r, "rooms/a", "Ana,Ben")
	ana.body.Close()
	if html := ben.nextPresence(time.Second); !strings.Contains(html, `Here now:</span> <span class="presence-person">Ben</span></p>`) {
		t.Fatalf("after Ana left: %q", html)
	}
	waitPresent(t, r, "rooms/a", "Ben")

	// unsubscribing (here: following other rooms) leaves too
	c, _ := clientOf(app, ben.id)
	c.Follow("rooms/b")
	waitPresent(t, r, "rooms/a", "")
}

func TestPresenceCountsOnlyWhomHearthAdmitted(t *testing.T) {
	app, r, url := serveApp(t, Config{PresenceWait: presenceWait})
	ana := follower(t, app, url, "u1", "Ana", "rooms/a")
	ana.lastPresence(3 * presenceWait)
	scenarios := []struct {
		name string
		open func() *tab
	}{
		// PocketBase's own subscribe endpoint authorizes nothing: such a subscriber may be anyone
		{"subscribed through PocketBase's endpoint", func() *tab { return open(t, app, url, "u3", "rooms/a") }},
		{"a guest following", func() *tab { return follower(t, app, url, "", "", "rooms/a") }},
		{"following another room", func() *tab { return follower(t, app, url, "u4", "Dan", "rooms/b") }},
		{"following one's own topic", func() *tab { return follower(t, app, url, "u5", "Eve", "me") }},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			other := s.open()
			if html := ana.nextPresence(5 * presenceWait); html != "" {
				t.Fatalf("Ana was told %q", html)
			}
			if got := names(r.Present("rooms/a")); got != "Ana" {
				t.Fatalf("present %q", got)
			}
			if got := names(r.Present("me")); got != "" {
				t.Fatalf("present on me: %q", got)
			}
			// and nobody's arrival or departure reaches them
			ben := follower(t, app, url, "u2", "Ben", "rooms/a")
			if html := other.nextPresence(5 * presenceWait); html != "" {
				t.Fatalf("they were told %q", html)
			}
			ben.body.Close()
			waitPresent(t, r, "rooms/a", "Ana")
			ana.lastPresence(3 * presenceWait)
		})
	}
}

func TestPocketBaseEndpointEndsFollowing(t *testing.T) {
	app, r, url := serveApp(t, Config{PresenceWait: presenceWait})
	ana := follower(t, app, url, "u1", "Ana", "rooms/a")
	waitPresent(t, r, "rooms/a", "Ana")
	// PocketBase's endpoint replaces all subscriptions: the same topic again is not followed
	c, _ := clientOf(app, ana.id)
	c.Unsubscribe()
	c.Subscribe("rooms/a")
	waitPresent(t, r, "rooms/a", "")
}

func TestRevokedPeopleLeaveAndStopHearing(t *testing.T) {
	app, r, url := serveApp(t, Config{PresenceWait: presenceWait})
	ana := follower(t, app, url, "u1", "Ana", "rooms/a")
	ben := follower(t, app, url, "u2", "Ben", "rooms/a")
	waitPresent(t, r, "rooms/a", "Ana,Ben")
	ana.lastPresence(3 * presenceWait)
	ben.lastPresence(3 * presenceWait)

	r.revoke("rooms/a", []string{"u2"})
	if html := ana.nextPresence(time.Second); !strings.Contains(html, `Here now:</span> <span class="presence-person">Ana</span></p>`) {
		t.Fatalf("Ana sees %q", html)
	}
	if html := ben.nextPresence(5 * presenceWait); html != "" {
		t.Fatalf("Ben was told %q", html)
	}
	follower(t, app, url, "u3", "Cal", "rooms/a")
	if html := ben.nextPresence(5 * presenceWait); html != "" {
		t.Fatalf("Ben was told %q", html)
	}
}

func TestPresenceCoalescesArrivals(t *testing.T) {
	app, r, url := serveApp(t, Config{PresenceWait: 200 * time.Millisecond, MaxPerIP: -1, MaxPerSession: -1})
	ana := follower(t, app, url, "u0", "Ana", "rooms/a")
	ana.lastPresence(400 * time.Millisecond)
	before := r.Stats()["presence"]
	arriveAtOnce(t, app, url, "u", 50, "rooms/a", nil)
	last, count := ana.lastPresence(400 * time.Millisecond)
	if !strings.Contains(last, `data-people="51"`) {
		t.Fatalf("last list %q", last)
	}
	// 50 arrivals within a few waits: a handful of lists, not fifty
	if sent := r.Stats()["presence"] - before; count > 5 || sent > 5 {
		t.Fatalf("Ana got %d lists, %d published", count, sent)
	}
}

func TestPresenceRendering(t *testing.T) {
	people := func(names ...string) []Person {
		list := make([]Person, len(names))
		for i, n := range names {
			list[i] = Person{Id: fmt.Sprint(i), Name: n}
		}
		return list
	}
	span := func(name string) string { return `<span class="presence-person">` + name + `</span>` }
	scenarios := []struct {
		name   string
		people []Person
		want   string
	}{
		{"nobody", nil, `Here now:</span> nobody</p>`},
		{"one", people("Ana"), `Here now:</span> ` + span("Ana") + `</p>`},
		{"two", people("Ana", "Ben"), span("Ana") + ` and ` + span("Ben") + `</p>`},
		{"three", people("Ana", "Ben", "Cal"), span("Ana") + `, ` + span("Ben") + ` and ` + span("Cal") + `</p>`},
		{"four", people("Ana", "Ben", "Cal", "Dan"), span("Ana") + `, ` + span("Ben") + ` and 2 others</p>`},
		{"names escaped", people(`<b>"&'`), span(`&lt;b&gt;&#34;&amp;&#39;`)},
		{"all in the title", people("Ana", "Ben", "Cal", "Dan"), `title="Ana, Ben, Cal, Dan"`},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := renderPresence(s.people)
			if !strings.Contains(got, s.want) || strings.Contains(got, "\n") {
				t.Fatalf("got %q, want it to contain %q", got, s.want)
			}
		})
	}
}

// A person who renames themselves (here through PocketBase, as the profile page, the API and the
// dashboard all do) is shown by the new name in every room they have open, without reconnecting.
func TestPresenceFollowsARename(t *testing.T) {
	app, r, url := serveApp(t, Config{PresenceWait: presenceWait})
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	ana := core.NewRecord(users)
	ana.Set("email", "ana@example.com")
	ana.SetPassword("a long enough password")
	ana.Set("name", "Ana")
	if err := app.Save(ana); err != nil {
		t.Fatal(err)
	}
	// signed in with her stored record (PocketBase signs out a client whose record's token key
	// changed, so a stand-in record would not do)
	tab := open(t, app, url, "")
	c, err := clientOf(app, tab.id)
	if err != nil {
		t.Fatal(err)
	}
	c.Set(apis.RealtimeClientAuthKey, ana)
	c.Follow("rooms/a", "rooms/b")
	waitPresent(t, r, "rooms/a", "Ana")
	waitPresent(t, r, "rooms/b", "Ana")
	for tab.nextPresence(5*presenceWait) != "" {
		// the lists of her arrival
	}
	ana.Set("name", "Anna")
	if err := app.Save(ana); err != nil {
		t.Fatal(err)
	}
	waitPresent(t, r, "rooms/a", "Anna")
	waitPresent(t, r, "rooms/b", "Anna")
	if html := tab.nextPresence(time.Second); !strings.Contains(html, `<span class="presence-person">Anna</span>`) {
		t.Fatalf("after the rename the tab got %q", html)
	}
}
