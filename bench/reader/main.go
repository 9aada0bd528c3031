// Command bench-reader holds thousands of realtime (SSE) subscriber connections for bench/ and
// measures when each benchmark message reaches each of them. It is the Go twin of
// bench/lib/sse-worker.mjs (same commands, same measurements), driven by bench/lib/pool.mjs with
// one JSON message per line on stdin (commands) and stdout (replies, "done" notices).
//
// Why Go: on the benchmark machine the Node readers spent 17 to 24 µs of CPU per event, as much
// as the server under test, on the same two cores. A goroutine per connection then cost 22 µs
// (10 once it stopped allocating per event); a subscribed connection is now read by one of two
// epoll loops instead (8 µs, most of it the read itself).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

func now() float64 { return float64(time.Now().UnixNano()) / 1e6 }

type account struct {
	Username string `json:"username"`
	Cookie   string `json:"cookie"`
	Token    string `json:"token"`
}

type command struct {
	Cmd            string    `json:"cmd"`
	ID             int       `json:"id"`
	Port           int       `json:"port"`
	Mode           string    `json:"mode"`
	Topic          string    `json:"topic"`
	Accounts       []account `json:"accounts"`
	Count          int       `json:"count"`
	Concurrency    int       `json:"concurrency"`
	AccountOffset  int       `json:"accountOffset"`
	LocalAddresses []string  `json:"localAddresses"`
	Exact          *bool     `json:"exact"`
	SeqCheck       *bool     `json:"seqCheck"`
}

type conn struct {
	sock      net.Conn
	st        stream
	handover  atomic.Bool
	fd        atomic.Int32 // the socket once an epoll loop reads it, -1 before and after
	clientID  string
	account   account
	local     string
	port      int
	connected chan struct{}
	closing   atomic.Bool

	// guarded by state.mu
	subscribed, dead bool

	// written by the connection's own reader; mu only keeps collect() apart
	mu                        sync.Mutex
	seen                      bool
	got, dups, reordered, gap int
	firstSeq, lastSeq         int64
	recs                      []rec
}

// rec is one benchmark message's arrival on one connection.
type rec struct {
	k     int64
	t, ms float64
}

// kstat is what all connections share about one message: how many have it, and the reader busy
// time when the first one got it. Lock-free, so that ten thousand readers never queue on a lock.
type kstat struct {
	count atomic.Int64
	busy0 atomic.Int64 // busyNs at the first arrival, +1 so that 0 means unset
	busy1 atomic.Int64 // busyNs when the last connection had it
	done  atomic.Bool
}

type burst struct {
	First float64 `json:"first"`
	Last  float64 `json:"last"`
	Busy  float64 `json:"busy"`
}

// state is the reader's measurements, guarded by mu.
var state struct {
	mu               sync.Mutex
	conns            []*conn
	subscribed       int
	exact, seqCheck  bool
	unexpectedCloses int
	cpu0             float64
	wall0            time.Time
}

// busyNs is the time spent handling data after a read returned, over all connections.
var busyNs atomic.Int64

// what the readers look at on every event, without a lock
var (
	topicNow    atomic.Pointer[string]
	pbMode      atomic.Bool
	seqChecking atomic.Bool
	events      atomic.Int64
	subscribedN atomic.Int64
	kstats      sync.Map // int64 -> *kstat
)

func kstatOf(k int64) *kstat {
	if v, ok := kstats.Load(k); ok {
		return v.(*kstat)
	}
	v, _ := kstats.LoadOrStore(k, new(kstat))
	return v.(*kstat)
}

var out = struct {
	sync.Mutex
	enc *json.Encoder
}{enc: json.NewEncoder(os.Stdout)}

func send(v any) {
	out.Lock()
	defer out.Unlock()
	_ = out.enc.Encode(v)
}

func main() {
	resetState(command{})
	send(map[string]any{"type": "ready"})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var cmd command
		if err := json.Unmarshal(in.Bytes(), &cmd); err != nil {
			fmt.Fprintln(os.Stderr, "bench-reader:", err)
			continue
		}
		if cmd.Cmd == "exit" {
			closeAll()
			os.Exit(0)
		}
		go handle(cmd)
	}
	closeAll()
}

