// Who may receive a room's events: exactly who may read the room, decided at the moment of sending.

export interface Audience {
  /** every signed-in user (a public room) */
  anyUser: boolean
  /** otherwise only these user ids (the members of a private room) */
  users: string[]
}

export function roomAudience(app: any, roomId: string): Audience {
  let room: any
  try {
    room = app.findRecordById('rooms', roomId)
  } catch {
    return { anyUser: false, users: [] }
  }
  if (room.getString('kind') === 'public') return { anyUser: true, users: [] }
  const users = app
    .findRecordsByFilter('memberships', 'room = {:room}', '', 0, 0, { room: roomId })
    .map((m: any) => m.getString('user'))
  return { anyUser: false, users }
}
