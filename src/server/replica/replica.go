// Package replica copies Hearth's database to a replica continuously with Litestream, inside
// `serve`, and restores it with `restore`.
//
// Why inside the binary: Litestream's library (pinned, its API is marked unstable upstream)
// builds with CGO off beside PocketBase, both on modernc.org/sqlite, for about 2.7 MB; one
// process then owns the database's checkpoints (see Start).
//
// Only data.db is replicated: auxiliary.db holds PocketBase's request logs, which a restore can
// do without. Uploaded files (pb_data/storage) are not covered.
package replica

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/benbjohnson/litestream"
	_ "github.com/benbjohnson/litestream/file" // file:// replicas
	_ "github.com/benbjohnson/litestream/s3"   // s3:// replicas (any S3-compatible storage)
)

// EnvURL names the environment variable with the replica's address: a folder, a file:// URL or
// an s3://bucket/path URL.
const EnvURL = "HEARTH_REPLICA"

// URLFromEnv is the replica address the operator set, or "" when replication is off.
func URLFromEnv() string {
	return strings.TrimSpace(os.Getenv(EnvURL))
}

// client turns a replica address into Litestream's client; a plain path is a folder.
func client(url string) (litestream.ReplicaClient, error) {
	if !strings.Contains(url, "://") {
		abs, err := filepath.Abs(url)
		if err != nil {
			return nil, err
		}
		url = "file://" + abs
	}
	return litestream.NewReplicaClientFromURL(url)
}

// DefaultInterval is how often Litestream copies new commits from the log (and then to the
// replica) unless HEARTH_REPLICA_INTERVAL_MS says otherwise.
//
// note: Litestream's own default, a second for each of the two steps, lost posts acknowledged
// 1.3 s before a kill -9 on a loaded machine (backups.test.mjs); at 250 ms none older than a second
// was lost. Each sync with new data is one upload: 4 a second at most, only while people post.
const DefaultInterval = 250 * time.Millisecond

// IntervalFromEnv reads HEARTH_REPLICA_INTERVAL_MS (DefaultInterval when unset or not positive).
func IntervalFromEnv() time.Duration {
	ms, err := strconv.Atoi(strings.TrimSpace(os.Getenv("HEARTH_REPLICA_INTERVAL_MS")))
	if err != nil || ms <= 0 {
		return DefaultInterval
	}
	return time.Duration(ms) * time.Millisecond
}

// Replication is Litestream copying one database to its replica.
type Replication struct {
	store *litestream.Store
	db    *litestream.DB
}

// Start begins replicating the database at dbPath to url; Litestream copies new commits to the
// replica every interval and checkpoints the database itself (it holds a read transaction, so
// other checkpoints copy nothing).
func Start(ctx context.Context, dbPath, url string, interval time.Duration, logger *slog.Logger) (*Replication, error) {
	c, err := client(url)
	if err != nil {
		return nil, fmt.Errorf("replica %q: %w", url, err)
	}
	db := litestream.NewDB(dbPath)
	db.MonitorInterval = interval
	db.Replica = litestream.NewReplicaWithClient(db, c)
	db.Replica.SyncInterval = interval
	store := litestream.NewStore([]*litestream.DB{db}, litestream.DefaultCompactionLevels)
	store.Logger = logger
	db.SetLogger(logger)
	if err := store.Open(ctx); err != nil {
		return nil, fmt.Errorf("replicate %s: %w", filepath.Base(dbPath), err)
	}
	return &Replication{store: store, db: db}, nil
}

// Stop sends what the replica lacks and stops; after it the replica has every commit.
func (r *Replication) Stop(ctx context.Context) error {
	return r.store.Close(ctx)
}

// LastSync is when the replica last received the database's changes (zero before the first).
func (r *Replication) LastSync() time.Time {
	if r.db == nil {
		return time.Time{} // not started yet
	}
	return r.db.LastSuccessfulSyncAt()
}

// Restore writes the newest state of the replica at url (or its state at a time, when at is not
// zero) to outPath, which must not exist yet, and checks the result's integrity.
func Restore(ctx context.Context, url, outPath string, at time.Time) error {
	c, err := client(url)
	if err != nil {
		return fmt.Errorf("replica %q: %w", url, err)
	}
	if err := c.Init(ctx); err != nil {
		return fmt.Errorf("replica %q: %w", url, err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(outPath + suffix); err == nil {
			return fmt.Errorf("%s already exists: restore into an empty folder", outPath+suffix)
		}
	}
	opt := litestream.NewRestoreOptions()
	opt.OutputPath = outPath
	opt.Timestamp = at
	opt.IntegrityCheck = litestream.IntegrityCheckQuick
	return litestream.NewReplicaWithClient(nil, c).Restore(ctx, opt)
}