func handle(cmd command) {
	var result any
	var err error
	switch cmd.Cmd {
	case "open":
		result, err = open(cmd)
	case "reset":
		resetState(cmd)
	case "resubscribe":
		result = resubscribe(cmd)
	case "collect":
		result = collect()
	case "status":
		state.mu.Lock()
		result = map[string]any{"subscribed": state.subscribed, "counts": countsNow(), "events": events.Load(), "unexpectedCloses": state.unexpectedCloses}
		state.mu.Unlock()
	case "close":
		closeAll()
	default:
		err = fmt.Errorf("unknown command %q", cmd.Cmd)
	}
	if err != nil {
		send(map[string]any{"type": "reply", "id": cmd.ID, "error": err.Error()})
		return
	}
	send(map[string]any{"type": "reply", "id": cmd.ID, "result": result})
}

// clients are HTTP clients bound to a local address (subscriptions come from the connection's
// own address: Hearth checks the IP).
var clients sync.Map

func clientFor(local string) *http.Client {
	if c, ok := clients.Load(local); ok {
		return c.(*http.Client)
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 32}}
	v, _ := clients.LoadOrStore(local, c)
	return v.(*http.Client)
}

func post(local string, port int, path, contentType, body string, headers map[string]string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+strconv.Itoa(port)+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := clientFor(local).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(text), nil
}

