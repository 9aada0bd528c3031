/// Profile pictures (src/accounts/pictures.ts): users.avatar holds one PNG, JPEG, WebP or GIF of at
/// most 5 MB (PocketBase checks the type from the file's bytes, never its name), protected, so
/// its file is served only with a file token of someone who may view the person (signed in, as
/// the pages show it); Hearth's pages serve it at /avatars/<id>. People still cannot change their
/// record through the API. settings.uploadMax (KB, 0: HEARTH_UPLOAD_MAX or 1024) is the admin's
/// limit under that hard one.
migrate((app) => {
  const users = app.findCollectionByNameOrId('users')
  users.fields.add(new FileField({
    name: 'avatar',
    maxSelect: 1,
    maxSize: 5 << 20,
    mimeTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'],
    protected: true,
  }))
  app.save(users)
  const settings = app.findCollectionByNameOrId('settings')
  settings.fields.add(new NumberField({ name: 'uploadMax', onlyInt: true, min: 0 }))
  app.save(settings)
}, (app) => {
  const users = app.findCollectionByNameOrId('users')
  users.fields.removeByName('avatar')
  app.save(users)
  const settings = app.findCollectionByNameOrId('settings')
  settings.fields.removeByName('uploadMax')
  app.save(settings)
})
