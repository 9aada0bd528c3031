package relay

import (
	"context"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// frame is one event, encoded once for every recipient: as SSE, and as the same SSE wrapped in
// one HTTP/1.1 chunk for connections the relay writes to directly.
type frame struct {
	sse   []byte
	chunk []byte
}

func newFrame(sse []byte) *frame {
	head := strconv.FormatInt(int64(len(sse)), 16) + "\r\n"
	chunk := make([]byte, 0, len(head)+len(sse)+2)
	chunk = append(chunk, head...)
	chunk = append(chunk, sse...)
	chunk = append(chunk, "\r\n"...)
	return &frame{sse: chunk[len(head) : len(head)+len(sse)], chunk: chunk}
}

var pingFrame = newFrame([]byte("event:" + PingEvent + "\ndata:{}\n\n"))

// conn is one /api/realtime connection as the relay sees it: the events waiting for it.
type conn struct {
	client subscriptions.Client
	wake   chan struct{}
	// ip and session (the hex SHA-256 of the hearth_session cookie, "" without one) are what the
	// connection counts against in the relay's caps, and what DisconnectSession looks for
	ip, session string

	// wmu is held by whoever writes to the socket: the connection's loop, or the fan-out writing
	// straight to fd (the socket of a connection the relay took over, -1 otherwise; it is set to
	// -1 under wmu before the socket closes, so a number reused by the OS is never written to).
	wmu       sync.Mutex
	fd        atomic.Int64
	lastWrite atomic.Int64 // unix ns

	mu    sync.Mutex
	queue []*frame
	spare []*frame
	// bytes counts what waits for the socket: the queue, plus the batch the loop is writing
	// (taken off the queue but not yet sent), so a connection stuck in a write cannot take a
	// second queue's worth on top of it
	bytes    int
	closed   bool
	deadline interface{ SetWriteDeadline(time.Time) error } // nil once the connection is done
}

// enqueue adds a frame without blocking; false means the queue is full: limit events, or limit
// bytes (a single frame larger than that is taken only when nothing else waits).
func (c *conn) enqueue(f *frame, limit, limitBytes int) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return true
	}
	if !c.fitsLocked(len(f.chunk), limit, limitBytes) {
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, f)
	c.bytes += len(f.chunk)
	c.mu.Unlock()
	c.signal()
	return true
}

func (c *conn) fitsLocked(size, limit, limitBytes int) bool {
	if len(c.queue) >= limit {
		return false
	}
	return c.bytes == 0 || c.bytes+size <= limitBytes
}

func (c *conn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

type outcome int

const (
	queued outcome = iota
	written
	full
)

// deliver writes a frame at once when the connection has nothing else waiting and its socket
// takes it without blocking (the common case: no goroutine is woken, no poller involved);
// otherwise it queues the frame, or the rest of it, for the connection's loop. Either way what
// waits stays within the limits.
func (c *conn) deliver(f *frame, limit, limitBytes int, now int64) outcome {
	if c.fd.Load() >= 0 && c.wmu.TryLock() {
		c.mu.Lock()
		idle := !c.closed && len(c.queue) == 0 && c.bytes == 0
		c.mu.Unlock()
		if fd := c.fd.Load(); idle && fd >= 0 {
			n := writeNonBlocking(int(fd), f.chunk)
			c.lastWrite.Store(now)
			if n == len(f.chunk) {
				c.wmu.Unlock()
				return written
			}
			// the socket is full, or failing: the loop writes the rest (and finds any error).
			// note: queued before wmu is released, so that no other write (a keep-alive) lands
			// inside this chunk
			ok := c.enqueue(&frame{chunk: f.chunk[n:]}, limit, limitBytes)
			c.wmu.Unlock()
			if !ok {
				return full
			}
			return queued
		}
		c.wmu.Unlock()
	}
	if !c.enqueue(f, limit, limitBytes) {
		return full
	}
	return queued
}

// writeNonBlocking writes what the socket's buffer takes now (Go's sockets are non-blocking).
func writeNonBlocking(fd int, p []byte) int {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(fd, p[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || m <= 0 {
			break
		}
		n += m
	}
	return n
}

// take hands the connection everything queued; ok is false once the connection was aborted.
func (c *conn) take() (batch []*frame, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, false
	}
	batch = c.queue
	c.queue, c.spare = c.spare, nil
	return batch, true
}

// recycle keeps a small written batch's array for the next one, so a quiet connection that gets
// one event at a time allocates nothing per event.
func (c *conn) recycle(batch []*frame) {
	clear(batch)
	if cap(batch) > 16 {
		return
	}
	c.mu.Lock()
	if c.spare == nil {
		c.spare = batch[:0]
	}
	c.mu.Unlock()
}

// writePart is about how much the loop writes at once from a backlog (see loop).
const writePart = 64 << 10

// partOf is the first frames of batch up to writePart bytes, at least one.
func partOf(batch []*frame) []*frame {
	n, size := 1, len(batch[0].chunk)
	for n < len(batch) && size+len(batch[n].chunk) <= writePart {
		size += len(batch[n].chunk)
		n++
	}
	return batch[:n]
}

// sent releases the bytes of a batch the loop has written.
func (c *conn) sent(batch []*frame) {
	n := 0
	for _, f := range batch {
		n += len(f.chunk)
	}
	c.mu.Lock()
	if !c.closed {
		c.bytes -= n
	}
	c.mu.Unlock()
}

// waiting is what waits for the socket: events queued, and bytes queued or being written.
func (c *conn) waiting() (events, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue), c.bytes
}

