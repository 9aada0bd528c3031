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

// Handler is the router middleware.
func (g *Gate) Handler() *hook.Handler[*core.RequestEvent] {
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
			if err := g.Enter(e.Request.Context()); err != nil {
				return err // the client went away while waiting
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

// Register puts a gate for n requests at once in front of every page (n <= 0: no gate).
func Register(app core.App, n int) *Gate {
	if n <= 0 {
		return nil
	}
	g := New(n)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.Bind(g.Handler())
		return e.Next()
	})
	return g
}

// SizeFromEnv reads HEARTH_PAGE_CONCURRENCY: how many page requests may run JS at once; 0 turns
// the gate off. Unset, it is the pool divided by RuntimesPerRequest, so every runtime a page
// request takes comes from the pool.
func SizeFromEnv(pool int) (int, error) {
	v, ok := os.LookupEnv("HEARTH_PAGE_CONCURRENCY")
	if !ok || v == "" {
		return max(1, pool/RuntimesPerRequest), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("HEARTH_PAGE_CONCURRENCY must be a whole number >= 0, not %q", v)
	}
	return n, nil
}
