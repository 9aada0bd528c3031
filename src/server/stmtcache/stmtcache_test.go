package stmtcache

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// open gives one connection (so every query lands on the same cache) and that connection.
func open(t *testing.T, size int) (*sql.DB, func() *conn) {
	t.Helper()
	db := sql.OpenDB(connector{dsn: filepath.Join(t.TempDir(), "data.db"), size: size})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := db.Exec("INSERT INTO t (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	return db, func() *conn {
		var c *conn
		raw, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		_ = raw.Raw(func(d any) error { c = d.(*conn); return nil })
		return c
	}
}

func value(t *testing.T, db interface {
	QueryRow(string, ...any) *sql.Row
}, id int) string {
	t.Helper()
	var v string
	if err := db.QueryRow("SELECT v FROM t WHERE id = ?", id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAQueryRunAgainIsNotPreparedAgain(t *testing.T) {
	db, connOf := open(t, 8)
	before := connOf().prepared
	for i := 1; i <= 3; i++ {
		if got := value(t, db, i); got != fmt.Sprint("v", i) {
			t.Fatalf("id %d: %q", i, got)
		}
	}
	if n := connOf().prepared - before; n != 1 {
		t.Fatalf("prepared %d times for one query text, want 1", n)
	}
}

// A query of the same text while the first one's rows are still open (a nested read) must not
// take over the statement the first is reading from.
func TestTheSameQueryInsideItsOwnRowsGetsItsOwnStatement(t *testing.T) {
	db, _ := open(t, 8)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.Query("SELECT id, v FROM t WHERE id >= ? ORDER BY id", 1)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		// the same text, nested
		var inner int
		if err := tx.QueryRow("SELECT id, v FROM t WHERE id >= ? ORDER BY id", 3).Scan(&inner, new(string)); err != nil || inner != 3 {
			t.Fatalf("nested query: %d, %v", inner, err)
		}
		seen = append(seen, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if fmt.Sprint(seen) != "[v1 v2 v3]" {
		t.Fatalf("the outer query read %v", seen)
	}
}

func TestTheCacheKeepsOnlyTheMostRecentlyUsed(t *testing.T) {
	db, connOf := open(t, 4)
	for i := 0; i < 50; i++ {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT %d + count(*) FROM t", i)).Scan(&n); err != nil || n != i+3 {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	if c := connOf(); c.lru.Len() != 4 || len(c.bySQL) != 4 {
		t.Fatalf("%d statements kept (%d by text), want 4", c.lru.Len(), len(c.bySQL))
	}
}

// A cached statement sees schema changes and survives failed writes and rolled-back transactions.
func TestCachedStatementsFollowTheDatabase(t *testing.T) {
	db, _ := open(t, 8)
	count := func() (n int) {
		if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := "INSERT INTO t (id, v) VALUES (?, ?)"
	if _, err := db.Exec(insert, 1, "again"); err == nil {
		t.Fatal("a duplicate id was accepted")
	}
	if _, err := db.Exec(insert, 4, "v4"); err != nil {
		t.Fatalf("the statement that failed once fails again: %v", err)
	}
	tx, _ := db.Begin()
	if _, err := tx.Exec(insert, 5, "v5"); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if n := count(); n != 4 {
		t.Fatalf("count %d after a rollback, want 4", n)
	}
	if _, err := db.Exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'"); err != nil {
		t.Fatal(err)
	}
	cols, err := db.Query("SELECT * FROM t LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := cols.Columns()
	cols.Close()
	if len(names) != 3 {
		t.Fatalf("columns %v after ALTER TABLE", names)
	}
	if got := value(t, db, 4); got != "v4" {
		t.Fatalf("%q", got)
	}
}
