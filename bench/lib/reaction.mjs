// A reaction toggle as a fan-out event (bench/fanout.mjs --change=reaction). The readers time an
// event by the mark "k=<n> t=<send time>" in it; a reaction's fragment carries the reactors'
// names, so the reactor (a member with no tab open) is renamed to "bench k=<n> t=<T>" just
// before, by a bench-only page, and gives 👍 to one message at the moment T. The toggle back (no
// name, so no mark) follows unmeasured. A rename publishes nothing to the readers: only a person
// with the room open is in its "Here now", which a rename sends again, and the reactor is not
// one of the readers' accounts.
import { postForm, postMessage, now, sleep } from './common.mjs'
import { signUp, uniqueName } from '../../tests/helpers/browserless.mjs'

/** RENAME_PAGE sets a person's display name (bench-only fixture: startBenchServer's extraPages). */
export const RENAME_PAGES = {
  'bench-rename/[username].ejs': `<%
  const u = $app.findFirstRecordByData('users', 'username', params.username)
  u.set('name', request.query.name)
  $app.save(u)
%>ok`,
}

/** reactionTarget posts the message to react to and makes the reactor a member of the room. */
export async function reactionTarget(server, setup) {
  const visitor = await signUp(server, uniqueName('reactor'))
  const reactor = { username: visitor.username, cookie: visitor.cookieHeader() }
  const joined = await postForm(server, `/rooms/${setup.slug}/membership`, {}, { cookie: reactor.cookie })
  if (joined.status !== 303) throw new Error(`the reactor could not join: ${joined.status}`)
  const posted = await postMessage(server, setup.slug, setup.poster.cookie, 'react to me (no mark here)')
  return { reactor, messageId: posted.headers.location.split('#message-')[1] }
}

/** toggleOn renames the reactor with the mark of k and, at the mark's time, gives the reaction: { sent, res }. */
export async function toggleOn(server, setup, target, k) {
  const sent = now() + 30
  const name = encodeURIComponent(`bench k=${k} t=${sent.toFixed(3)}`)
  const renamed = await fetch(`${server.url}/bench-rename/${target.reactor.username}?name=${name}`)
  if (!renamed.ok) throw new Error(`rename failed: ${renamed.status}`)
  await sleep(Math.max(0, sent - now()))
  return { sent, res: await toggle(server, setup, target) }
}

/** toggle gives or takes back the reactor's 👍 through the page's form. */
export async function toggle(server, setup, target) {
  const res = await postForm(server, `/rooms/${setup.slug}/messages/${target.messageId}/reactions`, { emoji: '👍' }, { cookie: target.reactor.cookie })
  if (res.status !== 303) throw new Error(`reaction failed with ${res.status}: ${res.body.slice(0, 300)}`)
  return res
}
