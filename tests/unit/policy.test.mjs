// The access policy (src/chat/policy.ts) as a table: each role in each kind of room, and what it
// may do. tests/integration/chat/policy.test.mjs checks that PocketBase's API rules and the pages agree.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const policy = await importSource('chat/policy.ts')

const ME = 'me0000000000000'
const OTHER = 'other0000000000'
const standing = (role, isPublic, userId = ME) => ({ userId, isPublic, role })

const scenarios = [
  // who, standing, read, post, join, leave, manage, edit own, delete own, delete other's
  ['a guest, public room', standing('', true, ''), false, false, false, false, false, false, false, false],
  ['a guest, private room', standing('', false, ''), false, false, false, false, false, false, false, false],
  ['a non-member, public room', standing('', true), true, false, true, false, false, true, true, false],
  ['a non-member, private room', standing('', false), false, false, false, false, false, false, false, false],
  ['a member, public room', standing('member', true), true, true, false, true, false, true, true, false],
  ['a member, private room', standing('member', false), true, true, false, true, false, true, true, false],
  ['the owner, public room', standing('owner', true), true, true, false, false, true, true, true, true],
  ['the owner, private room', standing('owner', false), true, true, false, false, true, true, true, true],
  ['one of the two, direct conversation', { ...standing('member', false), isDirect: true }, true, true, false, false, false, true, true, false],
  ['a third person, direct conversation', { ...standing('', false), isDirect: true }, false, false, false, false, false, false, false, false],
]

for (const [name, s, read, post, join, leave, manage, editOwn, deleteOwn, deleteOthers] of scenarios) {
  test(`${name}: read ${read}, post ${post}, join ${join}, leave ${leave}, manage ${manage}`, () => {
    assert.equal(policy.mayRead(s), read)
    assert.equal(policy.mayPost(s), post)
    assert.equal(policy.mayJoin(s), join)
    assert.equal(policy.mayLeave(s), leave)
    assert.equal(policy.mayManageMembers(s), manage)
    assert.equal(policy.mayEdit(s, ME), editOwn, 'edit own message')
    assert.equal(policy.mayEdit(s, OTHER), false, "nobody edits someone else's message")
    assert.equal(policy.mayDelete(s, ME), deleteOwn, 'delete own message')
    assert.equal(policy.mayDelete(s, OTHER), deleteOthers, "delete someone else's message")
  })
}

// who, standing, react, downvote own, downvote other's, moderate, read the moderation log
const moderationScenarios = [
  ['a guest, public room', standing('', true, ''), false, false, false, false, false],
  ['a non-member, public room', standing('', true), false, false, false, false, false],
  ['a non-member, private room', standing('', false), false, false, false, false, false],
  ['a member, public room', standing('member', true), true, false, true, false, true],
  ['a member, private room', standing('member', false), true, false, true, false, true],
  ['the owner, public room', standing('owner', true), true, false, true, true, true],
  ['the owner, private room', standing('owner', false), true, false, true, true, true],
]

for (const [name, s, react, downvoteOwn, downvoteOthers, moderate, readLog] of moderationScenarios) {
  test(`${name}: react ${react}, downvote others ${downvoteOthers}, moderate ${moderate}, read the log ${readLog}`, () => {
    assert.equal(policy.mayReact(s), react)
    assert.equal(policy.mayDownvote(s, ME), downvoteOwn, 'nobody downvotes their own message')
    assert.equal(policy.mayDownvote(s, OTHER), downvoteOthers)
    assert.equal(policy.mayModerate(s), moderate)
    assert.equal(policy.mayReadModeration(s), readLog)
  })
}
