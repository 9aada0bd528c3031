// What an operator has: a superuser made with `pocketbase superuser upsert` before the first start,
// and PocketBase's REST API. Also a JSON client for that API, for checks of what it lets people do.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, PB, ROOT } from './server.mjs'
import { userIdIn, roomIdIn } from './markup.mjs'

export const SUPERUSER = { email: 'root@example.com', password: 'root-password-123' }

/** startServerWithSuperuser runs Hearth on a data dir that already has a superuser; server.superuserToken is theirs. */
export async function startServerWithSuperuser(options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-test-'))
  execFileSync(PB, ['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dataDir, '--migrationsDir', join(ROOT, 'pb_migrations')], { stdio: 'pipe' })
  const server = await startServer({ ...options, dataDir })
  const stop = server.stop
  server.stop = async () => {
    await stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const res = await api(server, 'POST', '/api/collections/_superusers/auth-with-password', {
    body: { identity: SUPERUSER.email, password: SUPERUSER.password },
  })
  if (res.status !== 200) throw new Error(`superuser log-in failed: ${res.status} ${res.text}`)
  server.superuserToken = res.json.token
  return server
}

/** api calls PocketBase's REST API with an optional token (sent as "Bearer <token>") and JSON body. */
export async function api(server, method, path, { token, body } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let json = null
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON (204, or an HTML page)
  }
  return { status: res.status, json, text, headers: res.headers }
}

/** userIdOf reads a signed-in visitor's user id from any page. */
export async function userIdOf(visitor) {
  const page = await visitor.get('/rooms')
  const id = userIdIn(page.text)
  if (!id) throw new Error(`not signed in (status ${page.status})`)
  return id
}

/** roomIdOf reads a room's record id from its page. */
export async function roomIdOf(visitor, slug) {
  const page = await visitor.get(`/rooms/${slug}`)
  const id = roomIdIn(page.text)
  if (!id) throw new Error(`room ${slug} not readable (status ${page.status})`)
  return id
}
