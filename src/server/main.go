// Command pocketbase is PocketBase v0.39.11 with the JS hooks runtime, JS migrations and Hearth's
// Go bindings: the realtime relay (see relay/doc.go for why it is in Go), room transactions, the
// heap floor and the JS pool sized from the memory limit (memlimit), background checkpoints, the
// rate limiter (limits), the display-name check (names), the dummy password check (passwords), the
// hidden-email guard, continuous backups and `restore` (replica), /health, /metrics, and the
// trusted-proxy check (proxies). It carries Hearth's version (release.go).
package main

import (
	"bytes"
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"

	"hearth/server/apifilters"
	"hearth/server/checkpoint"
	"hearth/server/health"
	"hearth/server/heapfloor"
	"hearth/server/jsgate"
	"hearth/server/limits"
	"hearth/server/memlimit"
	"hearth/server/metrics"
	"hearth/server/names"
	"hearth/server/passwords"
	"hearth/server/proxies"
	"hearth/server/relay"
	"hearth/server/replica"
	"hearth/server/roomtx"
)

func main() {
	// `restore` runs before PocketBase opens (and so creates) data.db (see replica/command.go)
	if len(os.Args) > 1 && os.Args[1] == "restore" {
		os.Exit(replica.RunRestore(os.Args[2:]))
	}

	// every default path is beside the executable, so an unpacked release serves with `./hearth serve`
	dir := releaseDir()
	// the memory the process may use (its cgroup's limit or the machine's): the pool, the heap
	// floor and SQLite's page cache follow it, so Hearth fits a small machine
	memory := memlimit.Read()
	cacheKiB := sqliteCacheKiB(memory.Bytes)
	statements := preparedStatements(memory.Bytes)
	// SQLite's checkpoints run in the background instead of inside every 78th post (see checkpoint)
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DBConnect:      checkpoint.ConnectWith(cacheKiB, statements),
		DefaultDataDir: filepath.Join(dir, "pb_data"),
	})
	app.RootCmd.Version = versionLine()
	app.RootCmd.SetVersionTemplate("Hearth {{.Version}}\n")
	app.RootCmd.AddCommand(replica.NewListedRestoreCommand()) // listed in --help; run above
	// HEARTH_REPLICA: Litestream copies data.db to the replica continuously, and checkpoints it
	replicaURL := replica.URLFromEnv()
	checkpoint.Register(app, replicaURL != "")
	var lastSync func() time.Time
	if replicaURL != "" {
		lastSync = replica.Register(app, replicaURL).LastSync
	}
	// only superusers may sort or filter records by a hidden email or through relations PocketBase
	// reads without their rules (see apifilters)
	apifilters.Register(app)

	flags := app.RootCmd.PersistentFlags()
	hooksDir := flags.String("hooksDir", filepath.Join(dir, "pb_hooks"), "the directory with the JS app hooks")
	hooksWatch := flags.Bool("hooksWatch", false, "restart the app when a pb_hooks file changes")
	hooksPool := flags.Int("hooksPool", defaultHooksPool(memory.Bytes), "the number of pooled JS runtimes for hook handlers")
	migrationsDir := flags.String("migrationsDir", filepath.Join(dir, "pb_migrations"), "the directory with the JS migrations")
	publicDir := flags.String("publicDir", filepath.Join(dir, "pb_public"), "the directory to serve static files from")
	app.RootCmd.ParseFlags(os.Args[1:])

	// the trusted-proxy headers count only from HEARTH_TRUSTED_PROXIES (default: this machine)
	trusted, err := proxies.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	proxies.Register(app, trusted)

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

	// GET /health for anyone, GET /metrics for loopback and superusers (see health, metrics)
	health.Register(app, health.Config{Version: hearthVersion(), Relay: rel.Stats, LastSync: lastSync})
	metrics.New(metrics.Sources{Relay: rel.Stats, Refusals: limiter.Refusals}).Register(app)

	// PocketBase's own subscribe endpoint (POST /api/realtime) costs a lookup and a broker update per
	// call: the admin's setting (read at each call), else HEARTH_LIMIT_REALTIME_SUBSCRIBES, else 120
	// per minute per address, like Hearth's route
	subscribes := limits.RuleFromEnv(limits.Rule{Name: "realtime_subscribes", Max: 120, Window: 60})
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if !limiter.TakeRule(limits.ParseRule(siteLimit(e.App, "limitRealtimeSubscribes"), subscribes), e.RealIP()) {
			return e.TooManyRequestsError("Too many realtime subscribe requests; wait a minute.", nil)
		}
		return e.Next()
	})

	// every change to a room commits together with its room event (see roomtx)
	roomtx.Register(app, "messages", "memberships", "reactions")
	// ... and its events reach the relay right after the commit (see relay/committed.go)
	rel.PublishCommitted("messages", "memberships", "reactions")

	// HEARTH_GC_HEAP_MB (default a twentieth of the memory the process may use, at most 192; 0 = off;
	// an explicit GOGC also turns it off): the heap may grow to that size before Go collects, so
	// collections stop landing on every few posts. Under a cgroup limit (a container, systemd's
	// MemoryMax) Go's soft limit is set to three quarters of it, unless GOMEMLIMIT is set.
	floor, on := heapfloor.FloorFromEnv(memory)
	if on {
		heapfloor.Start(floor)
		// ... and an idle process gives what the floor let pile up back to the system
		heapfloor.TrimWhenIdle(10 * time.Second)
		// ... and collections come in the quiet between bursts rather than inside them
		busy := requestsInFlight(app)
		heapfloor.CollectWhenQuiet(20*time.Millisecond, func() bool { return busy() || rel.Delivering() })
	}
	soft := heapfloor.SoftLimitFor(memory)
	if soft > 0 {
		debug.SetMemoryLimit(int64(soft))
	}
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		log.Print(memorySummary(memory, floor, soft, *hooksPool, cacheKiB, statements))
		return e.Next()
	})

	// HEARTH_PPROF=127.0.0.1:6060 serves Go's profiles (heap, CPU, goroutines) on that address, for
	// operators and bench/ (see BENCHMARKS.md); unset, nothing listens.
	if addr := os.Getenv("HEARTH_PPROF"); addr != "" {
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/js", jsProfile)
			log.Println(http.ListenAndServe(addr, mux))
		}()
	}

	jsvm.MustRegister(app, jsvm.Config{
		HooksDir:      *hooksDir,
		HooksWatch:    *hooksWatch,
		HooksPoolSize: *hooksPool,
		MigrationsDir: *migrationsDir,
		OnInit: func(vm *goja.Runtime) {
			// the release, for the health answer and the admins' footer
			vm.Set("$hearth", map[string]any{"version": version, "pocketbase": pocketbase.Version})
			vm.Set("$relay", rel)
			vm.Set("$limitBody", limitBody)
			vm.Set("$limits", limiter)
			vm.Set("$names", map[string]any{"problem": names.Problem, "normalize": names.Normalize})
			vm.Set("$passwords", map[string]any{"dummyCheck": passwords.DummyCheck})
		},
	})

	// ... whose runtimes go once serve has applied the migrations (see migrations.go)
	forgetMigrationsOnServe(app)

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

