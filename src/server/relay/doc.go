// Package relay delivers Hearth's realtime events to PocketBase's SSE clients.
//
// Why Go: PocketBase's Client.Send hands a message over an unbuffered channel, so it blocks the
// caller until that client's connection loop takes it, and the loop itself blocks in Write for as
// long as the client does not read (PocketBase clears the write deadline on SSE connections).
// From the JS hooks there is no way around that: one browser that stops reading would stall the
// request that posted a message and every delivery after it.
//
// The relay serves each /api/realtime connection itself, in place of PocketBase's final connect
// handler (same endpoint, PB_CONNECT and subscriptions; a connection joins PocketBase's broker
// only when it uses PocketBase's own subscribe endpoint, see broker.go). After PB_CONNECT it takes an
// HTTP/1.1 connection over from net/http and returns, so an idle connection holds only its
// socket, its client and two small goroutines instead of net/http's buffers and the request (RSS
// per idle subscriber, BENCHMARKS.md). Every connection has a bounded queue that Publish appends
// to without ever blocking; the connection's goroutine writes whatever is queued at once, each
// event encoded once for everyone. A client whose queue overflows is dropped (its browser
// reconnects and catches up from the room's history), every write has a deadline, each room's
// events go out in position order, and quiet connections get a keep-alive.
//
// # Files
//
//   - relay.go: the Relay, its parts, counters and drop.
//   - config.go: Config, its defaults and the operator's environment variables.
//   - handler.go: the connect handler: caps, client registration, PB_CONNECT, lifetime.
//   - broker.go: PocketBase's broker only for connections that use PocketBase's subscribe
//     endpoint; finding a connection's client, and keeping its auth record current, without it.
//   - takeover.go: taking an HTTP/1.1 connection over from net/http; socket options and raw writes.
//   - sink.go: where a connection's loop writes when it stays with net/http (HTTP/2), and
//     PocketBase's own messages through its send hooks.
//   - loop.go: a connection's goroutine: queued events, PocketBase's messages, keep-alives.
//   - conn.go: a connection's queue, its event and byte limits, and direct writes.
//   - frame.go: an event encoded once, as SSE and as an HTTP/1.1 chunk.
//   - publish.go: Event and Publish: who receives an event.
//   - order.go: each room's events in position order.
//   - fanout.go: handing each event to its recipients' connections, spread over the cores; events
//     published together go to each connection in one write.
//   - index.go: open connections by client id and by subscription.
//   - client.go: PocketBase's realtime client with a fast Subscriptions and the topic index kept.
//   - caps.go: open connections per IP and per session.
//   - session.go: binding a connection to its browser session; DisconnectSession.
//   - subscribe.go: which topics PocketBase's subscribe endpoint accepts.
//   - presence.go, presence.html: who has each room open ("Here now"), kept as connections follow
//     and leave rooms, rendered and sent to the room's followers a moment after each change.
//
// # Locking
//
// Each mutex guards the fields declared below it in its struct, and nothing else:
//
//   - ordering.mu: every room's ordering state (rooms, each roomOrder, the sweep time). It is
//     held while a room's deliveries are handed to the fan-out, so they enter it in position order.
//   - fanout.mu: the deliveries waiting for the fan-out goroutine, and whether they are held.
//   - registry.mu (RW): the open connections by client id.
//   - topicIndex.mu (RW): the open connections by subscription.
//   - caps.mu: the open connection counts per IP and per session.
//   - presence.mu: who is present on each topic, and the topics whose list is due.
//   - client.brokerMu: whether the client is in PocketBase's broker, and whether its connection
//     ended (so that it never joins the broker after it left it).
//   - client.mu: serialises one client's Subscribe, Unsubscribe, Follow and detach, so its entries
//     in the topic index and in presence change in the order its subscriptions did.
//   - conn.wmu: the socket. Whoever writes holds it: the connection's loop, or the fan-out writing
//     straight to the descriptor; also held while PocketBase's send hooks (JS included) write one of
//     PocketBase's own messages, so nothing lands inside it.
//   - conn.mu: the connection's queue, its spare array, its byte count, closed and deadline.
//
// Lock order (outer first; no other nesting): ordering.mu → fanout.mu; client.mu →
// topicIndex.mu; client.mu → presence.mu; conn.wmu → conn.mu. registry.mu and topicIndex.mu are released before any
// connection's lock is taken. No relay lock is held while calling the broker (Register,
// Unregister) or a Publish filter, except client.brokerMu around its own Register.
//
// The fan-out goroutine's own, touched by nothing else: fanout.round, and each conn's joinRound
// and joinMask (which deliveries of the batch it is joining a connection gets).
//
// Atomics, read without a lock on hot paths:
//
//   - conn.fd: the taken-over socket's descriptor, -1 otherwise. The fan-out reads it before
//     trying conn.wmu, to skip connections it cannot write to directly. It is set once the socket
//     is taken over, and back to -1 under conn.wmu before the socket closes, so a descriptor
//     number the OS reuses is never written to; a direct write loads it again under conn.wmu.
//   - conn.lastWrite: when the socket was last written to, by the loop or a direct write; the
//     loop's keep-alive reads it.
//   - client.keys and client.segment: a client's sorted subscriptions, swapped under client.mu
//     and read lock-free by Subscriptions, which PocketBase's record realtime calls for every
//     client on every record change.
//   - Relay.published, refused, dropped, delivered and disconnected: counters for Stats (and metrics).
//
// Channels: conn.wake and fanout.kick hold one signal at most ("something is queued"), so a
// sender never blocks; client.messages is PocketBase's own messages for the loop, and is never
// closed: client.done closes once, at Discard, and releases any Send still waiting.
package relay
