/**
 * The SVG picture of one transaction: bands from the CPU's side to the
 * device's (physical memory, swiotlb slots, IOVA space, the hardware
 * scatter-gather list), each on its own broken axis, and the links between
 * them as ribbons in the colour of the region whose bytes they carry.
 *
 * Every drawn element of the result carries data-* attributes (kind, tx,
 * addresses in exact hex) so that tests and tools can find it.
 */
import type { SimResult } from '../../sim/result/schema.js'
import type { TxModel } from '../model.js'
import { tag } from '../svg.js'
import type { BandDraw } from './band.js'
import { bounceBand } from './band-bounce.js'
import { iovaBand } from './band-iova.js'
import { physBand } from './band-phys.js'
import { segBand } from './band-seg.js'
import { drawBand } from './draw-band.js'
import { W } from './geometry.js'
import { gutter } from './gutter.js'
import { drawLinks } from './links.js'
import { stackBands } from './stack.js'

export function txPicture(result: SimResult, m: TxModel): string {
  const bands: BandDraw[] = [physBand(result, m)]
  if (m.pool !== undefined && m.bounce.length > 0) bands.push(bounceBand(m, m.pool))
  // A link by bus address passes the IOVA band by, through a lane beside its ranges.
  if (result.device.path === 'iommu') bands.push(iovaBand(m, m.iova.length > 0 && m.links.some((l) => l.kind === 'bus')))
  bands.push(segBand(m))

  const stack = stackBands(bands)
  const parts: string[] = gutter(bands, m)
  // Links first, so boxes and labels sit on top of them.
  const { links, bypassEdges } = drawLinks(bands, m)
  parts.push(links)
  // One push per element: a band of many boxes would overflow the call stack as spread arguments.
  for (const b of bands) for (const part of drawBand(b, m, stack)) parts.push(part)
  // Edges of links that pass a band by, over its boxes: they do not touch them.
  if (bypassEdges.length) parts.push(tag('g', { class: 'bypasses' }, bypassEdges.join('')))

  return tag(
    'svg',
    {
      viewBox: `0 0 ${W} ${stack.height}`,
      width: W,
      height: stack.height,
      role: 'img',
      class: 'tx-picture',
      'data-kind': 'tx-picture',
      'data-tx': m.tx.name,
      'aria-label': `transaction ${m.tx.name}: physical ranges, ${result.device.path === 'iommu' ? 'IOVA space, ' : ''}scatter-gather list`,
    },
    parts.join(''),
  )
}
