package passwords

import (
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestDummyHashHasTheAskedCost(t *testing.T) {
	for _, tc := range []struct {
		name           string
		cost, wantCost int
	}{
		{"unset means bcrypt's default, as in PocketBase", 0, bcrypt.DefaultCost},
		{"configured", 6, 6},
		{"out of range", 99, bcrypt.DefaultCost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if DummyCheck("secret", tc.cost) {
				t.Fatal("DummyCheck returned true")
			}
			hash, ok := hashes.Load(tc.wantCost)
			if !ok {
				t.Fatalf("no dummy hash of cost %d", tc.wantCost)
			}
			if got, _ := bcrypt.Cost(hash.([]byte)); got != tc.wantCost {
				t.Fatalf("dummy hash cost %d, want %d", got, tc.wantCost)
			}
		})
	}
}

func TestDummyCheckTakesAsLongAsARealOne(t *testing.T) {
	const cost = 8
	DummyCheck("warm-up", cost) // makes the hash
	real, _ := bcrypt.GenerateFromPassword([]byte("secret"), cost)
	var dummy, actual time.Duration
	for i := 0; i < 3; i++ {
		start := time.Now()
		DummyCheck("secret", cost)
		dummy += time.Since(start)
		start = time.Now()
		_ = bcrypt.CompareHashAndPassword(real, []byte("wrong"))
		actual += time.Since(start)
	}
	// a shared, noisy machine: only a generous ratio
	if ratio := float64(dummy) / float64(actual); ratio < 0.5 || ratio > 2 {
		t.Fatalf("dummy checks took %v, real ones %v (ratio %.2f)", dummy, actual, ratio)
	}
}
