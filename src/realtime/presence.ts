// Presence: "Here now", who has a room open right now. The relay (src/server/relay/presence.go)
// knows every live connection and which rooms it follows through the subscribe route here, so it
// keeps the list, renders it and sends every change to the room's followers itself: a connection
// that ends runs no JavaScript. Ephemeral: no position, never stored or replayed.
import { roomTopic } from './topics'

/** hereNow is a room's "Here now" as the relay sends it: the page shows it as of its rendering. */
export function hereNow(roomId: string): string {
  return $relay.presenceHTML(roomTopic(roomId))
}