// abort stops the connection: its loop returns, and a write it is stuck in fails now rather than
// at its deadline.
func (c *conn) abort() (wasOpen bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wasOpen = !c.closed
	c.closed = true
	c.queue, c.spare, c.bytes = nil, nil, 0
	if c.deadline != nil {
		_ = c.deadline.SetWriteDeadline(time.Now())
	}
	c.signal()
	return wasOpen
}

func (c *conn) finish() {
	c.mu.Lock()
	c.closed, c.deadline, c.queue, c.spare, c.bytes = true, nil, nil, nil, 0
	c.mu.Unlock()
}

// sink is where a connection's loop writes: the response PocketBase handed over, or the raw
// connection after the relay took it over.
type sink interface {
	// write sends frames and flushes them
	write(frames []*frame) error
	// sendViaHooks sends one of PocketBase's own messages the way PocketBase does
	sendViaHooks(msg subscriptions.Message) error
	SetWriteDeadline(t time.Time) error
}

func (r *Relay) bind() {
	r.bindSubscribeGuard()
	r.app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		// note: PocketBase disables the write deadline for SSE; without one a client that stops
		// reading holds its connection goroutine in Write forever.
		_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Now().Add(r.cfg.WriteTimeout))
		return e.Next()
	})
	// Last in the chain, so that other connect hooks still run first; it takes the place of
	// PocketBase's final handler (apis/realtime.go), doing the same steps with the relay's queue.
	r.app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id:       "hearthRelayServe",
		Func:     r.serve,
		Priority: math.MaxInt32,
	})
}

// serve registers the client, sends PB_CONNECT, then takes the connection over (HTTP/1.1) and
// returns, so that net/http's buffers and the request's state can be freed while the connection
// stays open; where that is not possible (HTTP/2) it runs the connection in this handler.
func (r *Relay) serve(e *core.RealtimeConnectRequestEvent) error {
	ip, session := e.RealIP(), sessionOf(e.Request)
	if refusal := r.admit(ip, session); refusal != "" {
		return refuse(e, refusal)
	}
	broker := e.App.SubscriptionsBroker()
	wrapped := newClient(e.Client)
	e.Client = wrapped
	client := e.Client
	client.Set(SessionKey, session)
	id := client.Id()
	c := &conn{client: client, wake: make(chan struct{}, 1), ip: ip, session: session}
	wrapped.relay, wrapped.conn = r, c
	c.fd.Store(-1)
	c.lastWrite.Store(time.Now().UnixNano())

	broker.Register(client)
	r.connsMu.Lock()
	r.conns[id] = c
	r.connsMu.Unlock()
	cleanup := func() {
		r.connsMu.Lock()
		delete(r.conns, id)
		r.connsMu.Unlock()
		wrapped.detach()
		c.finish()
		broker.Unregister(id)
		r.release(ip, session)
	}

	response := &responseSink{e: e.RequestEvent, client: client, rc: http.NewResponseController(e.Response)}
	if err := response.sendViaHooks(subscriptions.Message{
		Name: "PB_CONNECT",
		Data: []byte(`{"clientId":"` + id + `"}`),
	}); err != nil {
		e.App.Logger().Debug("Realtime connection closed (failed to deliver PB_CONNECT)", slog.String("clientId", id), slog.String("error", err.Error()))
		cleanup()
		return nil
	}

	if raw := takeOver(e, client, r.cfg.SendBuffer); raw != nil {
		c.mu.Lock()
		if !c.closed {
			c.deadline = raw
		}
		c.mu.Unlock()
		// note: the goroutine must not capture e, or the request and net/http's buffers stay alive
		app, maxAge := e.App, e.MaxTimeout
		c.fd.Store(int64(raw.fd()))
		gone := make(chan struct{})
		go raw.watch(gone)
		go func() {
			defer cleanup()
			defer func() {
				c.wmu.Lock()
				defer c.wmu.Unlock()
				c.fd.Store(-1)
				raw.close()
			}()
			r.loop(app, c, raw, gone, maxAge)
		}()
		return nil
	}

	defer cleanup()
	c.mu.Lock()
	if !c.closed {
		c.deadline = response
	}
	c.mu.Unlock()
	r.loop(e.App, c, response, e.Request.Context().Done(), e.MaxTimeout)
	return nil
}

