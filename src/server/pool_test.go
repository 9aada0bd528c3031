package main

import "testing"

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
