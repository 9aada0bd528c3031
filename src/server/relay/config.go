package relay

import (
	"os"
	"strconv"
	"time"
)

// Config tunes the relay; zero values take the defaults.
type Config struct {
	// QueueSize is how many events may wait for one client before it is dropped (default 256).
	QueueSize int
	// QueueBytes is how many bytes of events may wait for one client, queued or being written,
	// before it is dropped (default 1 MiB); one event larger than that is taken when nothing waits.
	QueueBytes int
	// SendBuffer is the kernel send buffer (SO_SNDBUF) of every connection the relay takes over
	// (default 64 KiB; Linux doubles it for its bookkeeping; negative leaves the kernel's own,
	// which grows to megabytes for a client that does not read).
	SendBuffer int
	// WriteTimeout bounds one SSE write; a client that cannot take it is disconnected (default 10s).
	WriteTimeout time.Duration
	// ReorderWait is how long an event waits for an earlier event of its room (default 300ms).
	ReorderWait time.Duration
	// RoomIdle is how long a room's ordering state is kept after its latest event when none of
	// its events waits (default 1 minute); a forgotten room's order starts again at its next event.
	RoomIdle time.Duration
	// MaxPerIP is how many open connections one client IP may hold; more are refused with 429
	// (default 50; negative: no cap).
	MaxPerIP int
	// MaxPerSession is how many open connections one session cookie may hold (default 12;
	// negative: no cap). Connections without the cookie count against their IP only.
	MaxPerSession int
	// AuthCollection is the auth collection of the users an Event admits when it names none
	// (default "users", Hearth's).
	AuthCollection string
	// KeepAlive is how long a connection may stay quiet before it gets a no-op event (default
	// 60s), well under the idle cuts of proxies and of PocketBase's own loop.
	KeepAlive time.Duration
	// PresenceWait is how long a room's "Here now" waits after someone arrives or leaves before it
	// goes out, taking in every other arrival and departure meanwhile (default 500ms).
	PresenceWait time.Duration
}

// ConfigFromEnv reads HEARTH_RELAY_QUEUE (events), HEARTH_RELAY_QUEUE_KB,
// HEARTH_RELAY_SNDBUF_KB, HEARTH_RELAY_WRITE_TIMEOUT_MS, HEARTH_RELAY_KEEPALIVE_MS,
// HEARTH_LIMIT_CONNECTIONS_PER_IP, HEARTH_LIMIT_CONNECTIONS_PER_SESSION and
// HEARTH_PRESENCE_WAIT_MS, for operators and tests; unset means the defaults.
func ConfigFromEnv() Config {
	num := func(name string) int {
		n, _ := strconv.Atoi(os.Getenv(name))
		return n
	}
	kib := func(name string) int {
		n := num(name)
		if n > 0 {
			return n << 10
		}
		return n
	}
	return Config{
		QueueSize:     num("HEARTH_RELAY_QUEUE"),
		QueueBytes:    kib("HEARTH_RELAY_QUEUE_KB"),
		SendBuffer:    kib("HEARTH_RELAY_SNDBUF_KB"),
		MaxPerIP:      num("HEARTH_LIMIT_CONNECTIONS_PER_IP"),
		MaxPerSession: num("HEARTH_LIMIT_CONNECTIONS_PER_SESSION"),
		WriteTimeout:  time.Duration(num("HEARTH_RELAY_WRITE_TIMEOUT_MS")) * time.Millisecond,
		KeepAlive:     time.Duration(num("HEARTH_RELAY_KEEPALIVE_MS")) * time.Millisecond,
		PresenceWait:  time.Duration(num("HEARTH_PRESENCE_WAIT_MS")) * time.Millisecond,
	}
}

// withDefaults is cfg with every unset value replaced by its default.
func (cfg Config) withDefaults() Config {
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.QueueBytes <= 0 {
		cfg.QueueBytes = 1 << 20
	}
	if cfg.SendBuffer == 0 {
		cfg.SendBuffer = 64 << 10
	}
	if cfg.MaxPerIP == 0 {
		cfg.MaxPerIP = 50
	}
	if cfg.MaxPerSession == 0 {
		cfg.MaxPerSession = 12
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.ReorderWait <= 0 {
		cfg.ReorderWait = 300 * time.Millisecond
	}
	if cfg.AuthCollection == "" {
		cfg.AuthCollection = "users"
	}
	if cfg.RoomIdle <= 0 {
		cfg.RoomIdle = time.Minute
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 60 * time.Second
	}
	if cfg.PresenceWait <= 0 {
		cfg.PresenceWait = 500 * time.Millisecond
	}
	return cfg
}
