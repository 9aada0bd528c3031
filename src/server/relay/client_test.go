package relay

import (
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// The fast answer must always equal PocketBase's own: the prefixes are the ones its record
// realtime asks for (collection name or id, record id or "*", with the "?" separator).
func TestSubscriptionsMatchPocketBase(t *testing.T) {
	subsets := [][]string{
		nil,
		{"rooms/abc"},
		{"rooms/abc", "rooms/def"},
		{"messages/*"},
		{"messages/rec1"},
		{`messages/*?options={"query":{"filter":"x"}}`},
		{"messages"},
		{"messagesX/*", "rooms/a"},
		{"pbc_123/rec1", "rooms/a"},
	}
	prefixSets := [][]string{
		{"messages/rec1?"}, {"messages/*?"}, {"messages?"}, {"pbc_123/rec1?"}, {"pbc_123/*?"},
		{"rooms/"}, {"rooms/abc"}, {"room"}, {""}, {"messages/*?", "rooms/abc?"}, {"zzz"},
	}
	for _, subs := range subsets {
		plain := subscriptions.NewDefaultClient()
		plain.Subscribe(subs...)
		fast := newClient(subscriptions.NewDefaultClient())
		fast.Subscribe(subs...)
		for _, prefixes := range prefixSets {
			want := plain.Subscriptions(prefixes...)
			got := fast.Subscriptions(prefixes...)
			if len(want) == 0 && len(got) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("subs %q prefixes %q: got %v, want %v", subs, prefixes, got, want)
			}
		}
		fast.Unsubscribe()
		if got := fast.Subscriptions("rooms/"); len(got) != 0 {
			t.Errorf("after Unsubscribe: %v", got)
		}
	}
}

// Send hands a message to the connection's loop, and never blocks past Discard, which no longer
// races with it (PocketBase's own client closes the channel a Send may be sending on).
func TestSendWaitsForTheLoopOrDiscard(t *testing.T) {
	c := newClient(subscriptions.NewDefaultClient())
	taken := make(chan subscriptions.Message, 1)
	go func() { taken <- <-c.Channel() }()
	c.Send(subscriptions.Message{Name: "first"})
	if m := <-taken; m.Name != "first" {
		t.Fatalf("the loop took %q", m.Name)
	}

	sent := make(chan struct{})
	go func() {
		c.Send(subscriptions.Message{Name: "nobody takes it"})
		close(sent)
	}()
	c.Discard()
	select {
	case <-sent:
	case <-time.After(2 * time.Second):
		t.Fatal("a Send waiting for the loop was not released by Discard")
	}
	c.Send(subscriptions.Message{Name: "after"}) // returns at once
	if !c.IsDiscarded() {
		t.Fatal("not discarded")
	}
}
