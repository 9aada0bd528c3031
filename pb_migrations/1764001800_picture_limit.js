/// The limit on profile picture changes (src/runtime/limits.ts "pictures") is a site setting like
/// every other rate limit. Empty: HEARTH_LIMIT_PICTURES, else Hearth's own.
migrate((app) => {
  const settings = app.findCollectionByNameOrId('settings')
  settings.fields.add(new TextField({ name: 'limitPictures', max: 24, pattern: '^([0-9]+/[0-9]+)?$' }))
  app.save(settings)
}, (app) => {
  const settings = app.findCollectionByNameOrId('settings')
  settings.fields.removeByName('limitPictures')
  app.save(settings)
})
