/** The links as ribbons in the colour of the region whose bytes they carry, with data-* attributes for tests and tools. */
import { hex } from '../hex.js'
import type { Link, TxModel } from '../model.js'
import { COLORS, regionColor } from '../palette.js'
import { tag } from '../svg.js'
import type { BandDraw } from './band.js'
import { segX } from './band-seg.js'
import { BOX_H, X0, X1 } from './geometry.js'
import { BYPASS_LANE } from './band-iova.js'
import { bypass, ribbon } from './ribbon.js'
import { LINK_TITLE } from './words.js'

/** The links (a group), and the dashed edges of those that pass a band by (drawn last, over the boxes). */
export function drawLinks(bands: readonly BandDraw[], m: TxModel): { readonly links: string; readonly bypassEdges: readonly string[] } {
  const band = (k: BandDraw['key']): BandDraw | undefined => bands.find((b) => b.key === k)
  const index = (k: BandDraw['key']): number => bands.findIndex((b) => b.key === k)
  const segAxis = band('seg')?.axis
  const sx = segAxis !== undefined ? segX(segAxis, m) : undefined
  const xOf = (end: Link['from']): number => {
    const b = band(end.band)
    if (b?.axis === undefined) return X0
    if (end.band === 'seg') return sx !== undefined ? sx(end.id, end.addr) : X0
    return b.axis.x(end.addr)
  }
  const linkParts: string[] = []
  const bypassEdges: string[] = []
  for (const l of m.links) {
    const from = band(l.from.band)
    const to = band(l.to.band)
    if (from === undefined || to === undefined) continue
    const a0 = xOf(l.from)
    const a1 = xOf({ ...l.from, addr: l.from.addr + l.len })
    const b0 = xOf(l.to)
    const b1 = xOf({ ...l.to, addr: l.to.addr + l.len })
    const color = regionColor(l.color)
    // Past the IOVA band a link goes through the lane beside its ranges (iovaBand()), not over granules it never used.
    const skipped = bands
      .slice(index(l.from.band) + 1, index(l.to.band))
      .map((b) => ({ top: b.boxTop - 2, bottom: b.boxTop + BOX_H + 2, ...(b.key === 'iova' && b.boxes.length > 0 ? { lane: { x0: X1 - BYPASS_LANE + 10, x1: X1 - 6 } } : {}) }))
    const shape = skipped.length
      ? bypass(a0, a1, from.boxTop + BOX_H, b0, b1, to.boxTop, skipped)
      : { fill: ribbon(a0, a1, from.boxTop + BOX_H, b0, b1, to.boxTop), edges: '' }
    if (shape.edges) bypassEdges.push(tag('path', { d: shape.edges, class: 'bypass', stroke: l.kind === 'bus' ? COLORS.bus : color }))
    linkParts.push(
      tag(
        'path',
        {
          d: shape.fill,
          class: `link link-${l.kind}`,
          fill: color,
          stroke: l.kind === 'bus' ? COLORS.bus : l.kind === 'bounce' ? COLORS.bounce : color,
          'data-kind': 'link',
          'data-id': l.id,
          'data-tx': m.tx.name,
          'data-link': l.kind,
          'data-from': l.from.id,
          'data-to': l.to.id,
          'data-from-addr': hex(l.from.addr),
          'data-to-addr': hex(l.to.addr),
          'data-len': hex(l.len),
          'data-region': l.region,
        },
        tag('title', {}, `${l.region}: ${LINK_TITLE[l.kind]}, ${hex(l.from.addr)} -> ${hex(l.to.addr)}, ${hex(l.len)} bytes`),
      ),
    )
  }
  return { links: tag('g', { class: 'links' }, linkParts.join('')), bypassEdges }
}
