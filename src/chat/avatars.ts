// Avatars: a person's initials on a colour derived from their id, drawn here as SVG (no outside
// service). DiceBear's initials style was the first choice, but it finds initials with Unicode
// property regexes (\p{L}) that goja does not match, so its avatars came out blank.

const PALETTE = ['#b45309', '#047857', '#1d4ed8', '#7e22ce', '#be123c', '#0f766e', '#4338ca', '#a16207', '#15803d', '#c2410c']

/** initialsOf takes the first letter of the first and last word of a name ("ada_lovelace" gives "AL"). */
export function initialsOf(name: string): string {
  const words = name.split(/[\s_.\-]+/).filter(Boolean)
  if (!words.length) return '?'
  const first = Array.from(words[0])[0]
  const last = words.length > 1 ? Array.from(words[words.length - 1])[0] : ''
  return (first + last).toUpperCase()
}

// A stable colour per user id, so two people named alike still look different.
export function colourOf(id: string): string {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0
  return PALETTE[hash % PALETTE.length]
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function avatarSvg(id: string, name: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">` +
    `<circle cx="32" cy="32" r="32" fill="${colourOf(id)}"/>` +
    `<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui, Arial, sans-serif" font-size="26" fill="#fff">${escapeXml(initialsOf(name))}</text>` +
    `</svg>`
}
