package relay

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestPresenceCost measures what one burst of arrivals costs (BENCHMARKS.md, "Presence"):
// followers already in a room, then arrivals at once; it reports the lists published, the
// messages the relay wrote, and when the last follower had the final list. A ping that made every
// tab fetch the list instead would cost one page request per follower per list.
//
//	HEARTH_BENCH_PRESENCE=1000,50 go test -run PresenceCost -v ./relay
func TestPresenceCost(t *testing.T) {
	var followers, arrivals int
	if _, err := fmt.Sscanf(os.Getenv("HEARTH_BENCH_PRESENCE"), "%d,%d", &followers, &arrivals); err != nil {
		t.Skip("set HEARTH_BENCH_PRESENCE=<followers>,<arrivals>")
	}
	app, r, url := serveApp(t, Config{MaxPerIP: -1, MaxPerSession: -1})
	tabs := make([]*tab, followers)
	for i := range tabs {
		tabs[i] = follower(t, app, url, fmt.Sprintf("f%d", i), fmt.Sprintf("F%04d", i), "rooms/a")
	}
	time.Sleep(time.Second) // the followers' own arrival lists go out
	for _, tb := range tabs {
		tb.lastPresence(10 * time.Millisecond)
	}
	var lists, delivered int64
	var start time.Time
	arriveAtOnce(t, app, url, "n", arrivals, "rooms/a", func() {
		lists, delivered, start = r.Stats()["presence"], r.Stats()["delivered"], time.Now()
	})
	want := fmt.Sprintf(`data-people="%d"`, followers+arrivals)
	var last time.Duration
	received := 0
	for _, tb := range tabs {
		for {
			html := tb.nextPresence(3 * time.Second)
			if html == "" {
				t.Fatal("a follower never got the final list")
			}
			received++
			if strings.Contains(html, want) {
				break
			}
		}
		last = max(last, time.Since(start))
	}
	time.Sleep(time.Second)
	lists = r.Stats()["presence"] - lists
	t.Logf("%d followers, %d arriving at once: %d lists published, %d messages written (%d read by the followers), last follower had the final list after %v; a ping-and-fetch design would have made %d page requests",
		followers, arrivals, lists, r.Stats()["delivered"]-delivered, received, last.Round(time.Millisecond), int(lists)*(followers+arrivals))
}
