// Accessibility checks with axe-core (pinned in package.json), run inside the page Chromium shows.
//
// axe's source is evaluated through the DevTools protocol, which the page's Content-Security-Policy
// does not govern (a <script> tag would be refused by script-src 'self', as it should be).
import assert from 'node:assert/strict'
import axe from 'axe-core'

/**
 * accessibilityViolations runs every rule axe runs by default (WCAG 2.x A and AA and axe's best
 * practices) on the page as it is now, and returns the violations as plain data:
 * [{ id, impact, help, nodes: [{ target, html, summary }] }].
 */
export async function accessibilityViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axe.source)
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary })),
    }))
  })
}

/** describeViolations is a readable list of violations, for an assertion's message. */
export function describeViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  at ${n.target}\n    ${n.html}\n    ${n.summary.replace(/\n/g, '\n    ')}`).join('\n')}`).join('\n')
}

/**
 * accessibilityAudit checks a page in turn as a person moves through the site, and reports every
 * violation of every state at the end (not only the first): check(what) runs axe on the page as it
 * is now, assertClean() fails with all that was found, each under what it was and where.
 */
export function accessibilityAudit(page) {
  const found = []
  let checked = 0
  return {
    async check(what) {
      checked++
      const violations = await accessibilityViolations(page)
      if (violations.length) found.push(`${what} (${new URL(page.url()).pathname}):\n${describeViolations(violations)}`)
    },
    assertClean() {
      assert.ok(checked > 0, 'nothing was checked')
      assert.equal(found.length, 0, `axe found violations in ${found.length} of ${checked} states:\n\n${found.join('\n\n')}`)
    },
  }
}
