// Avatars: initials on a colour derived from the user, drawn by DiceBear locally (no outside service).
import { createAvatar } from '@dicebear/core'
import * as initials from '@dicebear/initials'

const cache = new Map<string, string>()

export function avatarSvg(seedId: string, name: string): string {
  const key = `${seedId}:${name}`
  let svg = cache.get(key)
  if (!svg) {
    svg = createAvatar(initials, { seed: name, size: 64, radius: 50, backgroundType: ['solid'], randomizeIds: false, backgroundColor: [colourOf(seedId)] } as any).toString()
    cache.set(key, svg)
  }
  return svg
}

// A stable hue per user id, so two people named alike still look different.
function colourOf(id: string): string {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0
  const palette = ['b45309', '047857', '1d4ed8', '7e22ce', 'be123c', '0f766e', '4338ca', 'a16207', '15803d', 'c2410c']
  return palette[hash % palette.length]
}
