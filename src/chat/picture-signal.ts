// A new profile picture shows at once in the open tabs of every room where its owner's face shows
// (the rooms they belong to, and those they left with their messages still there): an
// ephemeral signal (no position, never stored or replayed) that pb_public/hearth-room.js applies
// to the faces already shown. A page loaded later shows it anyway: each message's fragment is
// keyed by its author's last change (fragments.ts).
import { renderPartial } from '../runtime/partials'
import { sseSend } from '../realtime/publish'
import { roomTopic } from '../realtime/topics'
import { urlOf } from '../accounts/pictures'

/** pictureChanged signals user's new face (or their initials, once removed) to the rooms where it shows. */
export function pictureChanged(app: any, user: any): void {
  if (user.original().getString('avatar') === user.getString('avatar')) return
  const html = renderPartial('picture-signal', { person: { id: user.id, picture: urlOf(user.id, user.getString('avatar')) } })
  const rows = arrayOf(new DynamicModel({ room: '' }))
  app.db()
    .newQuery('SELECT room FROM memberships WHERE user = {:user} UNION SELECT DISTINCT room FROM messages WHERE author = {:user}')
    .bind({ user: user.id }).all(rows)
  for (const row of rows) sseSend(app, roomTopic(row.room), html, { filter: () => true })
}