// requestsInFlight counts the requests being answered, but for realtime streams (open for as
// long as a tab is): busy reports whether there is one.
func requestsInFlight(app core.App) (busy func() bool) {
	var n atomic.Int64
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Priority: -100000, // outside every other middleware
			Func: func(e *core.RequestEvent) error {
				if e.Request.URL.Path == "/api/realtime" && e.Request.Method == http.MethodGet {
					return e.Next()
				}
				n.Add(1)
				defer n.Add(-1)
				return e.Next()
			},
		})
		return se.Next()
	})
	return func() bool { return n.Load() > 0 }
}

// jsProfile answers /debug/pprof/js?seconds=N (default 10) with goja's profile of every JS runtime
// for that long, in pprof's format: where Hearth's JavaScript spends its time, by JS function,
// which Go's CPU profile shows only as goja's interpreter. It measures execution time, not CPU: a
// call that waits (for SQLite's writer, say) counts while it waits.
func jsProfile(w http.ResponseWriter, r *http.Request) {
	seconds, err := strconv.Atoi(r.URL.Query().Get("seconds"))
	if err != nil || seconds <= 0 {
		seconds = 10
	}
	var profile bytes.Buffer
	if err := goja.StartProfile(&profile); err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	select {
	case <-time.After(time.Duration(seconds) * time.Second):
	case <-r.Context().Done():
	}
	goja.StopProfile()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(profile.Bytes())
}

// limitBody caps what the page handler may read of a request body: reading past n bytes fails
// with *http.MaxBytesError ("http: request body too large"), which the page runtime answers with
// its own 413 page. (PocketBase's bodyLimit middleware answers a too-long Content-Length itself,
// as JSON, before the page runtime runs.)
func limitBody(e *core.RequestEvent, n int64) {
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, n)
}
