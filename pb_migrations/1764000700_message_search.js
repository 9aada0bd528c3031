/// Full-text search over message bodies with SQLite's FTS5. The index is kept in step by triggers
/// on the messages table, so every way a message changes (Hearth's pages, PocketBase's REST API or
/// dashboard, a delete cascading from a room) changes the index in the same transaction.
///
/// message_search gives each message a stable integer key in the order it was written (the index's
/// rowid: newest first is rowid descending, which FTS5 walks without sorting). Not the messages
/// table's own rowid, which VACUUM may renumber in a table without an INTEGER PRIMARY KEY.
/// The index stores tokens only (its text comes from the messages table through a view), and
/// secure-delete removes a deleted or edited message's old words from the index at once.
migrate((app) => {
  const db = app.db()
  const run = (sql) => db.newQuery(sql).execute()
  run('CREATE TABLE message_search (id INTEGER PRIMARY KEY, message TEXT NOT NULL UNIQUE)')
  run(`CREATE VIEW message_search_source AS
    SELECT s.id AS id, m.body AS body FROM message_search s JOIN messages m ON m.id = s.message`)
  run(`CREATE VIRTUAL TABLE message_search_fts USING fts5(body, content='message_search_source',
    content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')`)
  run("INSERT INTO message_search_fts(message_search_fts, rank) VALUES ('secure-delete', 1)")
  run(`CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search(message) VALUES (new.id);
    INSERT INTO message_search_fts(rowid, body) SELECT id, new.body FROM message_search WHERE message = new.id;
  END`)
  run(`CREATE TRIGGER message_search_update AFTER UPDATE OF body ON messages WHEN old.body IS NOT new.body BEGIN
    INSERT INTO message_search_fts(message_search_fts, rowid, body) SELECT 'delete', id, old.body FROM message_search WHERE message = old.id;
    INSERT INTO message_search_fts(rowid, body) SELECT id, new.body FROM message_search WHERE message = new.id;
  END`)
  run(`CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search_fts(message_search_fts, rowid, body) SELECT 'delete', id, old.body FROM message_search WHERE message = old.id;
    DELETE FROM message_search WHERE message = old.id;
  END`)
  // the messages written before, oldest first
  run("INSERT INTO message_search(message) SELECT id FROM messages ORDER BY created, id")
  run("INSERT INTO message_search_fts(message_search_fts) VALUES ('rebuild')")
}, (app) => {
  const db = app.db()
  for (const sql of [
    'DROP TRIGGER IF EXISTS message_search_insert',
    'DROP TRIGGER IF EXISTS message_search_update',
    'DROP TRIGGER IF EXISTS message_search_delete',
    'DROP TABLE IF EXISTS message_search_fts',
    'DROP VIEW IF EXISTS message_search_source',
    'DROP TABLE IF EXISTS message_search',
  ]) db.newQuery(sql).execute()
})
