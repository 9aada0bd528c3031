/// Reactions (a fixed set of emoji, each person at most once per message and emoji: a unique
/// index) and community moderation: a message's `moderation` state (hidden by downvotes, or
/// restored by the room's owner) and the room's moderation log. The API rules say what
/// src/chat/policy.ts says (mayReact, mayDownvote, mayModerate, mayReadModeration);
/// tests/integration/chat/policy.test.mjs checks they agree.
migrate((app) => {
  const signedIn = '@request.auth.id != "" && @request.auth.collectionName = "users"'
  const member = (room) => `${room}memberships_via_room.user ?= @request.auth.id`
  const mayRead = (room) => `${signedIn} && (${room}kind = "public" || ${member(room)})`
  // the owner of THIS room: the three conditions on one alias hold for one membership row (without
  // the room, an owner of any room would pass); tests/integration/chat/moderation.test.mjs checks a
  // member who owns another room
  const owns = '@collection.memberships:owned.room ?= room && @collection.memberships:owned.user ?= @request.auth.id && @collection.memberships:owned.role ?= "owner"'

  const rooms = app.findCollectionByNameOrId('rooms')
  const users = app.findCollectionByNameOrId('users')
  const messages = app.findCollectionByNameOrId('messages')
  messages.fields.add(new SelectField({ name: 'moderation', maxSelect: 1, values: ['hidden', 'restored'] }))
  // a message hidden by the community is readable through the API by the room's owner only
  // (and superusers, whom no rule binds)
  messages.listRule = `${mayRead('room.')} && (moderation != "hidden" || ${owns})`
  messages.viewRule = messages.listRule
  app.save(messages)

  const reactions = new Collection({
    type: 'base',
    name: 'reactions',
    fields: [
      { type: 'relation', name: 'message', required: true, collectionId: messages.id, maxSelect: 1, cascadeDelete: true },
      { type: 'relation', name: 'room', required: true, collectionId: rooms.id, maxSelect: 1, cascadeDelete: true },
      { type: 'relation', name: 'user', required: true, collectionId: users.id, maxSelect: 1, cascadeDelete: true },
      // src/chat/reactions.ts EMOJI lists the same, in this order
      { type: 'select', name: 'emoji', required: true, maxSelect: 1, values: ['👍', '❤️', '😂', '🎉', '😮', '👀', '👎'] },
      { type: 'autodate', name: 'created', onCreate: true },
    ],
    indexes: [
      'CREATE UNIQUE INDEX idx_reactions_message_user_emoji ON reactions (message, user, emoji)',
      'CREATE INDEX idx_reactions_room ON reactions (room)',
    ],
    listRule: mayRead('room.'),
    viewRule: mayRead('room.'),
    // mayReact (a member, as oneself, on a message of that room that is not hidden) and
    // mayDownvote (never one's own message)
    createRule: `${signedIn} && user = @request.auth.id && ${member('room.')} && message.room = room && message.moderation != "hidden" && (emoji != "👎" || message.author != @request.auth.id)`,
    updateRule: null,
    deleteRule: `${signedIn} && user = @request.auth.id && ${member('room.')}`,
  })
  app.save(reactions)

  const log = new Collection({
    type: 'base',
    name: 'moderation_log',
    fields: [
      { type: 'relation', name: 'room', required: true, collectionId: rooms.id, maxSelect: 1, cascadeDelete: true },
      // emptied when the message is deleted; number still says which one it was
      { type: 'relation', name: 'message', collectionId: messages.id, maxSelect: 1, cascadeDelete: false },
      { type: 'number', name: 'number', onlyInt: true },
      { type: 'select', name: 'action', required: true, maxSelect: 1, values: ['hidden', 'restored'] },
      // hidden: the downvotes that did it (0: an operator through the API)
      { type: 'number', name: 'votes', onlyInt: true },
      // restored (or hidden by hand): who; empty for a superuser
      { type: 'relation', name: 'by', collectionId: users.id, maxSelect: 1, cascadeDelete: false },
      { type: 'autodate', name: 'created', onCreate: true },
    ],
    indexes: ['CREATE INDEX idx_moderation_log_room_created ON moderation_log (room, created)'],
    // mayReadModeration: the room's members
    listRule: `${signedIn} && ${member('room.')}`,
    viewRule: `${signedIn} && ${member('room.')}`,
  })
  app.save(log)
}, (app) => {
  for (const name of ['moderation_log', 'reactions']) app.delete(app.findCollectionByNameOrId(name))
  const messages = app.findCollectionByNameOrId('messages')
  messages.fields.removeByName('moderation')
  messages.listRule = messages.listRule.replace(/ && \(moderation != "hidden" \|\| .*\)$/, '')
  messages.viewRule = messages.listRule
  app.save(messages)
})
