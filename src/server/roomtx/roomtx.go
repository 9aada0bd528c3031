// Package roomtx makes a change to a room and the room event that records it one transaction.
//
// Hearth's JS hooks write a room's event (its position and the HTML every reader sees) right after
// the change is written, in the same execute hook. PocketBase runs a save from its REST API or a
// plain app.Save() without a transaction, so a crash between the two writes left messages stored
// without their event: live tabs never showed them and catch-up never replayed them. Register runs
// each execute hook of the named collections inside a transaction (joining the caller's when there
// is one), so both writes commit together or not at all; PocketBase then fires the after-success
// hooks, where the event is handed to the relay, only once the outermost transaction has
// committed.
package roomtx

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Priority puts the transaction around every other execute handler, PocketBase's own included
// (theirs run at -99 to 99; JS hooks at 0).
const Priority = -1000

// Register wraps the create, update and delete execute hooks of collections in a transaction.
func Register(app core.App, collections ...string) {
	app.OnRecordCreateExecute(collections...).Bind(handler())
	app.OnRecordUpdateExecute(collections...).Bind(handler())
	app.OnRecordDeleteExecute(collections...).Bind(handler())
}

func handler() *hook.Handler[*core.RecordEvent] {
	return &hook.Handler[*core.RecordEvent]{Func: inTransaction, Priority: Priority}
}

func inTransaction(e *core.RecordEvent) error {
	original := e.App
	err := e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return e.Next()
	})
	e.App = original
	return err
}
