// The key of a message's cached fragment (see fragments.ts): everything the fragment shows comes
// from the partials, the message and its author, so a change to any of them changes the key.

/** fragmentKey joins the partials' digest and the message's and author's last-change times. */
export function fragmentKey(partials: string, messageUpdated: string, authorUpdated: string): string {
  return `${partials}|${messageUpdated}|${authorUpdated}`
}

/** isFresh tells whether a stored fragment may be shown as it is. */
export function isFresh(fragment: string, storedKey: string, currentKey: string): boolean {
  return fragment !== '' && storedKey === currentKey
}