func open(o command) (any, error) {
	topic := o.Topic
	topicNow.Store(&topic)
	pbMode.Store(o.Mode == "pb")
	t0 := time.Now()
	var next atomic.Int64
	var failedN atomic.Int64
	var errMu sync.Mutex
	var errs []string
	workers := o.Concurrency
	if workers <= 0 {
		workers = 32
	}
	workers = min(workers, max(o.Count, 1))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= o.Count {
					return
				}
				for attempt := 0; attempt < 3; attempt++ {
					err := openOne(o, i)
					if err == nil {
						break
					}
					if attempt == 2 {
						failedN.Add(1)
						errMu.Lock()
						if len(errs) < 5 {
							errs = append(errs, err.Error())
						}
						errMu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	state.mu.Lock()
	opened := state.subscribed
	state.mu.Unlock()
	if errs == nil {
		errs = []string{}
	}
	return map[string]any{"opened": opened, "failed": failedN.Load(), "errors": errs, "ms": float64(time.Since(t0).Microseconds()) / 1000}, nil
}

func openOne(o command, i int) error {
	acc := o.Accounts[(o.AccountOffset+i)%len(o.Accounts)]
	local := o.LocalAddresses[i%len(o.LocalAddresses)]
	c := &conn{account: acc, local: local, port: o.Port, connected: make(chan struct{}), firstSeq: -1, lastSeq: -1}
	c.fd.Store(-1)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 30 * time.Second}
	sock, err := d.Dial("tcp", "127.0.0.1:"+strconv.Itoa(o.Port))
	if err != nil {
		return err
	}
	c.sock = sock
	head := "GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:" + strconv.Itoa(o.Port) + "\r\nAccept: text/event-stream\r\nCache-Control: no-store\r\n"
	if o.Mode == "hearth" {
		head += "Cookie: " + acc.Cookie + "\r\n"
	}
	if _, err := io.WriteString(sock, head+"\r\n"); err != nil {
		sock.Close()
		return err
	}
	failed := make(chan error, 1)
	handedOver := make(chan struct{})
	go c.read(failed, handedOver)
	select {
	case <-c.connected:
	case err := <-failed:
		return err
	case <-time.After(60 * time.Second):
		sock.Close()
		return errors.New("no PB_CONNECT in time")
	}
	var status int
	var text string
	if o.Mode == "hearth" {
		form := url.Values{"clientId": {c.clientID}, "topics": {roomPageTopics(o.Topic)}}.Encode()
		status, text, err = post(local, o.Port, "/realtime/subscriptions", "application/x-www-form-urlencoded", form,
			map[string]string{"Cookie": acc.Cookie, "Origin": "http://127.0.0.1:" + strconv.Itoa(o.Port)})
		if err == nil && status != 200 {
			err = fmt.Errorf("subscribe answered %d: %.200s", status, text)
		}
	} else {
		body, _ := json.Marshal(map[string]any{"clientId": c.clientID, "subscriptions": []string{o.Topic}})
		status, text, err = post(local, o.Port, "/api/realtime", "application/json", string(body), map[string]string{"Authorization": acc.Token})
		if err == nil && status != 204 {
			err = fmt.Errorf("subscribe answered %d: %.200s", status, text)
		}
	}
	if err != nil {
		c.closing.Store(true)
		sock.Close()
		return err
	}
	if err := c.handOver(handedOver); err != nil {
		c.closing.Store(true)
		return fmt.Errorf("moving the connection to epoll: %v", err)
	}
	state.mu.Lock()
	defer state.mu.Unlock()
	if c.dead {
		return errors.New("closed while subscribing")
	}
	c.subscribed = true
	state.subscribed++
	subscribedN.Store(int64(state.subscribed))
	state.conns = append(state.conns, c)
	return nil
}

// stream is a connection's decoding state (HTTP/1.1 head, chunks, SSE events). Only one reader
// at a time feeds it: the connection's goroutine until it is subscribed, then an epoll loop.
//
// note: the buffers are reused from event to event (nothing keeps a reference past onEvent), so
// the reader allocates nothing per event: its garbage collections, on the two cores the server
// under test also has, were a fifth of its CPU
type stream struct {
	pending, sse, data []byte
	headerDone, chunked bool
	rem, skip           int
	connected           bool
}

// errEnded is the server's last chunk: it ended the stream.
var errEnded = errors.New("the server ended the stream")

// feed decodes bytes read at time t, handing each complete event to onEvent.
func (c *conn) feed(p []byte, t float64) error {
	st := &c.st
	start := time.Now()
	defer func() { busyNs.Add(int64(time.Since(start))) }()
	st.pending = append(st.pending, p...)
	if !st.headerDone {
		end := bytes.Index(st.pending, []byte("\r\n\r\n"))
		if end < 0 {
			return nil
		}
		head := string(st.pending[:end])
		if !strings.HasPrefix(head, "HTTP/1.1 200") && !strings.HasPrefix(head, "HTTP/1.0 200") {
			return fmt.Errorf("SSE answered %.40s", head)
		}
		st.chunked = strings.Contains(strings.ToLower(head), "\r\ntransfer-encoding: chunked")
		st.headerDone = true
		st.pending = st.pending[:copy(st.pending, st.pending[end+4:])]
	}
	st.data = st.data[:0]
	if st.chunked {
		pos := 0
		for pos < len(st.pending) {
			if st.skip > 0 {
				k := min(st.skip, len(st.pending)-pos)
				st.skip -= k
				pos += k
				continue
			}
			if st.rem > 0 {
				k := min(st.rem, len(st.pending)-pos)
				st.data = append(st.data, st.pending[pos:pos+k]...)
				st.rem -= k
				pos += k
				if st.rem == 0 {
					st.skip = 2
				}
				continue
			}
			eol := bytes.Index(st.pending[pos:], []byte("\r\n"))
			if eol < 0 {
				break
			}
			size, perr := strconv.ParseInt(string(st.pending[pos:pos+eol]), 16, 64)
			pos += eol + 2
			if perr != nil || size <= 0 {
				return errEnded
			}
			st.rem = int(size)
		}
		st.pending = st.pending[:copy(st.pending, st.pending[pos:])]
	} else {
		st.data = append(st.data, st.pending...)
		st.pending = st.pending[:0]
	}
	st.sse = append(st.sse, st.data...)
	off := 0
	for {
		i := bytes.Index(st.sse[off:], []byte("\n\n"))
		if i < 0 {
			break
		}
		name, payload := parseEvent(st.sse[off : off+i])
		if name == "PB_CONNECT" && !st.connected {
			st.connected = true
			if j := strings.Index(payload, `"clientId":"`); j >= 0 {
				id := payload[j+12:]
				c.clientID = strings.Clone(id[:strings.IndexByte(id, '"')])
			}
			close(c.connected)
		} else {
			onEvent(c, name, payload, t)
		}
		off += i + 2
	}
	st.sse = st.sse[:copy(st.sse, st.sse[off:])]
	return nil
}

// read feeds the connection from its goroutine until it fails, ends, or is handed over to an
// epoll loop (handover: its read deadline then interrupts it, and it returns without closing).
func (c *conn) read(failed chan<- error, handedOver chan<- struct{}) {
	buf := make([]byte, 4096)
	for {
		n, err := c.sock.Read(buf)
		if n > 0 {
			if ferr := c.feed(buf[:n], now()); ferr != nil {
				if !c.st.connected {
					failed <- ferr
				}
				c.sock.Close()
				c.closed()
				return
			}
		}
		if err != nil {
			if c.handover.Load() {
				close(handedOver)
				return
			}
			if !c.st.connected {
				failed <- fmt.Errorf("closed before PB_CONNECT: %v", err)
			}
			c.closed()
			return
		}
	}
}

// Why epoll: a goroutine per connection costs a wake-up of the Go scheduler for every event on
// every connection, about 10 µs of CPU each, on the two cores the server under test also uses.
// Once subscribed, a connection's socket moves to one of a few epoll loops that read every ready
// socket in turn (8 µs per event against 10, BENCHMARKS.md; the read syscall is most of it).

type poller struct {
	epfd  int
	mu    sync.Mutex
	conns map[int32]*conn
}

var pollers = func() []*poller {
	ps := make([]*poller, 2)
	for i := range ps {
		fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err != nil {
			panic(err)
		}
		ps[i] = &poller{epfd: fd, conns: map[int32]*conn{}}
		go ps[i].loop()
	}
	return ps
}()

var nextPoller atomic.Int64

// handOver moves a subscribed connection from its goroutine to an epoll loop.
func (c *conn) handOver(handedOver <-chan struct{}) error {
	c.handover.Store(true)
	_ = c.sock.SetReadDeadline(time.Now())
	<-handedOver
	f, err := c.sock.(*net.TCPConn).File() // a duplicate descriptor of the same socket
	c.sock.Close()                          // Go's poller lets go of the original
	if err != nil {
		return err
	}
	fd := int(f.Fd())
	// note: the descriptor stays open after f is dropped: detach it from f first
	nfd, err := syscall.Dup(fd)
	f.Close()
	if err != nil {
		return err
	}
	if err := syscall.SetNonblock(nfd, true); err != nil {
		syscall.Close(nfd)
		return err
	}
	c.fd.Store(int32(nfd))
	p := pollers[int(nextPoller.Add(1))%len(pollers)]
	p.mu.Lock()
	p.conns[int32(nfd)] = c
	p.mu.Unlock()
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(nfd)}
	return syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, nfd, &ev)
}

