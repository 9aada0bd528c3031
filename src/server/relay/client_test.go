package relay

import (
	"reflect"
	"testing"

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
