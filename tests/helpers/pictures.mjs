// Pictures for upload tests: the smallest valid PNG and GIF, and a form that carries one.

/** a 1x1 PNG */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
/** a 1x1 GIF */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

/** pngOf is a PNG of about size bytes: a valid picture followed by padding. */
export const pngOf = (size) => Buffer.concat([PNG, Buffer.alloc(Math.max(0, size - PNG.length))])

/** pictureForm is the picture page's form with bytes as its file (name and type as the browser says them). */
export function pictureForm(bytes, name = 'me.png', type = 'image/png') {
  const form = new FormData()
  form.append('avatar', new Blob([bytes], { type }), name)
  return form
}