func (p *poller) loop() {
	events := make([]syscall.EpollEvent, 256)
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.EpollWait(p.epfd, events, -1)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			panic(err)
		}
		for _, ev := range events[:n] {
			p.mu.Lock()
			c := p.conns[ev.Fd]
			p.mu.Unlock()
			if c == nil {
				continue
			}
			m, rerr := syscall.Read(int(ev.Fd), buf)
			if rerr == syscall.EAGAIN || rerr == syscall.EINTR {
				continue
			}
			if m > 0 && c.feed(buf[:m], now()) == nil {
				continue
			}
			// the end of the stream, an error, or closeAll's shutdown
			p.mu.Lock()
			delete(p.conns, ev.Fd)
			p.mu.Unlock()
			_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, int(ev.Fd), nil)
			c.fd.Store(-1)
			syscall.Close(int(ev.Fd))
			c.closed()
		}
	}
}

// parseEvent reads an SSE event's name and data. Both point into block (no copy): they are valid
// until the reader's buffer is next written, which onEvent never outlives.
func parseEvent(block []byte) (name, data string) {
	name = "message"
	var d []byte
	lines := 0
	for len(block) > 0 {
		line := block
		if i := bytes.IndexByte(block, '\n'); i >= 0 {
			line, block = block[:i], block[i+1:]
		} else {
			block = nil
		}
		if bytes.HasPrefix(line, []byte("event:")) {
			name = view(line[6:])
		} else if bytes.HasPrefix(line, []byte("data:")) {
			lines++
			if lines == 1 {
				d = line[5:]
			} else {
				d = append(append(append([]byte(nil), d...), '\n'), line[5:]...)
			}
		}
	}
	return name, view(d)
}

// view is b as a string without copying it.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

func (c *conn) closed() {
	state.mu.Lock()
	defer state.mu.Unlock()
	c.dead = true
	if c.subscribed {
		c.subscribed = false
		state.subscribed--
		subscribedN.Store(int64(state.subscribed))
		if !c.closing.Load() {
			state.unexpectedCloses++
		}
	}
}

