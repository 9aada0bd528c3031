package metrics

import (
	"net/http/httptest"
	"testing"
)

func TestKindOf(t *testing.T) {
	scenarios := []struct {
		method, path, want string
	}{
		{"GET", "/rooms/lobby", "page"},
		{"HEAD", "/", "page"},
		{"POST", "/rooms/lobby/messages", "post"},
		{"POST", "/realtime/subscriptions", "post"},
		{"GET", "/hearth.css", ""},
		{"GET", "/min/hearth-composer.js", ""},
		{"GET", "/api/health", ""},
		{"POST", "/api/collections/messages/records", ""},
		{"GET", "/_/", ""},
		{"GET", "/metrics", ""},
		{"GET", "/health", ""},
	}
	for _, s := range scenarios {
		if got := kindOf(httptest.NewRequest(s.method, s.path, nil)); got != s.want {
			t.Errorf("%s %s: %q, want %q", s.method, s.path, got, s.want)
		}
	}
}