// loop writes the connection's events until the browser goes away, it is dropped, or maxAge ends
// it (as PocketBase does, so that long-lived connections are renewed).
func (r *Relay) loop(app core.App, c *conn, out sink, gone <-chan struct{}, maxAge time.Duration) {
	var deadline time.Time
	maxTimer := time.NewTimer(maxAge)
	defer maxTimer.Stop()
	// note: one timer per connection, moved only when it fires, so keep-alives spread out by
	// connection instead of arriving in one sweep, and a busy connection never resets a timer.
	keepAlive := time.NewTimer(r.cfg.KeepAlive)
	defer keepAlive.Stop()
	pbMessages := c.client.Channel()

	// write sends frames; the caller holds c.wmu
	write := func(frames []*frame) error {
		now := time.Now()
		// note: moving a deadline costs a runtime timer update; renew it only when less than half
		// of WriteTimeout is left, so every write still gets at least half.
		if deadline.Sub(now) < r.cfg.WriteTimeout/2 {
			deadline = now.Add(r.cfg.WriteTimeout)
			_ = out.SetWriteDeadline(deadline)
		}
		c.lastWrite.Store(now.UnixNano())
		return out.write(frames)
	}

	for {
		select {
		case <-gone:
			return
		case <-maxTimer.C:
			return
		case msg, ok := <-pbMessages:
			// PocketBase's own events (record realtime for API clients)
			if !ok {
				return
			}
			c.wmu.Lock()
			err := out.sendViaHooks(msg)
			c.wmu.Unlock()
			if err != nil {
				return
			}
			deadline = time.Time{} // the send hook moved it
			c.lastWrite.Store(time.Now().UnixNano())
		case <-c.wake:
			// note: wmu is taken before the queue, so a direct write cannot slip in between
			c.wmu.Lock()
			batch, ok := c.take()
			var err error
			// note: written in parts of about writePart bytes (one write each, however many
			// events), each released from the connection's byte count once written, so a long
			// backlog does not hold the whole queue's worth until its last byte is out
			for rest := batch; ok && len(rest) > 0 && err == nil; {
				part := partOf(rest)
				err = write(part)
				c.sent(part)
				rest = rest[len(part):]
			}
			c.wmu.Unlock()
			if !ok {
				return
			}
			if len(batch) == 0 {
				continue
			}
			if err != nil {
				app.Logger().Debug("Realtime connection closed (failed to deliver message)", slog.String("clientId", c.client.Id()), slog.String("error", err.Error()))
				return
			}
			r.delivered.Add(int64(len(batch)))
			c.recycle(batch)
		case <-keepAlive.C:
			if quiet := time.Since(time.Unix(0, c.lastWrite.Load())); quiet < r.cfg.KeepAlive {
				keepAlive.Reset(r.cfg.KeepAlive - quiet)
				continue
			}
			c.wmu.Lock()
			err := write([]*frame{pingFrame})
			c.wmu.Unlock()
			if err != nil {
				return
			}
			keepAlive.Reset(r.cfg.KeepAlive)
		}
	}
}

// responseSink writes through the http.ResponseWriter PocketBase handed to the connect handler.
type responseSink struct {
	e      *core.RequestEvent
	client subscriptions.Client
	rc     *http.ResponseController
}

func (s *responseSink) write(frames []*frame) error {
	for _, f := range frames {
		if _, err := s.e.Response.Write(f.sse); err != nil {
			return err
		}
	}
	return s.rc.Flush()
}

func (s *responseSink) SetWriteDeadline(t time.Time) error {
	return s.rc.SetWriteDeadline(t)
}

func (s *responseSink) sendViaHooks(msg subscriptions.Message) error {
	return sendViaHooks(s.e, s.client, msg)
}

