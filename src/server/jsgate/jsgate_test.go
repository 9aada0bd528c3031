package jsgate

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// serve runs one request through the gate's handler and then final, like PocketBase's router does
// (the body wrapped in its rereadable reader).
func serve(g, posts *Gate, method, path, body string, final func(e *core.RequestEvent) error) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Body = &router.RereadableReadCloser{ReadCloser: req.Body}
	rec := httptest.NewRecorder()
	e := &core.RequestEvent{}
	e.Request = req
	e.Response = rec
	h := &hook.Hook[*core.RequestEvent]{}
	h.Bind(g.Handler(posts))
	if err := h.Trigger(e, final); err != nil {
		rec.Code = 599
	}
	return rec
}

func TestGatedPaths(t *testing.T) {
	for path, want := range map[string]bool{
		"/": true, "/rooms/lobby": true, "/rooms/lobby/messages": true, "/realtime/subscriptions": true,
		"/hearth.css": true, "/apis": true,
		"/api/realtime": false, "/api/collections/messages/records": false, "/_/": false, "/api": false,
	} {
		if got := Gated(path); got != want {
			t.Errorf("Gated(%q) = %v, want %v", path, got, want)
		}
	}
}

// peak counts the requests running at once and the most there ever were.
type peak struct{ now, most, done atomic.Int32 }

// busy is a page handler that runs for d and counts itself in p.
func (p *peak) busy(d time.Duration) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		n := p.now.Add(1)
		for m := p.most.Load(); n > m && !p.most.CompareAndSwap(m, n); m = p.most.Load() {
		}
		time.Sleep(d)
		p.now.Add(-1)
		p.done.Add(1)
		return nil
	}
}

// postAll sends n form posts at once through the gates, each busy for d and counted in p.
func postAll(wg *sync.WaitGroup, n int, pages, posts *Gate, p *peak, d time.Duration) {
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			serve(pages, posts, http.MethodPost, "/rooms/lobby/messages", "body=hi", p.busy(d))
		}()
	}
}

// At most Size page requests run at once; the others wait and all of them finish.
func TestPagesWaitInLine(t *testing.T) {
	g := New(2)
	var p peak
	var wg sync.WaitGroup
	postAll(&wg, 10, g, nil, &p, 20*time.Millisecond)
	wg.Wait()
	if p.most.Load() != 2 || p.done.Load() != 10 {
		t.Fatalf("at most %d ran at once (want 2), %d of 10 finished", p.most.Load(), p.done.Load())
	}
	if g.Running() != 0 || g.Waiting() != 0 {
		t.Fatalf("after the requests: running %d, waiting %d", g.Running(), g.Waiting())
	}
}

// PocketBase's own routes never wait, even when every place is taken.
func TestAPINotGated(t *testing.T) {
	g := New(1)
	if err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer g.Leave()
	ran := make(chan struct{})
	go serve(g, nil, http.MethodGet, "/api/realtime", "", func(e *core.RequestEvent) error { close(ran); return nil })
	select {
	case <-ran:
	case <-time.After(2 * time.Second):
		t.Fatal("/api/realtime waited for the page gate")
	}
}

// The page reads the same form the client sent, once: the gate's early read must not double it
// (PocketBase's body rewinds at its end), and a body over BufferBody arrives whole.
func TestBodyArrivesIntact(t *testing.T) {
	g := New(1)
	for _, body := range []string{"username=a&password=p&passwordConfirm=p", "body=" + strings.Repeat("x", 100<<10)} {
		var got string
		var form map[string][]string
		rec := serve(g, nil, http.MethodPost, "/signup", body, func(e *core.RequestEvent) error {
			b, err := io.ReadAll(e.Request.Body)
			got = string(b)
			if len(body) < BufferBody {
				// and read again through the form parser, as the page runtime does
				if err := e.Request.ParseForm(); err != nil {
					return err
				}
				form = e.Request.PostForm
			}
			return err
		})
		if rec.Code == 599 || got != body {
			t.Fatalf("page read %d bytes, want %d (status %d)", len(got), len(body), rec.Code)
		}
		if form != nil && (len(form["passwordConfirm"]) != 1 || len(form["username"]) != 1) {
			t.Fatalf("form read twice or not at all: %v", form)
		}
	}
}

// A request whose client goes away while it waits gives up its turn and takes no place.
func TestEnterGivesUpWhenCancelled(t *testing.T) {
	g := New(1)
	if err := g.Enter(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := g.Enter(ctx); err == nil {
		t.Fatal("Enter succeeded on a full gate")
	}
	g.Leave()
	if g.Running() != 0 || g.Waiting() != 0 {
		t.Fatalf("running %d, waiting %d after a cancelled wait", g.Running(), g.Waiting())
	}
}

func TestSizeFromEnv(t *testing.T) {
	t.Setenv("HEARTH_PAGE_CONCURRENCY", "")
	if n, _ := SizeFromEnv(64); n != 21 {
		t.Errorf("default for a pool of 64: %d, want 21", n)
	}
	t.Setenv("HEARTH_PAGE_CONCURRENCY", "0")
	if n, err := SizeFromEnv(64); n != 0 || err != nil {
		t.Errorf("0: %d %v", n, err)
	}
	t.Setenv("HEARTH_PAGE_CONCURRENCY", "-3")
	if _, err := SizeFromEnv(64); err == nil {
		t.Error("-3 accepted")
	}
}

// Form posts wait in their narrower line; page reads beside them use the wider one.
func TestPostsWaitInTheirOwnLine(t *testing.T) {
	pages, posts := New(4), New(1)
	var p peak
	var gets atomic.Int32
	var wg sync.WaitGroup
	postAll(&wg, 6, pages, posts, &p, 10*time.Millisecond)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			serve(pages, posts, http.MethodGet, "/rooms/lobby", "", func(e *core.RequestEvent) error { gets.Add(1); return nil })
		}()
	}
	wg.Wait()
	if p.most.Load() != 1 || gets.Load() != 6 {
		t.Fatalf("%d posts at once (want 1), %d of 6 reads served", p.most.Load(), gets.Load())
	}
	if !Writes(http.MethodPost) || Writes(http.MethodGet) || Writes(http.MethodHead) {
		t.Fatal("Writes misclassifies methods")
	}
}
