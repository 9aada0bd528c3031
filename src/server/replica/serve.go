package replica

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/pocketbase/pocketbase/core"
)

// stopWithin bounds the final sync at shutdown.
const stopWithin = 30 * time.Second

// Register replicates data.db to url while the app serves, and sends the rest when it stops.
// The app must not checkpoint data.db itself meanwhile (see checkpoint.Register).
//
// It also replaces PocketBase's nightly job __pbDBOptimize__: its wal_checkpoint(TRUNCATE) on
// data.db waits for Litestream's read transaction to end, which never happens, and blocked every
// write for its whole 10 s busy timeout. The job keeps its other work.
func Register(app core.App, url string) *Replication {
	r := &Replication{}
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		started, err := Start(context.Background(), filepath.Join(e.App.DataDir(), "data.db"), url, IntervalFromEnv(), logger)
		if err != nil {
			return err
		}
		*r = *started
		e.App.Cron().Add("__pbDBOptimize__", "0 0 * * *", func() { optimize(e.App) })
		return e.Next()
	})
	// PocketBase's own backups of pb_data leave out Litestream's local state (its copies of the log)
	app.OnBackupCreate().BindFunc(func(e *core.BackupEvent) error {
		e.Exclude = append(e.Exclude, ".data.db"+litestream.MetaDirSuffix)
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if r.store != nil {
			ctx, cancel := context.WithTimeout(context.Background(), stopWithin)
			defer cancel()
			if err := r.Stop(ctx); err != nil {
				e.App.Logger().Error("Replica: the final sync failed", slog.String("error", err.Error()))
			}
		}
		return e.Next()
	})
	return r
}

func optimize(app core.App) {
	if _, err := app.AuxNonconcurrentDB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		app.Logger().Warn("Failed to run periodic PRAGMA wal_checkpoint for the auxiliary DB", slog.String("error", err.Error()))
	}
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA optimize").Execute(); err != nil {
		app.Logger().Warn("Failed to run periodic PRAGMA optimize", slog.String("error", err.Error()))
	}
}
