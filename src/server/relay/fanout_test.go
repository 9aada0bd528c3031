package relay

import (
	"fmt"
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// socketPair is a connection the fan-out can write to directly, and its peer (the browser's end).
func socketPair(t *testing.T) (*conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close(); server.Close() })
	c := &conn{wake: make(chan struct{}, 1)}
	c.fd.Store(int64((&rawSink{Conn: server}).fd()))
	return c, peer
}

func readExactly(t *testing.T, peer net.Conn, want string) {
	t.Helper()
	got := make([]byte, len(want))
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("the events did not arrive without the connection's loop: %v", err)
	}
	if string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A post publishes two events at once (its room's and its readers' activity). A tab that follows
// both gets them in one write, one HTTP chunk holding both events in order; a tab that follows
// one gets that one. All of it straight to idle sockets, without waking the connections' loops: a
// wake per connection cost more than the write itself at a thousand subscribers, and a second
// write per tab as much again (BENCHMARKS.md).
func TestEventsPublishedAtOnceAreJoinedPerConnection(t *testing.T) {
	both, bothPeer := socketPair(t)
	roomOnly, roomPeer := socketPair(t)
	meOnly, mePeer := socketPair(t)
	r := &Relay{cfg: Config{}.withDefaults(), out: newFanout()}
	room, me := eventFrame("rooms/a", `{"seq":1}`), eventFrame("me", `{"html":""}`)
	r.out.push(delivery{frame: room, recipients: []*conn{both, roomOnly}})
	r.out.push(delivery{frame: me, recipients: []*conn{meOnly, both}})
	r.out.push(delivery{frame: eventFrame("nobody", "{}")}) // no recipients: not part of the batch
	go r.fanOut()
	defer close(r.out.kick)

	readExactly(t, bothPeer, fmt.Sprintf("%x\r\n%s%s\r\n", len(room.sse)+len(me.sse), room.sse, me.sse))
	readExactly(t, roomPeer, string(room.chunk))
	readExactly(t, mePeer, string(me.chunk))
	for _, c := range []*conn{both, roomOnly, meOnly} {
		select {
		case <-c.wake:
			t.Fatal("a connection's loop was woken for events already written")
		default:
		}
	}
	// (counted just after each write, so maybe a moment after the bytes arrived)
	for wait := time.Now().Add(time.Second); r.delivered.Load() != 4 && time.Now().Before(wait); {
		time.Sleep(time.Millisecond)
	}
	if n := r.delivered.Load(); n != 4 {
		t.Fatalf("delivered %d events, want 4", n)
	}
}

// Events published together (publishPending's) reach the fan-out as one batch even when the
// fan-out goroutine looks in between: a change's second event would otherwise go in a second write.
func TestHeldEventsAreTakenTogether(t *testing.T) {
	q := newFanout()
	at := q.hold()
	q.push(delivery{frame: eventFrame("rooms/a", "{}")})
	if got := q.takeAll(); len(got) != 0 {
		t.Fatalf("took %d deliveries while held", len(got))
	}
	q.push(delivery{frame: eventFrame("me", "{}")})
	q.release(at)
	if got := q.takeAll(); len(got) != 2 {
		t.Fatalf("took %d deliveries after the release, want both", len(got))
	}
	select {
	case <-q.kick:
	default:
		t.Fatal("the release did not wake the fan-out")
	}
}

// A hold keeps back only what was pushed after it began: overlapping holds (concurrent posts) do
// not stop the fan-out taking what came before the oldest of them, and never reorder.
func TestAHoldKeepsBackOnlyWhatCameAfterIt(t *testing.T) {
	q := newFanout()
	names := map[*frame]string{}
	pushed := func(name string) {
		f := eventFrame(name, "{}")
		names[f] = name
		q.push(delivery{frame: f})
	}
	topics := func(ds []delivery) (got []string) {
		for _, d := range ds {
			got = append(got, names[d.frame])
		}
		return got
	}
	pushed("before")
	first := q.hold()
	pushed("first")
	second := q.hold()
	pushed("second")
	pushed("first-again")
	if got := topics(q.takeAll()); !slices.Equal(got, []string{"before"}) {
		t.Fatalf("took %v while both held, want [before]", got)
	}
	q.release(first)
	if got := topics(q.takeAll()); !slices.Equal(got, []string{"first"}) {
		t.Fatalf("took %v once the first hold ended, want [first] (the rest came after the second began)", got)
	}
	pushed("after")
	q.release(second)
	if got := topics(q.takeAll()); !slices.Equal(got, []string{"second", "first-again", "after"}) {
		t.Fatalf("took %v once no hold is left, want the rest in order", got)
	}
	if got := q.takeAll(); len(got) != 0 {
		t.Fatalf("took %d more", len(got))
	}
}
