package main

// What follows from the memory Hearth may use (memlimit), besides the heap floor: the JS pool's
// size and the line that says so on start.

import (
	"fmt"

	"hearth/server/checkpoint"
	"hearth/server/memlimit"
)

// poolMB is the memory the pool takes one JS runtime for where memory is short: a runtime that
// has served pages holds Hearth's compiled bundle and templates, and 64 of them held about 40 MB
// more live heap than 16 after a burst of page views; under a 512 MB limit an idle Hearth took
// 67 MB with 16 and 64 MB with 8 (BENCHMARKS.md, "Small machines").
const poolMB = 64

// defaultHooksPool is --hooksPool's default for the memory the process may use (0: unknown).
//
// note: 64, more than PocketBase's 15, because when every pooled runtime is busy PocketBase builds
// a fresh one per call, and Hearth's bundle and templates then load again: at 32 concurrent room
// page requests a pool of 64 served 146-159 requests/s against 94 with 15 (see BENCHMARKS.md).
// Below 4 GB it is one runtime per 64 MB (8 on a 512 MB VPS), never fewer than 8.
func defaultHooksPool(limit uint64) int {
	const most, least = 64, 8
	if limit == 0 {
		return most
	}
	return max(least, min(most, int(limit>>20)/poolMB))
}

// pocketBaseCacheKiB is SQLite's page cache per connection in PocketBase's own settings.
const pocketBaseCacheKiB = 32000

// sqliteCacheKiB is SQLite's page cache per connection for the memory the process may use: a
// sixty-fourth of it below 2 GB (8 MB on a 512 MB VPS), else PocketBase's 32 MB (0: keep it).
//
// Why: each of up to 15 idle connections per database keeps a cache that fills as it reads; a small
// database never fills them, but with PocketBase's 32 MB a database of a few hundred MB could take
// more than a 512 MB machine has (fifteen full caches: 480 MB). A sixty-fourth bounds those
// fifteen to under a quarter of the limit.
func sqliteCacheKiB(limit uint64) int {
	if limit == 0 {
		return 0
	}
	kib := int(limit>>10) / 64
	if kib >= pocketBaseCacheKiB {
		return 0
	}
	return kib
}

// preparedStatements is how many prepared statements each SQLite connection keeps for reuse
// (src/server/stmtcache): checkpoint.Statements from 512 MB, none below.
//
// Why: the fifteen idle connections each keep theirs, 1 to 2 MB in all. A 512 MB VPS has room for
// them since serve forgets the JS migrations (migrations.go): idle RSS 59.3 and 60.3 MiB with them,
// 58.0 and 59.2 without, under its goal of 64 (bench/small-machine.mjs), and a post costs about
// half a millisecond less (the 1,000-subscriber fan-out's p99 21.8 and 20.7 ms against 23.3 and
// 29.4). Below 512 MB that memory is worth more than the time.
func preparedStatements(limit uint64) int {
	if limit != 0 && limit < 512<<20 {
		return 0
	}
	return checkpoint.Statements
}

// memorySummary is the line Hearth logs on start: what it may use and what follows from it.
func memorySummary(memory memlimit.Limit, floor, soft uint64, pool, cacheKiB, statements int) string {
	source := "physical memory"
	if memory.Cgroup {
		source = "cgroup limit"
	}
	line := fmt.Sprintf("Hearth %s: may use %d MB (%s); ", version, memory.Bytes>>20, source)
	if floor > 0 {
		line += fmt.Sprintf("heap floor %d MB", floor>>20)
	} else {
		line += "no heap floor"
	}
	if soft > 0 {
		line += fmt.Sprintf(", Go soft limit %d MB", soft>>20)
	}
	line += fmt.Sprintf(", %d pooled JS runtimes", pool)
	if cacheKiB > 0 {
		line += fmt.Sprintf(", SQLite cache %d MB per connection", cacheKiB>>10)
	}
	if statements == 0 {
		line += ", no prepared statements kept"
	}
	return line
}
