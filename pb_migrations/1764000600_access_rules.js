/// PocketBase's API rules say what src/chat/policy.ts says, written once here: mayRead for the
/// room and for what is in it (memberships, messages, room events), mayPost for creating a message
/// (as oneself). Edits, deletes and memberships change only through Hearth's pages, which ask the
/// policy. tests/integration/chat/policy.test.mjs checks the two agree for every role.
migrate((app) => {
  const signedIn = '@request.auth.id != "" && @request.auth.collectionName = "users"'
  const mayRead = (room) => `${signedIn} && (${room}kind = "public" || ${room}memberships_via_room.user ?= @request.auth.id)`
  const mayPost = `${signedIn} && author = @request.auth.id && room.memberships_via_room.user ?= @request.auth.id`
  const rules = {
    rooms: { listRule: mayRead(''), viewRule: mayRead('') },
    memberships: { listRule: mayRead('room.'), viewRule: mayRead('room.') },
    messages: { listRule: mayRead('room.'), viewRule: mayRead('room.'), createRule: mayPost },
    room_events: { listRule: mayRead('room.'), viewRule: mayRead('room.') },
  }
  for (const [name, set] of Object.entries(rules)) {
    const collection = app.findCollectionByNameOrId(name)
    Object.assign(collection, set)
    app.save(collection)
  }
}, (app) => {
  // the rules before differed only in not naming the users collection
  const signedIn = '@request.auth.id != ""'
  for (const name of ['rooms', 'memberships', 'messages', 'room_events']) {
    const collection = app.findCollectionByNameOrId(name)
    for (const rule of ['listRule', 'viewRule', 'createRule']) {
      if (collection[rule]) collection[rule] = collection[rule].replace(`${signedIn} && @request.auth.collectionName = "users"`, signedIn)
    }
    app.save(collection)
  }
})
