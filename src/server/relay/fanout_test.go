package relay

import (
	"io"
	"net"
	"testing"
	"time"
)

// A post publishes two events at once (its room's and its readers' activity). Both are written
// straight to an idle socket, in order, without waking the connection's loop: a wake per
// connection cost more than the write itself at a thousand subscribers (BENCHMARKS.md).
func TestTwoEventsAtOnceAreWrittenDirectly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()

	c := &conn{wake: make(chan struct{}, 1)}
	c.fd.Store(int64((&rawSink{Conn: server}).fd()))
	r := &Relay{cfg: Config{}.withDefaults(), out: newFanout()}
	first, second := eventFrame("rooms/a", `{"seq":1}`), eventFrame("me", `{"html":""}`)
	r.out.push(delivery{frame: first, recipients: []*conn{c}})
	r.out.push(delivery{frame: second, recipients: []*conn{c}})
	r.out.push(delivery{frame: eventFrame("nobody", "{}")}) // no recipients: not part of the batch
	go r.fanOut()
	defer close(r.out.kick)

	want := string(first.chunk) + string(second.chunk)
	got := make([]byte, len(want))
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("the events did not arrive without the connection's loop: %v", err)
	}
	if string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	select {
	case <-c.wake:
		t.Fatal("the connection's loop was woken for events already written")
	default:
	}
	// (counted just after each write, so maybe a moment after the bytes arrived)
	for wait := time.Now().Add(time.Second); r.delivered.Load() != 2 && time.Now().Before(wait); {
		time.Sleep(time.Millisecond)
	}
	if n := r.delivered.Load(); n != 2 {
		t.Fatalf("delivered %d, want 2", n)
	}
}
