// Package stmtcache keeps each SQLite connection's prepared statements, so that a query run again
// on the same connection skips SQLite's parser and planner.
//
// Why: PocketBase and Hearth's hooks run every query as text, and modernc.org/sqlite prepares the
// text anew each time. A Hearth post runs about eighteen statements; preparing them was 8 % of its
// CPU (BENCHMARKS.md, "where a post's time goes"). Since v1.55 modernc keeps a statement prepared
// for as long as its driver.Stmt lives; this package holds those per connection, the most recently
// used Size of them, and hands out each one to a single user at a time: a query whose statement is
// still being read (rows not yet closed, a nested query of the same text) gets a fresh one.
package stmtcache

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"

	"github.com/pocketbase/dbx"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Open opens dsn with modernc.org/sqlite, keeping up to size statements per connection, as a
// dbx.DB with SQLite's query builder (what dbx.Open("sqlite", dsn) gives, plus the cache).
func Open(dsn string, size int) *dbx.DB {
	return dbx.NewFromDB(sql.OpenDB(connector{dsn: dsn, size: size}), "sqlite")
}

type connector struct {
	dsn  string
	size int
}

// base is the driver registered as "sqlite" (with any connection hooks registered on it).
var base = func() driver.Driver {
	db, _ := sql.Open("sqlite", "")
	defer db.Close()
	return db.Driver()
}()

func (c connector) Connect(context.Context) (driver.Conn, error) {
	raw, err := base.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newConn(raw, c.size), nil
}

func (c connector) Driver() driver.Driver { return base }

// conn is a modernc connection with its statements. database/sql uses a connection from one
// goroutine at a time, so nothing here is locked.
type conn struct {
	driver.Conn
	size  int
	bySQL map[string]*list.Element // of *statement
	lru   *list.List               // most recently used first
	// prepared counts the statements prepared, for the tests
	prepared int
}

type statement struct {
	query string
	stmt  driver.Stmt
	busy  bool
}

func newConn(raw driver.Conn, size int) *conn {
	return &conn{Conn: raw, size: size, bySQL: map[string]*list.Element{}, lru: list.New()}
}

// statement is query's prepared statement, the cached one when it is free; release hands it back
// (or closes a one-off).
func (c *conn) statement(ctx context.Context, query string) (driver.Stmt, func(), error) {
	if el, ok := c.bySQL[query]; ok {
		s := el.Value.(*statement)
		if !s.busy {
			s.busy = true
			c.lru.MoveToFront(el)
			return s.stmt, func() { s.busy = false }, nil
		}
		// in use further up the stack: a one-off
		stmt, err := c.prepare(ctx, query)
		if err != nil {
			return nil, nil, err
		}
		return stmt, func() { _ = stmt.Close() }, nil
	}
	stmt, err := c.prepare(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	if c.size <= 0 {
		return stmt, func() { _ = stmt.Close() }, nil
	}
	s := &statement{query: query, stmt: stmt, busy: true}
	c.bySQL[query] = c.lru.PushFront(s)
	c.evict()
	return stmt, func() { s.busy = false }, nil
}

// evict closes the least recently used free statements beyond size.
func (c *conn) evict() {
	for el := c.lru.Back(); el != nil && c.lru.Len() > c.size; {
		prev := el.Prev()
		if s := el.Value.(*statement); !s.busy {
			_ = s.stmt.Close()
			c.lru.Remove(el)
			delete(c.bySQL, s.query)
		}
		el = prev
	}
}

func (c *conn) prepare(ctx context.Context, query string) (driver.Stmt, error) {
	c.prepared++
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	stmt, release, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	return stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	stmt, release, err := c.statement(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &cachedRows{Rows: rows, release: release}, nil
}

// Close closes the cached statements, then the connection.
func (c *conn) Close() error {
	for el := c.lru.Front(); el != nil; el = el.Next() {
		_ = el.Value.(*statement).stmt.Close()
	}
	c.lru.Init()
	clear(c.bySQL)
	return c.Conn.Close()
}

// What database/sql asks of a connection beyond driver.Conn, passed on to modernc's.

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *conn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *conn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

// cachedRows hands its statement back once closed.
type cachedRows struct {
	driver.Rows
	release func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}

// The column types database/sql's Rows.ColumnTypes asks for, passed on to modernc's rows.

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	return r.Rows.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(i)
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	return r.Rows.(driver.RowsColumnTypeLength).ColumnTypeLength(i)
}

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	return r.Rows.(driver.RowsColumnTypeNullable).ColumnTypeNullable(i)
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	return r.Rows.(driver.RowsColumnTypePrecisionScale).ColumnTypePrecisionScale(i)
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	return r.Rows.(driver.RowsColumnTypeScanType).ColumnTypeScanType(i)
}
