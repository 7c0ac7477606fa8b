/** The gutter left of the bands: each band's title, and what each gap between bands means (named after the links that cross it). */
import type { LinkKind, TxModel } from '../model.js'
import { text } from '../svg.js'
import type { BandDraw } from './band.js'
import { BOX_H } from './geometry.js'
import { GAP_WORDS, LINK_ORDER, LINK_WORDS } from './words.js'

export function gutter(bands: readonly BandDraw[], m: TxModel): string[] {
  const parts: string[] = []
  const index = (k: BandDraw['key']): number => bands.findIndex((b) => b.key === k)
  bands.forEach((b, n) => {
    parts.push(text({ x: 12, y: b.boxTop + 17, class: 'band-title' }, b.title))
    parts.push(text({ x: 12, y: b.boxTop + 32, class: 'band-sub' }, b.subtitle))
    const next = bands[n + 1]
    if (next === undefined) return
    const crossing = new Set<LinkKind | 'direct-slot'>()
    for (const l of m.links)
      if (index(l.from.band) <= n && index(l.to.band) >= n + 1) crossing.add(l.kind === 'direct' && l.from.band === 'bounce' ? 'direct-slot' : l.kind)
    const kinds = LINK_ORDER.filter((k) => crossing.has(k))
    const first = kinds[0]
    const words: readonly [string, string] =
      first === undefined ? (GAP_WORDS[`${b.key}>${next.key}`] ?? ['', '']) : kinds.length > 1 && kinds.includes('bus') && first !== 'bus' ? [LINK_WORDS[first][0], `${LINK_WORDS[first][1]}; dashed: bus addr.`] : LINK_WORDS[first]
    const ym = (b.boxTop + BOX_H + next.boxTop) / 2
    parts.push(text({ x: 12, y: ym - 2, class: 'gap-title' }, words[0]))
    parts.push(text({ x: 12, y: ym + 11, class: 'gap-sub' }, words[1]))
  })
  return parts
}
