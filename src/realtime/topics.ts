// Realtime topics. A room's events go to "rooms/<room id>". "me" is each person's own: every event
// on it names its audience (one person, or a room's readers), so nobody receives another's.

const ROOM_TOPIC = /^rooms\/([a-z0-9]{15})$/

export function roomTopic(roomId: string): string {
  return `rooms/${roomId}`
}

/** roomOfTopic returns the room id a topic belongs to, or null for a topic Hearth does not know. */
export function roomOfTopic(topic: string): string | null {
  const m = ROOM_TOPIC.exec(topic)
  return m ? m[1] : null
}

/** ME_TOPIC carries what changes for one person across rooms: unread counts, read positions. */
export const ME_TOPIC = 'me'
