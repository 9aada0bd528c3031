// Hearth's only hooks entry file. Top-level code here may only register handlers; each handler is
// recompiled on its own in a pooled VM and sees globals only, so it require()s what it needs.

// Checks the pages once at start-up, so a page that would shadow PocketBase fails loudly here.
require(`${__hooks}/hearth/hearth.js`).routes()

// Every page and static file outside PocketBase's own /api/ and /_/ routes, which stay more specific.
// Pages and static files are gzipped when the browser accepts it (PocketBase's own Go middleware;
// /api/realtime is not under this route, so the SSE stream is untouched). POST bodies are limited to
// 64 KiB by the page runtime itself (formOf), so a form that is too large gets a 413 page, not JSON.
routerAdd('GET', '/{path...}', (e) => require(`${__hooks}/hearth/hearth.js`).servePage(e), $apis.gzip())
routerAdd('POST', '/{path...}', (e) => require(`${__hooks}/hearth/hearth.js`).servePage(e))

onRecordCreate((e) => {
  require(`${__hooks}/hearth/hearth.js`).prepareMessage(e.app, e.record, true)
  e.next()
}, 'messages')

onRecordUpdate((e) => {
  require(`${__hooks}/hearth/hearth.js`).prepareMessage(e.app, e.record, false)
  e.next()
}, 'messages')

// Every change in a room is rendered once and recorded as the room's next event in the change's
// own transaction (the execute hooks run inside one: src/server/roomtx), whichever way it was made
// (Hearth's pages, PocketBase's REST API or dashboard). The event reaches the relay only after
// the commit (src/server/relay/committed.go), so no browser sees a change the database does not keep.
// A message is rendered before its transaction (onRecordCreate, onRecordUpdate above), so these
// hold SQLite's writer for SQL only.
onRecordCreateExecute((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  hearth.requireMember(e.app, e.record.getString('room'), e.record.getString('author'))
  hearth.numberMessage(e.app, e.record)
  e.next()
  hearth.broadcasts.messagePosted(e.app, e.record)
}, 'messages')

onRecordUpdateExecute((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  hearth.requireCurrent(e.app, e.record)
  e.next()
  hearth.noteModeration(e.app, e.record)
  hearth.broadcasts.messageEdited(e.app, e.record)
}, 'messages')

onRecordDeleteExecute((e) => {
  e.next()
  require(`${__hooks}/hearth/hearth.js`).broadcasts.messageDeleted(e.app, e.record)
}, 'messages')

onRecordCreateExecute((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  hearth.requireAccount(e.app, e.record.getString('user'))
  e.next()
  hearth.broadcasts.membersChanged(e.app, e.record)
}, 'memberships')

onRecordDeleteExecute((e) => {
  e.next()
  require(`${__hooks}/hearth/hearth.js`).broadcasts.memberLeft(e.app, e.record)
}, 'memberships')

// A reaction given or taken back shows under its message for everyone, like an edit; enough
// downvotes hide the message instead (src/chat/broadcasts.ts reactionChanged).
onRecordCreateExecute((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  hearth.requireMember(e.app, e.record.getString('room'), e.record.getString('user'))
  e.next()
  hearth.broadcasts.reactionChanged(e.app, e.record, true)
}, 'reactions')

onRecordDeleteExecute((e) => {
  e.next()
  require(`${__hooks}/hearth/hearth.js`).broadcasts.reactionChanged(e.app, e.record, false)
}, 'reactions')

cronAdd('hearth-prune-history', '17 * * * *', () => {
  require(`${__hooks}/hearth/hearth.js`).pruneHistory($app)
})

// Posts through PocketBase's REST API count against the same per-user limit as the page's form,
// reserved before the create; one that fails (invalid, not a member) gives its slot back. The
// settings are read once, for the limit, and carried to the record's hooks as a page does.
onRecordCreateRequest((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  hearth.withinRequest(() => {
    const who = e.auth ? e.auth.id : ''
    if (who && !hearth.take(hearth.LIMITS.posts, who)) throw new TooManyRequestsError('You are posting too fast. Wait a moment, then send again.')
    hearth.carrySettings(e.record)
    try {
      e.next()
    } catch (err) {
      if (who) hearth.refund(hearth.LIMITS.posts, who)
      throw err
    }
  })
}, 'messages')

// Reactions through PocketBase's REST API count against the page's per-user limit, like posts.
onRecordCreateRequest((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  hearth.withinRequest(() => {
    hearth.takeReaction(e)
    hearth.carrySettings(e.record)
  })
  e.next()
}, 'reactions')

onRecordDeleteRequest((e) => {
  require(`${__hooks}/hearth/hearth.js`).takeReaction(e)
  e.next()
}, 'reactions')

// Password log-ins through the REST API share the per-IP limit of the page's: each reserves a slot
// before PocketBase checks the password (which, for an unknown username, does a dummy check of its
// own), and a success gives it back.
onRecordAuthWithPasswordRequest((e) => {
  const hearth = require(`${__hooks}/hearth/hearth.js`)
  const ip = e.realIP()
  if (!hearth.take(hearth.LIMITS.failedLogins, ip)) throw new TooManyRequestsError('Too many failed log-ins from your network. Please wait a few minutes and try again.')
  e.next()
  hearth.refund(hearth.LIMITS.failedLogins, ip)
}, 'users')

// A disabled account gets no API token, whichever way it asks (password, refresh, OAuth2, OTP).
onRecordAuthRequest((e) => {
  if (e.record.getBool('disabled')) throw new ForbiddenError(require(`${__hooks}/hearth/hearth.js`).DISABLED)
  e.next()
}, 'users')

// A display name set any way (Hearth's sign-up, PocketBase's API or dashboard) is checked and
// normalised: no control, invisible or unassigned characters; empty means the username.
onRecordCreate((e) => {
  require(`${__hooks}/hearth/hearth.js`).settleName(e.record, true)
  e.next()
}, 'users')

onRecordUpdate((e) => {
  require(`${__hooks}/hearth/hearth.js`).settleName(e.record, false)
  e.next()
}, 'users')

// A new picture (set any way) shows at once in the open tabs of its owner's rooms, once committed.
onRecordAfterUpdateSuccess((e) => {
  require(`${__hooks}/hearth/hearth.js`).pictureChanged(e.app, e.record)
  e.next()
}, 'users')
