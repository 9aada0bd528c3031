package main

import (
	"testing"

	"hearth/server/memlimit"
)

// What follows from the memory the process may use: the JS pool and SQLite's page cache.
func TestWhatFollowsFromMemory(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name       string
		limit      uint64
		pool       int
		cacheKiB   int // 0: PocketBase's
		statements int
	}{
		{"unknown", 0, 64, 0, 32},
		{"plenty", 24 << 30, 64, 0, 32},
		{"4 GB", 4096 * mb, 64, 0, 32},
		{"2 GB", 2048 * mb, 32, 0, 32},
		{"1 GB", 1024 * mb, 16, 16384, 32},
		{"512 MB VPS", 512 * mb, 8, 8192, 32},
		{"256 MB", 256 * mb, 8, 4096, 0},
		{"128 MB: never fewer than 8 runtimes", 128 * mb, 8, 2048, 0},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := defaultHooksPool(s.limit); got != s.pool {
				t.Errorf("defaultHooksPool(%d MB) = %d, want %d", s.limit/mb, got, s.pool)
			}
			if got := sqliteCacheKiB(s.limit); got != s.cacheKiB {
				t.Errorf("sqliteCacheKiB(%d MB) = %d KiB, want %d", s.limit/mb, got, s.cacheKiB)
			}
			if got := preparedStatements(s.limit); got != s.statements {
				t.Errorf("preparedStatements(%d MB) = %d, want %d", s.limit/mb, got, s.statements)
			}
		})
	}
}

func TestMemorySummary(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name   string
		memory memlimit.Limit
		floor  uint64
		soft   uint64
		want   string
	}{
		{"a 512 MB cgroup", memlimit.Limit{Bytes: 512 * mb, Cgroup: true}, 512 * mb / 20, 384 * mb, "Hearth dev: may use 512 MB (cgroup limit); heap floor 25 MB, Go soft limit 384 MB, 8 pooled JS runtimes, SQLite cache 8 MB per connection"},
		{"a 256 MB cgroup", memlimit.Limit{Bytes: 256 * mb, Cgroup: true}, 256 * mb / 20, 192 * mb, "Hearth dev: may use 256 MB (cgroup limit); heap floor 12 MB, Go soft limit 192 MB, 8 pooled JS runtimes, SQLite cache 4 MB per connection, no prepared statements kept"},
		{"the machine, floor off", memlimit.Limit{Bytes: 2048 * mb}, 0, 0, "Hearth dev: may use 2048 MB (physical memory); no heap floor, 8 pooled JS runtimes"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := memorySummary(s.memory, s.floor, s.soft, 8, sqliteCacheKiB(s.memory.Bytes), preparedStatements(s.memory.Bytes)); got != s.want {
				t.Fatalf("memorySummary = %q, want %q", got, s.want)
			}
		})
	}
}
