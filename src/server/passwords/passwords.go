// Package passwords makes a failed log-in for a username nobody has take as long as one for a
// real account, so that timing does not tell who has an account.
//
// Why: Hearth's log-in page skipped bcrypt when the username was unknown and answered in 2-3 ms
// instead of 61-77 ms. The hooks (as $passwords) compare the password against a dummy bcrypt hash
// of the users collection's cost instead:
//
//	$passwords.dummyCheck(password, cost) // always false, after a real bcrypt comparison
//
// (PocketBase's own auth-with-password API already does a dummy check of its own for unknown
// identities, against any existing record's hash.)
package passwords

import (
	"crypto/rand"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

var hashes sync.Map // cost -> []byte, one dummy hash per bcrypt cost

// DummyCheck compares password with a bcrypt hash of a random secret made at cost (0 or out of
// range means bcrypt's default, as PocketBase's password field does) and returns false. The hash
// is made once per cost, so only the comparison is paid per call, exactly as for a real account.
func DummyCheck(password string, cost int) bool {
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		cost = bcrypt.DefaultCost
	}
	hash, ok := hashes.Load(cost)
	if !ok {
		made, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
		if err != nil {
			return false
		}
		hash, _ = hashes.LoadOrStore(cost, made)
	}
	_ = bcrypt.CompareHashAndPassword(hash.([]byte), []byte(password))
	return false
}
