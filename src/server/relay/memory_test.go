package relay

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// dialSmallReceiver connects with a 4 KiB receive buffer set before the handshake, so the server
// cannot park much in this client's kernel: what it publishes piles up on the server's side.
func dialSmallReceiver(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	conn, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).SetReadBuffer(4096); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// stuckSmallTab is stuckTab over a connection with a small receive buffer.
func stuckSmallTab(t *testing.T, app core.App, url, userId string, topics ...string) net.Conn {
	t.Helper()
	return stuckOver(t, app, dialSmallReceiver(t, strings.TrimPrefix(url, "http://")), userId, topics...)
}

// A client that never reads is cut after a bounded number of published bytes, whatever the event
// size: the kernel holds at most its small send buffer (and the client's small receive buffer),
// the relay at most QueueBytes. The write deadline is long, so only the bounds can cut it. A
// healthy reader on the same relay gets every event, before and after.
func TestNeverReadingClientIsCutAfterBoundedBytes(t *testing.T) {
	const sendBuffer, queueBytes = 64 << 10, 256 << 10
	for _, size := range []int{100, 64 << 10} {
		t.Run(fmt.Sprintf("%d-byte events", size), func(t *testing.T) {
			app, r, url := serveApp(t, Config{SendBuffer: sendBuffer, QueueBytes: queueBytes, WriteTimeout: time.Minute})
			stuck := stuckSmallTab(t, app, url, "u1", "rooms/a")
			healthy := open(t, app, url, "u2", "rooms/a")
			data := strings.Repeat("x", size)
			frameSize := len(newFrame([]byte("event:rooms/a\ndata:" + data + "\n\n")).chunk)
			// Linux doubles SO_SNDBUF and SO_RCVBUF; one frame may be taken into an empty queue
			// whatever its size, and the cut is seen one event late at most
			bound := 2*sendBuffer + 2*4096 + queueBytes + 3*frameSize + 64<<10

			expect := func(i int) {
				t.Helper()
				for {
					ev := healthy.next(t)
					if ev.name == PingEvent {
						continue
					}
					if ev.name != "rooms/a" || len(ev.data) != size {
						t.Fatalf("event %d: the healthy tab got %q (%d bytes)", i, ev.name, len(ev.data))
					}
					return
				}
			}
			published, i := 0, 0
			start := time.Now()
			for r.Stats()["dropped"] == 0 {
				if published > bound {
					t.Fatalf("%d bytes published and the never-reading client is still connected (bound %d)", published, bound)
				}
				r.Publish(Event{Topic: "rooms/a", Data: data, AnyUser: true})
				published += frameSize
				i++
				expect(i)
			}
			t.Logf("%d-byte events: cut after %d events, %d bytes published, in %v (bound %d)", size, i, published, time.Since(start).Round(time.Millisecond), bound)
			if time.Since(start) > 30*time.Second {
				t.Fatal("cut by the write deadline, not by the bounds")
			}
			for k := 0; k < 50; k++ {
				r.Publish(Event{Topic: "rooms/a", Data: data, AnyUser: true})
				i++
				expect(i)
			}
			if d := r.Stats()["dropped"]; d != 1 {
				t.Fatalf("dropped = %d, want 1 (only the never-reading client)", d)
			}
			_ = stuck.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.Copy(io.Discard, stuck); err != nil {
				t.Fatalf("the cut connection was not closed: %v", err)
			}
		})
	}
}

// What waits for a connection stays within QueueBytes: a batch the loop is writing still counts
// until it is written, and the rest of a partial direct write goes through the same limit.
func TestQueueBytesCountWhatIsBeingWritten(t *testing.T) {
	c := &conn{wake: make(chan struct{}, 1)}
	f := newFrame(make([]byte, 1000))
	const limitBytes = 10 * 1008
	n := 0
	for c.enqueue(f, 1000, limitBytes) {
		n++
	}
	if _, bytes := c.waiting(); bytes > limitBytes || n != 10 {
		t.Fatalf("%d frames, %d bytes queued; limit %d bytes", n, bytes, limitBytes)
	}
	batch, _ := c.take() // the loop writes these now, and may block
	if c.enqueue(f, 1000, limitBytes) {
		t.Fatal("a batch being written left room for another queue's worth")
	}
	c.sent(batch)
	if !c.enqueue(f, 1000, limitBytes) {
		t.Fatal("the written batch was not released")
	}
	big := newFrame(make([]byte, 3*limitBytes))
	empty := &conn{wake: make(chan struct{}, 1)}
	if !empty.enqueue(big, 1000, limitBytes) || empty.enqueue(f, 1000, limitBytes) {
		t.Fatal("an event larger than the limit is taken into an empty queue only, and alone")
	}
}

func TestPartialDirectWriteStaysWithinTheLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer := dialSmallReceiver(t, ln.Addr().String()) // never reads
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	_ = server.(*net.TCPConn).SetWriteBuffer(16 << 10)
	_ = peer

	c := &conn{wake: make(chan struct{}, 1)}
	c.fd.Store(int64((&rawSink{Conn: server}).fd()))
	f := newFrame(make([]byte, 20000))
	const limitBytes = 50000
	outcomes := map[outcome]int{}
	for k := 0; k < 200 && outcomes[full] == 0; k++ {
		outcomes[c.deliver(f, 1000, limitBytes, time.Now().UnixNano())]++
		if _, bytes := c.waiting(); bytes > limitBytes {
			t.Fatalf("after %v: %d bytes wait, over the %d limit", outcomes, bytes, limitBytes)
		}
	}
	if outcomes[full] == 0 || outcomes[queued] == 0 {
		t.Fatalf("outcomes %v: the socket never filled", outcomes)
	}
}
