// Command pocketbase is PocketBase v0.39.11 with the JS hooks runtime, JS migrations and Hearth's
// Go bindings: the realtime relay (see relay/doc.go for why it is in Go), room transactions,
// the heap floor, background checkpoints, the rate limiter (limits), the display-name check
// (names), the dummy password check (passwords) and the hidden-email guard.
package main

import (
	"log"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/dop251/goja"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"

	"hearth/server/checkpoint"
	"hearth/server/heapfloor"
	"hearth/server/hiddenemail"
	"hearth/server/jsgate"
	"hearth/server/limits"
	"hearth/server/names"
	"hearth/server/passwords"
	"hearth/server/relay"
	"hearth/server/roomtx"
)

func main() {
	// SQLite's checkpoints run in the background instead of inside every 78th post (see checkpoint)
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: checkpoint.Connect})
	checkpoint.Register(app)
	// only superusers may sort or filter records by a hidden email (see hiddenemail)
	hiddenemail.Register(app)

	flags := app.RootCmd.PersistentFlags()
	hooksDir := flags.String("hooksDir", "pb_hooks", "the directory with the JS app hooks")
	hooksWatch := flags.Bool("hooksWatch", false, "restart the app when a pb_hooks file changes")
	// note: more than PocketBase's 15, because when every pooled runtime is busy PocketBase builds a
	// fresh one per call, and Hearth's bundle and templates then load again: at 32 concurrent room
	// page requests a pool of 64 served 146-159 requests/s against 94 with 15 (see BENCHMARKS.md).
	hooksPool := flags.Int("hooksPool", 64, "the number of pooled JS runtimes for hook handlers")
	migrationsDir := flags.String("migrationsDir", "pb_migrations", "the directory with the JS migrations")
	publicDir := flags.String("publicDir", "pb_public", "the directory to serve static files from")
	app.RootCmd.ParseFlags(os.Args[1:])

	rel := relay.New(app, relay.ConfigFromEnv())
	// one limiter for the whole process: every JS runtime reserves its slots in it
	limiter := limits.New()

	// HEARTH_PAGE_CONCURRENCY (default: the pool / 3): page requests beyond it wait in line before
	// any JS runs, so every runtime a page and its record hooks take comes from the pool; form posts
	// first wait in a narrower line, HEARTH_POST_CONCURRENCY (default: twice the CPUs) (see jsgate)
	pages, err := jsgate.SizeFromEnv(*hooksPool)
	if err != nil {
		log.Fatal(err)
	}
	posts, err := jsgate.PostsFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	jsgate.Register(app, pages, posts)

	// PocketBase's own subscribe endpoint (POST /api/realtime) costs a lookup and a broker update per
	// call: HEARTH_LIMIT_REALTIME_SUBSCRIBES (default 120 per minute per address), like Hearth's route
	subscribes := limits.RuleFromEnv(limits.Rule{Name: "realtime_subscribes", Max: 120, Window: 60})
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if !limiter.TakeRule(subscribes, e.RealIP()) {
			return e.TooManyRequestsError("Too many realtime subscribe requests; wait a minute.", nil)
		}
		return e.Next()
	})

	// every change to a room commits together with its room event (see roomtx)
	roomtx.Register(app, "messages", "memberships", "reactions")
	// ... and its events reach the relay right after the commit (see relay/committed.go)
	rel.PublishCommitted("messages", "memberships", "reactions")

	// HEARTH_GC_HEAP_MB (default 192; 0 = off; an explicit GOGC also turns it off): the heap may
	// grow to that size before Go collects, so collections stop landing on every few posts.
	if floor, on := heapfloor.FloorFromEnv(); on {
		heapfloor.Start(floor)
	}

	// HEARTH_PPROF=127.0.0.1:6060 serves Go's profiles (heap, CPU, goroutines) on that address, for
	// operators and bench/ (see BENCHMARKS.md); unset, nothing listens.
	if addr := os.Getenv("HEARTH_PPROF"); addr != "" {
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			log.Println(http.ListenAndServe(addr, mux))
		}()
	}

	jsvm.MustRegister(app, jsvm.Config{
		HooksDir:      *hooksDir,
		HooksWatch:    *hooksWatch,
		HooksPoolSize: *hooksPool,
		MigrationsDir: *migrationsDir,
		OnInit: func(vm *goja.Runtime) {
			vm.Set("$relay", rel)
			vm.Set("$limitBody", limitBody)
			vm.Set("$limits", limiter)
			vm.Set("$names", map[string]any{"problem": names.Problem, "normalize": names.Normalize})
			vm.Set("$passwords", map[string]any{"dummyCheck": passwords.DummyCheck})
		},
	})

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangJS,
		Automigrate:  false,
		Dir:          *migrationsDir,
	})

	// Static files from the public dir, unless the hooks serve GET /{path...} themselves (Hearth does).
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				e.Router.GET("/{path...}", apis.Static(os.DirFS(*publicDir), false))
			}
			return e.Next()
		},
		Priority: 999,
	})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// limitBody caps what the page handler may read of a request body: reading past n bytes fails
// with *http.MaxBytesError ("http: request body too large"), which the page runtime answers with
// its own 413 page. (PocketBase's bodyLimit middleware answers a too-long Content-Length itself,
// as JSON, before the page runtime runs.)
func limitBody(e *core.RequestEvent, n int64) {
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, n)
}
