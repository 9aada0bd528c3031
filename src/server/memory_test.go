package main

import (
	"testing"

	"hearth/server/memlimit"
)

func TestDefaultHooksPool(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name  string
		limit uint64
		want  int
	}{
		{"unknown: 64", 0, 64},
		{"plenty: 64", 24 << 30, 64},
		{"4 GB: 64", 4096 * mb, 64},
		{"2 GB: 32", 2048 * mb, 32},
		{"1 GB: 16", 1024 * mb, 16},
		{"512 MB VPS: 8", 512 * mb, 8},
		{"128 MB: never fewer than 8", 128 * mb, 8},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := defaultHooksPool(s.limit); got != s.want {
				t.Fatalf("defaultHooksPool(%d MB) = %d, want %d", s.limit/mb, got, s.want)
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
		{"the machine, floor off", memlimit.Limit{Bytes: 2048 * mb}, 0, 0, "Hearth dev: may use 2048 MB (physical memory); no heap floor, 8 pooled JS runtimes"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := memorySummary(s.memory, s.floor, s.soft, 8, sqliteCacheKiB(s.memory.Bytes)); got != s.want {
				t.Fatalf("memorySummary = %q, want %q", got, s.want)
			}
		})
	}
}

func TestSQLiteCacheKiB(t *testing.T) {
	const mb = 1 << 20
	scenarios := []struct {
		name  string
		limit uint64
		want  int
	}{
		{"unknown: PocketBase's", 0, 0},
		{"plenty: PocketBase's", 24 << 30, 0},
		{"2 GB: PocketBase's (32 MB)", 2048 * mb, 0},
		{"1 GB: 16 MB", 1024 * mb, 16384},
		{"512 MB VPS: 8 MB", 512 * mb, 8192},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := sqliteCacheKiB(s.limit); got != s.want {
				t.Fatalf("sqliteCacheKiB(%d MB) = %d KiB, want %d", s.limit/mb, got, s.want)
			}
		})
	}
}
