package main

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// forgetMigrationsOnServe empties PocketBase's list of app migrations once serve has applied them.
//
// Why: PocketBase's JS plugin runs each file of pb_migrations in a JS runtime of its own, with every
// binding, and the list keeps each runtime alive for its up and down functions: with Hearth's 19
// files then, about 5 MB of an idle server's live heap, never used again by a server that has
// applied them. Serve applies them before OnServe; the `migrate` commands never serve, so they keep theirs.
func forgetMigrationsOnServe(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			core.AppMigrations = core.MigrationsList{}
			return e.Next()
		},
		Priority: -1000,
	})
}
