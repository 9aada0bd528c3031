// The request context handlers and templates see (src/runtime/context.ts): redirects stay local,
// and ctx.json is the JSON answer the runtime writes instead of a page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const { newContext, Halt, JsonAnswer } = await importSource('runtime/context.ts')

const request = { method: 'GET', path: '/x', url: '/x', query: {}, isHtmx: false }
const fresh = () => newContext({ response: { header: () => ({ set() {} }) } }, request, {}, null, {}, {})

test('ctx.json returns the answer it records on the response state, and nothing is rendered yet', () => {
  const { ctx, state } = fresh()
  assert.equal(state.json, null)
  const answer = ctx.json(200, { events: [1, 2] })
  assert.ok(answer instanceof JsonAnswer)
  assert.equal(state.json, answer)
  assert.deepEqual({ status: answer.status, value: answer.value }, { status: 200, value: { events: [1, 2] } })
  // a handler that calls it without returning it still answers JSON (the state says so)
  const other = fresh()
  other.ctx.json(422, { message: 'no' })
  assert.equal(other.state.json.status, 422)
})

test('ctx.redirect halts with a local URL only', () => {
  const { ctx } = fresh()
  const target = (url) => {
    try {
      ctx.redirect(url)
    } catch (err) {
      assert.ok(err instanceof Halt)
      return err.location
    }
    assert.fail('redirect returned')
  }
  assert.equal(target('/rooms/lobby'), '/rooms/lobby')
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '/\t/evil.example']) assert.equal(target(bad), '/', bad)
})
