package checkpoint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // PocketBase's system tables, for Bootstrap
)

// Every setting but the checkpoint threshold is PocketBase's own.
func TestConnectKeepsPocketBaseSettings(t *testing.T) {
	dir := t.TempDir()
	ours, err := Connect(filepath.Join(dir, "ours.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	theirs, err := core.DefaultDBConnect(filepath.Join(dir, "theirs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()

	for _, name := range []string{"busy_timeout", "journal_mode", "journal_size_limit", "synchronous", "foreign_keys", "temp_store", "cache_size"} {
		if a, b := pragma(t, ours, name), pragma(t, theirs, name); a != b {
			t.Errorf("%s: ours %q, PocketBase's %q", name, a, b)
		}
	}
	if got := pragma(t, ours, "wal_autocheckpoint"); got != "20000" {
		t.Errorf("wal_autocheckpoint %q, want the backstop 20000", got)
	}
	if got := pragma(t, theirs, "wal_autocheckpoint"); got != "1000" {
		t.Errorf("PocketBase's wal_autocheckpoint is %q; the reason for this package may have changed", got)
	}
}

// Commits no longer checkpoint (the log keeps every frame), and Passive empties the log.
func TestCheckpointsLeaveTheCommits(t *testing.T) {
	scenarios := []struct {
		name    string
		passive bool
		check   func(t *testing.T, frames int)
	}{
		{"commits alone keep the log", false, func(t *testing.T, frames int) {
			if frames < 1500 {
				t.Fatalf("%d frames in the log: a commit checkpointed", frames)
			}
		}},
		{"a passive checkpoint empties it", true, func(t *testing.T, frames int) {
			if frames > 50 {
				t.Fatalf("%d frames in the log after Passive", frames)
			}
		}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), DBConnect: Connect})
			if err := app.Bootstrap(); err != nil {
				t.Fatal(err)
			}
			defer app.ResetBootstrapState()
			db := app.NonconcurrentDB()
			exec(t, db, "CREATE TABLE filler (v BLOB)")
			for i := 0; i < 400; i++ { // about 2,000 pages, over SQLite's default threshold of 1,000
				exec(t, db, "INSERT INTO filler (v) VALUES (randomblob(16000))")
			}
			if s.passive {
				Passive(app)
			}
			exec(t, db, "INSERT INTO filler (v) VALUES (1)") // a log checkpointed to the end restarts here
			s.check(t, logFrames(t, db))
		})
	}
}

func pragma(t *testing.T, db *dbx.DB, name string) string {
	t.Helper()
	var v string
	if err := db.NewQuery("PRAGMA " + name).Row(&v); err != nil {
		t.Fatal(err)
	}
	return strings.ToLower(v)
}

func exec(t *testing.T, db dbx.Builder, sql string) {
	t.Helper()
	if _, err := db.NewQuery(sql).Execute(); err != nil {
		t.Fatal(err)
	}
}

// logFrames is how many frames the write-ahead log holds, as a passive checkpoint reports them
// (so it is asked last).
func logFrames(t *testing.T, db dbx.Builder) int {
	t.Helper()
	var busy, frames, done int
	if err := db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &frames, &done); err != nil {
		t.Fatal(err)
	}
	return frames
}

// A smaller page cache changes that setting only.
func TestConnectWith(t *testing.T) {
	dir := t.TempDir()
	db, err := ConnectWith(8192, 0)(filepath.Join(dir, "small.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := pragma(t, db, "cache_size"); got != "-8192" {
		t.Errorf("cache_size %q, want -8192", got)
	}
	if got := pragma(t, db, "wal_autocheckpoint"); got != "20000" {
		t.Errorf("wal_autocheckpoint %q, want the backstop 20000", got)
	}
	if got := pragma(t, db, "journal_mode"); got != "wal" {
		t.Errorf("journal_mode %q, want wal", got)
	}
}
