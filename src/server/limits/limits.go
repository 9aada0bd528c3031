// Package limits is Hearth's rate limiter: fixed-window counters that reserve a slot atomically.
//
// Why in Go: the JS hooks run in many VMs at once and can share state only through PocketBase's
// app store, whose get and set are separate calls. A limit kept there as read-then-write let
// requests that arrived together all read the same count: 300 simultaneous log-in guesses got 281
// password checks under a limit of 10, and 45 simultaneous posts got 31 through a limit of 30.
// Here Take checks and counts under one lock, so exactly max callers per window are allowed, and
// the JS side reserves its slot before the expensive or harmful work (Refund gives it back when
// the work turns out not to count, e.g. a log-in that succeeded).
//
// The hooks see one shared Limiter as $limits (registered in main.go):
//
//	$limits.take('failed_logins', ip, 10, 600) // true: go ahead; false: answer 429
//	$limits.refund('failed_logins', ip)        // the log-in succeeded: it does not count
//
// Counters live in memory: a restart forgets them, and each process has its own.
package limits

import (
	"os"
	"strings"
	"sync"
	"time"
)

// pruneEvery is how often Take sweeps out windows that have ended.
const pruneEvery = time.Minute

type window struct {
	count int
	ends  time.Time
}

type slot struct{ name, key string }

// Limiter keeps one fixed window per (name, key). Its zero value is not usable: call New.
type Limiter struct {
	mu        sync.Mutex
	windows   map[slot]*window
	now       func() time.Time
	nextPrune time.Time
	refused   map[string]int64 // refusals per limit name, for metrics
}

// New returns an empty limiter on the wall clock.
func New() *Limiter {
	return newWithClock(time.Now)
}

func newWithClock(now func() time.Time) *Limiter {
	return &Limiter{windows: map[slot]*window{}, now: now, nextPrune: now().Add(pruneEvery), refused: map[string]int64{}}
}

// Take reserves one use of limit name by key and tells whether it is allowed: at most max uses
// per windowSeconds, counted from the first use of a window. A refused call counts nothing.
// max <= 0 refuses everything; windowSeconds <= 0 is treated as one second.
func (l *Limiter) Take(name, key string, max, windowSeconds int) bool {
	if windowSeconds <= 0 {
		windowSeconds = 1
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if max <= 0 {
		l.refused[name]++
		return false
	}
	if !now.Before(l.nextPrune) {
		l.prune(now)
	}
	id := slot{name, key}
	w := l.windows[id]
	if w == nil || !now.Before(w.ends) {
		l.windows[id] = &window{count: 1, ends: now.Add(time.Duration(windowSeconds) * time.Second)}
		return true
	}
	if w.count >= max {
		l.refused[name]++
		return false
	}
	w.count++
	return true
}

// Refusals is how many times each limit has refused since the start.
func (l *Limiter) Refusals() map[string]int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int64, len(l.refused))
	for name, n := range l.refused {
		out[name] = n
	}
	return out
}

// Refund gives back one use taken in the current window of limit name by key; it does nothing
// when the window has ended or nothing was taken.
func (l *Limiter) Refund(name, key string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	id := slot{name, key}
	w := l.windows[id]
	if w == nil || !now.Before(w.ends) {
		delete(l.windows, id)
		return
	}
	if w.count > 0 {
		w.count--
	}
}

// Len is the number of windows held, for tests and diagnostics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.windows)
}

// prune drops every window that has ended; the caller holds l.mu.
func (l *Limiter) prune(now time.Time) {
	for id, w := range l.windows {
		if !now.Before(w.ends) {
			delete(l.windows, id)
		}
	}
	l.nextPrune = now.Add(pruneEvery)
}

// Rule is one limit: at most Max uses per Window seconds.
type Rule struct {
	Name   string
	Max    int
	Window int
}

// RuleFromEnv reads HEARTH_LIMIT_<NAME>="max/seconds" the way Hearth's JS limits do
// (src/runtime/limits.ts), falling back to def when it is unset or malformed.
func RuleFromEnv(def Rule) Rule {
	return ParseRule(os.Getenv("HEARTH_LIMIT_"+strings.ToUpper(def.Name)), def)
}

// TakeRule is Take for a Rule.
func (l *Limiter) TakeRule(r Rule, key string) bool {
	return l.Take(r.Name, key, r.Max, r.Window)
}
