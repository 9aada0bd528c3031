package limits

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a manual clock for the tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestTakeAndRefund(t *testing.T) {
	type step struct {
		op      string // "take", "refund" or "wait"
		key     string
		wait    time.Duration
		allowed bool // for take
	}
	cases := []struct {
		name   string
		max    int
		window int
		steps  []step
	}{
		{"allows max then refuses", 2, 60, []step{
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: false},
			{op: "take", key: "a", allowed: false},
		}},
		{"keys are separate", 1, 60, []step{
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "b", allowed: true},
			{op: "take", key: "a", allowed: false},
		}},
		{"a new window starts when the old one ends", 1, 10, []step{
			{op: "take", key: "a", allowed: true},
			{op: "wait", wait: 9 * time.Second},
			{op: "take", key: "a", allowed: false},
			{op: "wait", wait: time.Second},
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: false},
		}},
		{"refund gives one slot back", 2, 60, []step{
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: true},
			{op: "refund", key: "a"},
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: false},
		}},
		{"refund never goes below zero", 1, 60, []step{
			{op: "take", key: "a", allowed: true},
			{op: "refund", key: "a"},
			{op: "refund", key: "a"},
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: false},
		}},
		{"refund of an unknown key does nothing", 1, 60, []step{
			{op: "refund", key: "a"},
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: false},
		}},
		{"refund after the window ended gives nothing to the next one", 1, 10, []step{
			{op: "take", key: "a", allowed: true},
			{op: "wait", wait: 10 * time.Second},
			{op: "refund", key: "a"},
			{op: "take", key: "a", allowed: true},
			{op: "take", key: "a", allowed: false},
		}},
		{"max 0 refuses everything", 0, 60, []step{
			{op: "take", key: "a", allowed: false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: time.Unix(1_000_000, 0)}
			l := newWithClock(c.now)
			for i, s := range tc.steps {
				switch s.op {
				case "take":
					if got := l.Take("test", s.key, tc.max, tc.window); got != s.allowed {
						t.Fatalf("step %d: Take(%q) = %v, want %v", i, s.key, got, s.allowed)
					}
				case "refund":
					l.Refund("test", s.key)
				case "wait":
					c.advance(s.wait)
				}
			}
		})
	}
}

func TestNamesAreSeparate(t *testing.T) {
	l := New()
	if !l.Take("posts", "u1", 1, 60) || !l.Take("edits", "u1", 1, 60) {
		t.Fatal("one limit used up another's slot")
	}
	if l.Take("posts", "u1", 1, 60) {
		t.Fatal("second post allowed")
	}
}

// TestConcurrentTakesAllowExactlyMax is the property the JS store could not give: callers that
// arrive together never get more than max slots between them.
func TestConcurrentTakesAllowExactlyMax(t *testing.T) {
	for _, tc := range []struct{ callers, max int }{{300, 10}, {45, 30}, {1000, 1}, {5, 10}} {
		l := New()
		var allowed atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < tc.callers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if l.Take("failed_logins", "127.0.0.1", tc.max, 600) {
					allowed.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		want := min(tc.max, tc.callers)
		if int(allowed.Load()) != want {
			t.Errorf("%d callers, max %d: %d allowed, want %d", tc.callers, tc.max, allowed.Load(), want)
		}
	}
}

func TestExpiredWindowsArePruned(t *testing.T) {
	c := &clock{t: time.Unix(1_000_000, 0)}
	l := newWithClock(c.now)
	for _, key := range []string{"a", "b", "c"} {
		l.Take("test", key, 5, 10)
	}
	l.Take("long", "d", 5, 3600)
	if l.Len() != 4 {
		t.Fatalf("Len = %d, want 4", l.Len())
	}
	c.advance(pruneEvery)
	l.Take("test", "e", 5, 10) // the first take after pruneEvery sweeps
	if l.Len() != 2 {
		t.Fatalf("after pruning Len = %d, want 2 (the hour-long window and the new one)", l.Len())
	}
}

func TestRuleFromEnv(t *testing.T) {
	def := Rule{Name: "things", Max: 5, Window: 60}
	scenarios := []struct {
		name string
		env  string
		want Rule
	}{
		{"unset: the default", "", def},
		{"max/seconds", "7/30", Rule{"things", 7, 30}},
		{"zero allowed (off)", "0/60", Rule{"things", 0, 60}},
		{"malformed: the default", "seven", def},
		{"no window: the default", "7/0", def},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Setenv("HEARTH_LIMIT_THINGS", s.env)
			if got := RuleFromEnv(def); got != s.want {
				t.Fatalf("got %+v, want %+v", got, s.want)
			}
		})
	}
}

// Refusals counts each limit's refusals, and nothing for what it allows.
func TestRefusalsCountPerLimit(t *testing.T) {
	l := New()
	for i := 0; i < 5; i++ {
		l.Take("posts", "u1", 3, 60)
	}
	l.Take("signups", "1.2.3.4", 0, 60)
	l.Take("rooms", "u1", 10, 60)
	got := l.Refusals()
	if got["posts"] != 2 || got["signups"] != 1 || got["rooms"] != 0 {
		t.Fatalf("refusals %v, want posts 2, signups 1, rooms 0", got)
	}
}
