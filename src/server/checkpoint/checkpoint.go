// Package checkpoint moves SQLite's WAL checkpoints out of the requests that commit.
//
// Why: SQLite copies the write-ahead log back into the database (and syncs it) inside whichever
// commit takes the log past wal_autocheckpoint pages, 1,000 by default. A Hearth post writes about
// 13 pages, so every 78th post paid about 4 ms for it, in the middle of its delivery
// (BENCHMARKS.md, "the fan-out tail"). Here connections checkpoint only as a backstop (at
// BackstopPages), and a goroutine runs a passive checkpoint every Interval from a reading
// connection: it never blocks writers or readers, and the log stays short.
package checkpoint

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"hearth/server/stmtcache"
)

// BackstopPages is wal_autocheckpoint on every connection: reached only if the background
// checkpoints stop or fall far behind.
const BackstopPages = 20000

// Interval is how often the background checkpoint runs.
const Interval = time.Second

// pragmas are PocketBase v0.39.11's own (core.DefaultDBConnect) plus the backstop; the tests
// check that every other setting matches PocketBase's.
const pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_pragma=wal_autocheckpoint(20000)"

// Statements is how many prepared statements each connection keeps by default (see stmtcache).
const Statements = 32

// Connect opens a database the way PocketBase does, with the backstop and each connection's
// prepared statements kept; for pocketbase.Config.
func Connect(dbPath string) (*dbx.DB, error) {
	return stmtcache.Open(dbPath+pragmas, Statements), nil
}

// ConnectWith is Connect with SQLite's page cache per connection set to cacheKiB instead of
// PocketBase's 32,000 KiB (0 keeps PocketBase's), keeping statements prepared statements per
// connection (0: none).
func ConnectWith(cacheKiB, statements int) func(dbPath string) (*dbx.DB, error) {
	settings := pragmas
	if cacheKiB > 0 {
		settings = strings.Replace(pragmas, "cache_size(-32000)", fmt.Sprintf("cache_size(-%d)", cacheKiB), 1)
	}
	return func(dbPath string) (*dbx.DB, error) {
		return stmtcache.Open(dbPath+settings, statements), nil
	}
}

// Register starts the background checkpoints when the app starts serving and stops them when it
// terminates. With auxiliaryOnly, data.db is left to whoever else checkpoints it (Litestream
// while it replicates, see replica): its read transaction would make ours copy nothing.
func Register(app core.App, auxiliaryOnly bool) {
	ctx, stop := context.WithCancel(context.Background())
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		go run(ctx, e.App, auxiliaryOnly)
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		stop()
		return e.Next()
	})
}

func run(ctx context.Context, app core.App, auxiliaryOnly bool) {
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if auxiliaryOnly {
				passive(app, "auxiliary", app.AuxDB())
			} else {
				Passive(app)
			}
		}
	}
}

// Passive checkpoints both of PocketBase's databases as far as it can without waiting.
func Passive(app core.App) {
	passive(app, "data", app.DB())
	passive(app, "auxiliary", app.AuxDB())
}

func passive(app core.App, name string, db dbx.Builder) {
	if db == nil {
		return
	}
	if _, err := db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Execute(); err != nil {
		app.Logger().Warn("Background WAL checkpoint failed", slog.String("db", name), slog.String("error", err.Error()))
	}
}