// mark finds "k=<post number> t=<send time, ms since the epoch>" (bench/lib/sse.mjs's MARK).
func mark(data string) (k int64, t float64, ok bool) {
	for from := 0; ; {
		i := strings.Index(data[from:], "k=")
		if i < 0 {
			return 0, 0, false
		}
		i += from + 2
		j := i
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		if j > i && strings.HasPrefix(data[j:], " t=") {
			l := j + 3
			m := l
			for m < len(data) && (data[m] >= '0' && data[m] <= '9' || data[m] == '.') {
				m++
			}
			kk, err1 := strconv.ParseInt(data[i:j], 10, 64)
			tt, err2 := strconv.ParseFloat(strings.TrimSuffix(data[l:m], "."), 64)
			if m > l && err1 == nil && err2 == nil {
				return kk, tt, true
			}
		}
		from = i
	}
}

// seqOf reads Hearth's envelope position (its last `"seq":N`: the html before it is a JSON string,
// whose quotes are escaped) or the number of PocketBase's record, `"number":N`.
func seqOf(data string, pb bool) int64 {
	key, at := `"seq":`, strings.LastIndex(data, `"seq":`)
	if pb {
		key = `"number":`
		at = strings.Index(data, key)
	}
	if at < 0 {
		return -1
	}
	return leadingInt(data[at+len(key):])
}