// sendViaHooks writes one message the way PocketBase does, through OnRealtimeMessageSend.
func sendViaHooks(e *core.RequestEvent, client subscriptions.Client, msg subscriptions.Message) error {
	me := new(core.RealtimeMessageEvent)
	me.RequestEvent = e
	me.Client = client
	me.Message = &msg
	return e.App.OnRealtimeMessageSend().Trigger(me, func(me *core.RealtimeMessageEvent) error {
		if err := me.Message.WriteSSE(me.Response, me.Client.Id()); err != nil {
			return err
		}
		return me.Flush()
	})
}

// rawSink writes HTTP/1.1 chunks straight to a connection the relay took over: the response
// headers went out with PB_CONNECT, so the rest of the response is one chunk per flush.
type rawSink struct {
	net.Conn
	e      *core.RequestEvent // for PocketBase's message hooks: a small stand-in, see takeOver
	client subscriptions.Client
}

// takeOver hijacks an HTTP/1.1 connection after PB_CONNECT; nil if it cannot (HTTP/2, tests
// with recorders). The request and response are not kept: hooks for PocketBase's own messages
// get a request with the method, URL, host and remote address, and a response writing chunks.
func takeOver(e *core.RealtimeConnectRequestEvent, client subscriptions.Client, sendBuffer int) *rawSink {
	if e.Request.ProtoMajor != 1 {
		return nil
	}
	// note: an EventSource sends nothing after its request, so the buffered reader net/http
	// hands back is not needed; watch() reads the socket itself
	netConn, _, err := http.NewResponseController(e.Response).Hijack()
	if err != nil {
		return nil
	}
	// note: a small send buffer, so that a client that stops reading fills it (and the relay's
	// bounded queue after it) soon; left alone, Linux grew it to about 4 MB on such a client
	if sb, ok := netConn.(interface{ SetWriteBuffer(int) error }); ok && sendBuffer > 0 {
		_ = sb.SetWriteBuffer(sendBuffer)
	}
	req := (&http.Request{
		Method:     e.Request.Method,
		URL:        e.Request.URL,
		Proto:      e.Request.Proto,
		ProtoMajor: e.Request.ProtoMajor,
		ProtoMinor: e.Request.ProtoMinor,
		Header:     http.Header{},
		Host:       e.Request.Host,
		RemoteAddr: e.Request.RemoteAddr,
	}).WithContext(context.Background())
	s := &rawSink{Conn: netConn, client: client}
	s.e = &core.RequestEvent{App: e.App}
	s.e.Request = req
	s.e.Response = &chunkResponse{sink: s}
	return s
}

// fd is the socket's descriptor, for the fan-out's direct writes (-1 if it has none).
func (s *rawSink) fd() int {
	fd := -1
	if sc, ok := s.Conn.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			_ = rc.Control(func(f uintptr) { fd = int(f) })
		}
	}
	return fd
}

func (s *rawSink) write(frames []*frame) error {
	if len(frames) == 1 {
		_, err := s.Conn.Write(frames[0].chunk)
		return err
	}
	bufs := make(net.Buffers, len(frames))
	for i, f := range frames {
		bufs[i] = f.chunk
	}
	_, err := bufs.WriteTo(s.Conn)
	return err
}

func (s *rawSink) sendViaHooks(msg subscriptions.Message) error {
	return sendViaHooks(s.e, s.client, msg)
}

// watch closes gone when the browser closes the connection (it sends nothing after its request).
func (s *rawSink) watch(gone chan<- struct{}) {
	var b [1]byte
	for {
		if _, err := s.Conn.Read(b[:]); err != nil {
			close(gone)
			return
		}
	}
}

// close ends the response properly (the last chunk) when it can, then closes the connection.
func (s *rawSink) close() {
	_ = s.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = s.Conn.Write([]byte("0\r\n\r\n"))
	_ = s.Conn.Close()
}

// chunkResponse is the http.ResponseWriter PocketBase's message hooks write to on a connection
// the relay took over: what they write is sent as one chunk when they flush.
type chunkResponse struct {
	sink   *rawSink
	header http.Header
	buf    []byte
}

func (w *chunkResponse) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}

func (w *chunkResponse) WriteHeader(int) {}

func (w *chunkResponse) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func (w *chunkResponse) FlushError() error {
	if len(w.buf) == 0 {
		return nil
	}
	f := newFrame(w.buf)
	w.buf = nil
	_, err := w.sink.Conn.Write(f.chunk)
	return err
}

func (w *chunkResponse) SetWriteDeadline(t time.Time) error {
	return w.sink.Conn.SetWriteDeadline(t)
}
