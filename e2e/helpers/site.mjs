// One test file's site: the real server (tests/helpers/server.mjs, with its options) and one
// Chromium, started together at the file's top level and closed after its tests, with every
// person the file put in `people` closed first.
//
//   const { server, browser, people } = await openSite({ env: { HEARTH_LIMIT_POSTS: '1000/60' } })
import { after } from 'node:test'
import { startServer } from '../../tests/helpers/server.mjs'
import { withBrowser } from './browser.mjs'

export async function openSite(serverOptions = {}) {
  const [server, browser] = await withBrowser(startServer(serverOptions))
  const people = []
  after(async () => {
    for (const p of people) await p.close().catch(() => {})
    await browser.close()
    await server.stop()
  })
  return { server, browser, people }
}