func leadingInt(s string) int64 {
	j := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(s[:j], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func onEvent(c *conn, name, data string, t float64) {
	if tp := topicNow.Load(); tp == nil || name != *tp {
		return
	}
	events.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if seqChecking.Load() {
		seq := seqOf(data, pbMode.Load())
		switch {
		case !c.seen:
			c.seen = true
			c.firstSeq = seq
		case seq == c.lastSeq:
			c.dups++
		case seq < c.lastSeq:
			c.reordered++
		case seq > c.lastSeq+1:
			c.gap += int(seq - c.lastSeq - 1)
		}
		if seq > c.lastSeq {
			c.lastSeq = seq
		}
		c.got++
	}
	k, sent, ok := mark(data)
	if !ok {
		return
	}
	c.recs = append(c.recs, rec{k: k, t: t, ms: t - sent})
	ks := kstatOf(k)
	ks.busy0.CompareAndSwap(0, busyNs.Load()+1)
	if n := ks.count.Add(1); n >= subscribedN.Load() && ks.done.CompareAndSwap(false, true) {
		ks.busy1.Store(busyNs.Load())
		send(map[string]any{"type": "done", "k": k, "count": n})
	}
}

func countsNow() map[int64]int64 {
	counts := map[int64]int64{}
	kstats.Range(func(k, v any) bool {
		counts[k.(int64)] = v.(*kstat).count.Load()
		return true
	})
	return counts
}

func resubscribe(o command) any {
	topic := o.Topic
	topicNow.Store(&topic)
	state.mu.Lock()
	var list []*conn
	for _, c := range state.conns {
		if c.subscribed {
			list = append(list, c)
		}
	}
	state.mu.Unlock()
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	workers := o.Concurrency
	if workers <= 0 {
		workers = 8
	}
	for w := 0; w < min(workers, max(len(list), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(list) {
					return
				}
				c := list[i]
				form := url.Values{"clientId": {c.clientID}, "topics": {roomPageTopics(o.Topic)}}.Encode()
				status, _, err := post(c.local, c.port, "/realtime/subscriptions", "application/x-www-form-urlencoded", form,
					map[string]string{"Cookie": c.account.Cookie, "Origin": "http://127.0.0.1:" + strconv.Itoa(c.port)})
				if err != nil || status != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return map[string]any{"moved": int64(len(list)) - failed.Load(), "failed": failed.Load()}
}

func cpuMs() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

func resetState(o command) {
	state.mu.Lock()
	defer state.mu.Unlock()
	state.exact = o.Exact == nil || *o.Exact
	state.seqCheck = o.SeqCheck == nil || *o.SeqCheck
	seqChecking.Store(state.seqCheck)
	kstats.Clear()
	events.Store(0)
	state.unexpectedCloses = 0
	for _, c := range state.conns {
		c.mu.Lock()
		c.got, c.dups, c.reordered, c.gap = 0, 0, 0, 0
		c.firstSeq, c.lastSeq, c.seen = -1, -1, false
		c.recs = nil
		c.mu.Unlock()
	}
	state.cpu0 = cpuMs()
	state.wall0 = time.Now()
}

func collect() any {
	state.mu.Lock()
	defer state.mu.Unlock()
	cpu := cpuMs() - state.cpu0
	wall := float64(time.Since(state.wall0).Microseconds()) / 1000
	got := map[int]int{}
	firstSeqs := map[string]int{}
	lastSeqs := map[string]int{}
	dups, reordered, gaps := 0, 0, 0
	lat := map[int64][]float64{}
	hist := newHistogram()
	bursts := map[int64]*burst{}
	for _, c := range state.conns {
		c.mu.Lock()
		got[c.got]++
		dups += c.dups
		reordered += c.reordered
		gaps += c.gap
		firstSeqs[seqKey(c.firstSeq)]++
		lastSeqs[seqKey(c.lastSeq)]++
		for _, r := range c.recs {
			if state.exact {
				lat[r.k] = append(lat[r.k], r.ms)
			} else {
				hist.add(r.ms)
			}
			b := bursts[r.k]
			if b == nil {
				b = &burst{First: r.t, Last: r.t}
				bursts[r.k] = b
			}
			b.First = math.Min(b.First, r.t)
			b.Last = math.Max(b.Last, r.t)
		}
		c.mu.Unlock()
	}
	// note: handling time from the first to the last arrival of a message, summed over the
	// reader goroutines (on two cores it can reach twice the wall time)
	for k, b := range bursts {
		if v, ok := kstats.Load(k); ok {
			ks := v.(*kstat)
			if end := ks.busy1.Load(); end > 0 {
				b.Busy = float64(end-(ks.busy0.Load()-1)) / 1e6
			}
		}
	}
	result := map[string]any{
		"counts":           countsNow(),
		"bursts":           bursts,
		"events":           events.Load(),
		"subscribed":       state.subscribed,
		"unexpectedCloses": state.unexpectedCloses,
		"cpuMs":            cpu,
		// note: Node reports its event loop's busy share; here it is CPU time over wall time
		"elu": cpu / math.Max(wall, 1e-9),
		"seq": map[string]any{"conns": len(state.conns), "got": got, "dups": dups, "reordered": reordered, "gaps": gaps, "firstSeqs": firstSeqs, "lastSeqs": lastSeqs},
	}
	if state.exact {
		result["lat"], result["hist"] = lat, nil
	} else {
		result["lat"], result["hist"] = nil, hist.json()
	}
	return result
}

func seqKey(s int64) string {
	if s < 0 {
		return "undefined"
	}
	return strconv.FormatInt(s, 10)
}

func closeAll() {
	state.mu.Lock()
	conns := state.conns
	state.conns = nil
	state.subscribed = 0
	subscribedN.Store(0)
	for _, c := range conns {
		c.subscribed = false
	}
	state.mu.Unlock()
	for _, c := range conns {
		c.closing.Store(true)
		c.sock.Close()
		// an epoll loop's socket: it sees the end and closes the descriptor itself
		if fd := c.fd.Load(); fd >= 0 {
			_ = syscall.Shutdown(int(fd), syscall.SHUT_RDWR)
		}
	}
}

// histogram is bench/lib/common.mjs's Histogram (1 % log buckets from 0.01 ms), to merge there.
type histogram struct {
	buckets       map[int]int
	count         int
	max, min, sum float64
}

func newHistogram() histogram {
	return histogram{buckets: map[int]int{}, max: -math.MaxFloat64, min: math.MaxFloat64}
}

func (h *histogram) add(v float64) {
	i := 0
	if v > 0.01 {
		i = int(math.Ceil(math.Log(v/0.01) / math.Log(1.01)))
	}
	h.buckets[i]++
	h.count++
	h.sum += v
	h.max = math.Max(h.max, v)
	h.min = math.Min(h.min, v)
}

func (h *histogram) json() map[string]any {
	buckets := make([][2]int, 0, len(h.buckets))
	for i, c := range h.buckets {
		buckets = append(buckets, [2]int{i, c})
	}
	return map[string]any{"buckets": buckets, "count": h.count, "max": h.max, "min": h.min, "sum": h.sum}
}

// roomPageTopics is what a Hearth room page follows (pb_hooks/pages/_private/room.ejs): its
// room, and its reader's own topic "me", where every post also sends the unread signal. The
// reader times the room's events only, but reads both, as a browser does.
func roomPageTopics(room string) string {
	return room + " me"
}
