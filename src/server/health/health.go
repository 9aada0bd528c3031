// Package health answers GET /health for load balancers and operators: whether the database
// answers, the relay's connections and backlog, the replica's last sync (when replicating),
// Hearth's version and how long the process has run. 200 when Hearth can serve, 503 when the
// database does not answer.
package health

import (
	"context"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// dbWithin bounds the database check.
const dbWithin = 2 * time.Second

// staleReplica is how old the replica's last sync may be before the answer says "degraded"
// (Litestream syncs every second).
const staleReplica = time.Minute

// Config is where the answer's parts come from.
type Config struct {
	Version  string
	Relay    func() map[string]int64 // relay.Relay.Stats
	LastSync func() time.Time        // nil when not replicating
}

// Answer is the health answer's JSON.
type Answer struct {
	Status  string         `json:"status"` // "ok", "degraded" (the replica is behind) or "down"
	DB      string         `json:"db"`     // "ok" or the error
	Relay   map[string]any `json:"relay"`
	Replica map[string]any `json:"replica,omitempty"`
	Version string         `json:"version"`
	Uptime  int64          `json:"uptime"` // seconds
}

// Register serves GET /health.
func Register(app core.App, cfg Config) {
	started := time.Now()
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.GET("/health", func(re *core.RequestEvent) error {
			a := check(re.App, cfg, started)
			status := http.StatusOK
			if a.Status == "down" {
				status = http.StatusServiceUnavailable
			}
			re.Response.Header().Set("Cache-Control", "no-store")
			return re.JSON(status, a)
		})
		return e.Next()
	})
}

func check(app core.App, cfg Config, started time.Time) Answer {
	a := Answer{Status: "ok", DB: "ok", Version: cfg.Version, Uptime: int64(time.Since(started).Seconds())}
	ctx, cancel := context.WithTimeout(context.Background(), dbWithin)
	defer cancel()
	var one int
	if err := app.DB().NewQuery("SELECT 1").WithContext(ctx).Row(&one); err != nil {
		a.Status, a.DB = "down", err.Error()
	}
	stats := cfg.Relay()
	a.Relay = map[string]any{"status": "ok", "connections": stats["clients"], "waiting": stats["waiting"]}
	if cfg.LastSync != nil {
		last := cfg.LastSync()
		a.Replica = map[string]any{"status": "ok"}
		if last.IsZero() || time.Since(last) > staleReplica {
			a.Replica["status"] = "behind"
			if a.Status == "ok" {
				a.Status = "degraded"
			}
		}
		if !last.IsZero() {
			a.Replica["lastSync"] = last.UTC().Format(time.RFC3339Nano)
		}
	}
	return a
}
