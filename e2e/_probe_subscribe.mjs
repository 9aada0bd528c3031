import { startServer } from '../tests/helpers/server.mjs'
import { launchBrowser, openPerson, signUpInBrowser } from './helpers/browser.mjs'
const server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '100/3600' } })
const browser = await launchBrowser()
try {
  const p = await openPerson(browser, server)
  await signUpInBrowser(p)
  let n = 0
  p.page.on('request', (r) => r.url().includes('/realtime') && console.log('req', r.method(), r.url(), Date.now()))
  await p.context.route('**/realtime/subscriptions', (route) => (n++ === 0 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()))
  await p.page.reload()
  const t = Date.now()
  for (let i = 0; i < 40; i++) {
    const s = await p.page.locator('[data-live-status]').getAttribute('data-live-status')
    const dis = await p.page.locator('form#composer textarea').isDisabled()
    if (i % 4 === 0) console.log(Date.now() - t, s, 'disabled', dis, 'subscription posts', n)
    await p.page.waitForTimeout(500)
  }
  console.log(p.problems)
} finally {
  await browser.close(); await server.stop()
}
