package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
)

// liveHeap is the heap's live bytes after collections (twice: goja's objects have finalizers).
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Once serve has applied them, the JS migrations and their runtimes are dropped.
func TestMigrationsAreForgottenOnServe(t *testing.T) {
	saved := core.AppMigrations
	t.Cleanup(func() { core.AppMigrations = saved })
	core.AppMigrations = core.MigrationsList{}

	dir := t.TempDir()
	migrations := filepath.Join(dir, "migrations")
	hooks := filepath.Join(dir, "hooks")
	for _, d := range []string{migrations, hooks} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const files = 10
	for i := range files {
		body := "migrate((app) => {}, (app) => {})\n"
		if err := os.WriteFile(filepath.Join(migrations, fmt.Sprintf("%d_step.js", 1700000000+i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: filepath.Join(dir, "pb_data")})
	jsvm.MustRegister(app, jsvm.Config{MigrationsDir: migrations, HooksDir: hooks})
	forgetMigrationsOnServe(app)
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	if got := len(core.AppMigrations.Items()); got != files {
		t.Fatalf("%d migrations registered, want %d", got, files)
	}

	before := liveHeap()
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	after := liveHeap()

	if got := len(core.AppMigrations.Items()); got != 0 {
		t.Errorf("%d migrations still listed after serve", got)
	}
	// each runtime holds every binding: well over 100 KB
	if freed := int64(before) - int64(after); freed < files*100<<10 {
		t.Errorf("serving freed %d KB of live heap, want the %d runtimes' (over %d KB)", freed>>10, files, files*100)
	}
}
