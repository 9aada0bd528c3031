package roomtx

import (
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // PocketBase's system tables, for Bootstrap
)

func newApp(t *testing.T) core.App {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"notes", "events"} {
		c := core.NewBaseCollection(name)
		c.Fields.Add(&core.TextField{Name: "text"})
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	return app
}

func count(t *testing.T, app core.App, collection string) int {
	t.Helper()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// writeEvent stands in for Hearth's JS hook: after the change is written, it records an event
// through e.App and then fails when told to.
func writeEvent(fail *bool) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		events, _ := e.App.FindCachedCollectionByNameOrId("events")
		if err := e.App.Save(core.NewRecord(events)); err != nil {
			return err
		}
		if *fail {
			return errors.New("failed after the event was written")
		}
		return nil
	}
}

func TestChangeAndEventCommitTogether(t *testing.T) {
	scenarios := []struct {
		name       string
		wrapped    bool
		fail       bool
		wantNotes  int
		wantEvents int
	}{
		{"wrapped, success: both stored", true, false, 1, 1},
		{"wrapped, failure: neither stored", true, true, 0, 0},
		// the reason for this package: without it a failure leaves both half-written
		{"unwrapped, failure: both left behind", false, true, 1, 1},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			app := newApp(t)
			if s.wrapped {
				Register(app, "notes")
			}
			fail := s.fail
			app.OnRecordCreateExecute("notes").BindFunc(writeEvent(&fail))
			notes, _ := app.FindCachedCollectionByNameOrId("notes")
			err := app.Save(core.NewRecord(notes))
			if (err != nil) != s.fail {
				t.Fatalf("save error %v, want failure %v", err, s.fail)
			}
			if got := count(t, app, "notes"); got != s.wantNotes {
				t.Errorf("notes %d, want %d", got, s.wantNotes)
			}
			if got := count(t, app, "events"); got != s.wantEvents {
				t.Errorf("events %d, want %d", got, s.wantEvents)
			}
		})
	}
}

// After-success hooks, where events are handed to the relay, run only after the commit, and
// not at all when the transaction fails.
func TestAfterSuccessRunsAfterCommit(t *testing.T) {
	app := newApp(t)
	Register(app, "notes")
	fail := false
	app.OnRecordCreateExecute("notes").BindFunc(writeEvent(&fail))
	var seen []int
	app.OnRecordAfterCreateSuccess("notes").BindFunc(func(e *core.RecordEvent) error {
		// a read outside any transaction sees the committed event
		seen = append(seen, count(t, app, "events"))
		return e.Next()
	})
	notes, _ := app.FindCachedCollectionByNameOrId("notes")
	if err := app.Save(core.NewRecord(notes)); err != nil {
		t.Fatal(err)
	}
	fail = true
	if err := app.Save(core.NewRecord(notes)); err == nil {
		t.Fatal("the failing save succeeded")
	}
	if len(seen) != 1 || seen[0] != 1 {
		t.Fatalf("after-success saw %v, want one call that saw the committed event", seen)
	}
}

// Inside a caller's transaction the hooks join it: nothing is committed until the caller's is.
func TestJoinsTheCallersTransaction(t *testing.T) {
	app := newApp(t)
	Register(app, "notes")
	fail := false
	app.OnRecordCreateExecute("notes").BindFunc(writeEvent(&fail))
	notes, _ := app.FindCachedCollectionByNameOrId("notes")
	err := app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(core.NewRecord(notes)); err != nil {
			return err
		}
		return errors.New("the caller fails afterwards")
	})
	if err == nil {
		t.Fatal("the transaction succeeded")
	}
	if n, e := count(t, app, "notes"), count(t, app, "events"); n != 0 || e != 0 {
		t.Fatalf("notes %d, events %d after the caller's rollback, want 0 and 0", n, e)
	}
}
