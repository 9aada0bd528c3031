// Package jsgate bounds how many page requests run Hearth's JavaScript at once; the rest wait in
// line, in arrival order, without holding a JS runtime.
//
// Why: every page request runs in one of PocketBase's pooled JS runtimes (--hooksPool), and a post
// takes two more while it still holds the first (the onRecordCreate hook, then the execute or the
// after-success hook). When every pooled runtime is busy PocketBase builds a fresh one for the
// call, and Hearth's bundle and templates load again in it: tens of milliseconds of CPU each. Posts
// also queue for SQLite's single writer, each waiting poster holding two runtimes, so past about 30
// concurrent posters the pool ran dry, the post holding the write lock waited for a fresh runtime
// of its own, and throughput fell from about 450 to under 80 posts/s (bench/posters.mjs). With the
// gate a request that cannot run yet waits in Go, before any JS, and every runtime comes from the
// pool.
//
// Form posts (every method but GET, HEAD and OPTIONS) first wait in a second, narrower line
// (HEARTH_POST_CONCURRENCY, default twice the CPUs): they serialize on SQLite's writer anyway, and
// more of them at once only made the one holding the write lock share the CPU with the rest, while
// database/sql handed the freed connection to a random waiter. With 4 instead of 21 posts at once,
// POST p99 fell from 2.1 to 0.96 s at 50 posters and CPU per post from 10.7 to 10.0 ms
// (BENCHMARKS.md, posters).
//
// Only Hearth's pages are gated (every path outside PocketBase's /api/ and /_/): the REST API, the
// dashboard and the realtime stream never wait here. A request's body (up to BufferBody bytes) is
// read before it takes a place, so a client that sends its form slowly delays only itself.
package jsgate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// RuntimesPerRequest is the most pooled JS runtimes one page request holds at once: the page
// handler, a record hook, and an execute or after-success hook inside it.
const RuntimesPerRequest = 3

// BufferBody is how much of a request body is read before the request takes a place: the page
// runtime's own limit (64 KiB, src/runtime/request.ts) and one byte, so a body that is too large
// is still seen as too large by the page runtime.
const BufferBody = 64<<10 + 1

// Priority runs the gate after PocketBase's own middlewares (logging, panic recovery, auth token,
// body limit) and before the route's handler.
const Priority = -900

// Gate lets at most Size requests in at once.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int64
}

// New makes a gate for n requests at once (n >= 1).
func New(n int) *Gate {
	if n < 1 {
		n = 1
	}
	return &Gate{slots: make(chan struct{}, n)}
}

// Size is how many requests may run at once.
func (g *Gate) Size() int { return cap(g.slots) }

// Running and Waiting are how many requests hold a place and how many wait for one.
func (g *Gate) Running() int { return len(g.slots) }
func (g *Gate) Waiting() int { return int(g.waiting.Load()) }

// Enter waits for a place (blocked senders on a channel are woken in arrival order) or until ctx
// is done; after a nil error the caller must Leave.
func (g *Gate) Enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Leave gives the place back.
func (g *Gate) Leave() { <-g.slots }

// Gated tells whether a request path is one of Hearth's pages.
func Gated(path string) bool {
	return !strings.HasPrefix(path, "/api/") && path != "/api" && !strings.HasPrefix(path, "/_/") && path != "/_"
}

// Writes reports whether a request method changes something (a form post).
func Writes(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// Handler is the router middleware: posts (when posts is not nil) wait for a place in posts, then
// every page waits for a place in g.
func (g *Gate) Handler(posts *Gate) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "hearthJSGate",
		Priority: Priority,
		Func: func(e *core.RequestEvent) error {
			if !Gated(e.Request.URL.Path) {
				return e.Next()
			}
			if err := bufferBody(e); err != nil {
				return e.BadRequestError("The request body could not be read.", err)
			}
			ctx := e.Request.Context()
			if posts != nil && Writes(e.Request.Method) {
				if err := posts.Enter(ctx); err != nil {
					return err // the client went away while waiting
				}
				defer posts.Leave()
			}
			if err := g.Enter(ctx); err != nil {
				return err
			}
			defer g.Leave()
			return e.Next()
		},
	}
}

// bufferBody reads up to BufferBody bytes of the body now; the page runtime reads the same bytes
// (and whatever follows them) later.
func bufferBody(e *core.RequestEvent) error {
	body := e.Request.Body
	if body == nil || body == http.NoBody || e.Request.ContentLength == 0 {
		return nil
	}
	head, err := io.ReadAll(io.LimitReader(body, BufferBody))
	if err != nil {
		return err
	}
	if _, ok := body.(router.Rereader); ok && len(head) < BufferBody {
		return nil // PocketBase's body was read to its end and rewinds there: it reads again from the start
	}
	e.Request.Body = readCloser{io.MultiReader(bytes.NewReader(head), body), body}
	return nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Register puts a gate for pages requests at once in front of every page, and one for posts form
// posts at once in front of those (pages <= 0: no gates; posts <= 0: no posts gate).
func Register(app core.App, pages, posts int) {
	if pages <= 0 {
		return
	}
	g := New(pages)
	var p *Gate
	if posts > 0 {
		p = New(posts)
	}
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.Bind(g.Handler(p))
		return e.Next()
	})
}

// SizeFromEnv reads HEARTH_PAGE_CONCURRENCY: how many page requests may run JS at once; 0 turns
// the gate off. Unset, it is the pool divided by RuntimesPerRequest, so every runtime a page
// request takes comes from the pool.
func SizeFromEnv(pool int) (int, error) {
	return intFromEnv("HEARTH_PAGE_CONCURRENCY", max(1, pool/RuntimesPerRequest))
}

func intFromEnv(name string, fallback int) (int, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s must be a whole number >= 0, not %q", name, v)
	}
	return n, nil
}

// PostsFromEnv reads HEARTH_POST_CONCURRENCY: how many form posts may run at once; 0 turns that
// line off. Unset, twice the CPUs Go uses.
func PostsFromEnv() (int, error) {
	return intFromEnv("HEARTH_POST_CONCURRENCY", 2*runtime.GOMAXPROCS(0))
}
