package relay

import (
	"context"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

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
//
// note: the stand-in request event exists because OnRealtimeMessageSend hooks (Go and JS) are
// handed one for every message; keeping the real one would keep net/http's buffers and the
// request alive for as long as the connection, which is what taking over saves.
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

// writeNonBlocking writes what the socket's buffer takes now (Go's sockets are non-blocking).
//
// note: a raw write on the descriptor, not net.Conn.Write, which parks the caller in the poller
// until the socket drains: the fan-out must never wait for one client.
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
