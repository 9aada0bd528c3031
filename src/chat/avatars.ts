// Avatars: a person's initials over a colour and a pattern derived from their user id, drawn here
// as SVG (no outside service). DiceBear's initials style was the first choice, but it finds
// initials with Unicode property regexes (\p{L}) that goja does not match, so its avatars came out
// blank.
//
// Two people with the same display name must not look alike, so the avatar is not just a colour
// from a short palette (ten colours made "Alice Admin" pixel-identical to Alice one time in ten):
// the hue takes any of 360 degrees, and a second, independent hash picks a pattern, its rotation
// and the pattern's own hue, about 360 x 8 x 4 x 6 combinations. The id is random and cannot be
// chosen, so nobody can search for a name whose avatar matches someone else's.

const PATTERNS = 8
const ROTATIONS = 4
const SHIFTS = [60, 120, 150, 180, 210, 240]

/** initialsOf takes the first letter of the first and last word of a name ("ada_lovelace" gives "AL"). */
export function initialsOf(name: string): string {
  const words = name.split(/[\s_.\-]+/).filter(Boolean)
  if (!words.length) return '?'
  const first = Array.from(words[0])[0]
  const last = words.length > 1 ? Array.from(words[words.length - 1])[0] : ''
  return (first + last).toUpperCase()
}

/** hash32 is FNV-1a over the UTF-16 code units of seed + text (32 bits, unsigned). */
function hash32(seed: string, text: string): number {
  let h = 0x811c9dc5
  const s = seed + text
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  // a final mix, so that ids differing in their last character spread over the whole range
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  return h >>> 0
}

export interface AvatarLook {
  hue: number
  pattern: number
  rotation: number
  patternHue: number
}

/** lookOf is what an id's avatar looks like, apart from the initials. */
export function lookOf(id: string): AvatarLook {
  const hue = hash32('hue:', id) % 360
  const p = hash32('pattern:', id)
  const pattern = p % PATTERNS
  const rotation = Math.floor(p / PATTERNS) % ROTATIONS
  const patternHue = (hue + SHIFTS[Math.floor(p / (PATTERNS * ROTATIONS)) % SHIFTS.length]) % 360
  return { hue, pattern, rotation, patternHue }
}

/** colourOf is the avatar's background: dark enough for white initials on any hue. */
export function colourOf(id: string): string {
  return `hsl(${lookOf(id).hue}, 65%, 34%)`
}

// The pattern shapes, drawn in a 64x64 box before rotation; each leaves the centre readable.
function patternShape(n: number, fill: string): string {
  switch (n) {
    case 0: return `<rect x="0" y="0" width="64" height="14" fill="${fill}"/>`
    case 1: return `<path d="M0 0H26L0 26Z" fill="${fill}"/>`
    case 2: return `<circle cx="32" cy="32" r="29" fill="none" stroke="${fill}" stroke-width="6"/>`
    case 3: return `<path d="M0 44L20 64H0Z M44 0H64V20Z" fill="${fill}"/>`
    case 4: return `<circle cx="12" cy="12" r="6" fill="${fill}"/><circle cx="52" cy="12" r="6" fill="${fill}"/>`
    case 5: return `<rect x="0" y="0" width="12" height="64" fill="${fill}"/><rect x="52" y="0" width="12" height="64" fill="${fill}"/>`
    case 6: return `<path d="M0 10L10 0H20L0 20Z M44 64L64 44V54L54 64Z" fill="${fill}"/>`
    default: return `<path d="M0 64V46Q32 58 64 46V64Z" fill="${fill}"/>`
  }
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function avatarSvg(id: string, name: string): string {
  const look = lookOf(id)
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">` +
    `<clipPath id="c"><circle cx="32" cy="32" r="32"/></clipPath>` +
    `<g clip-path="url(#c)"><rect width="64" height="64" fill="${colourOf(id)}"/>` +
    `<g transform="rotate(${look.rotation * 90} 32 32)">${patternShape(look.pattern, `hsl(${look.patternHue}, 70%, 62%)`)}</g></g>` +
    `<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui, Arial, sans-serif" font-size="26" fill="#fff">${escapeXml(initialsOf(name))}</text>` +
    `</svg>`
}
