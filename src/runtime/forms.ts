// Form errors: a message per field, shown next to the field when the form is rendered again.

export type Errors = Record<string, string>

const SECRET_FIELDS = ['password', 'passwordConfirm', 'oldPassword']

/** keptValues is what a re-rendered form shows again: everything but passwords. */
export function keptValues(form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(form)) if (!SECRET_FIELDS.includes(key)) out[key] = form[key]
  return out
}
