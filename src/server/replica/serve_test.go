package replica

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // PocketBase's system tables, for Bootstrap
)

// While Litestream replicates, the nightly job no longer waits for its read transaction: PocketBase's
// own TRUNCATE checkpoint of data.db blocked for the whole busy timeout.
func TestNightlyJobDoesNotWaitForTheReplication(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	r := Register(app, t.TempDir())
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}); err != nil {
		t.Fatal(err)
	}
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app})
	if _, err := app.DB().NewQuery("CREATE TABLE filler (v BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); r.LastSync().IsZero(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the replica never synced")
		}
	}
	for _, job := range app.Cron().Jobs() {
		if job.Id() != "__pbDBOptimize__" {
			continue
		}
		start := time.Now()
		job.Run()
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("the nightly job took %v", took)
		}
		return
	}
	t.Fatal("no nightly job")
}
