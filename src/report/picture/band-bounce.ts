/** The swiotlb band: the slots a dma-direct mapping bounces through, in the pool. */
import { brokenAxis } from '../axis.js'
import { hex, human } from '../hex.js'
import type { TxModel } from '../model.js'
import { COLORS } from '../palette.js'
import type { SwiotlbPool } from '../../sim/result/layout/index.js'
import { axisTexts, dedupe, usedOverlays } from './band.js'
import type { BandDraw, Box } from './band.js'
import { innerTicks, spanX, X0, X1 } from './geometry.js'

/** The band of the slots `m.bounce` holds, in the platform's pool. */
export function bounceBand(m: TxModel, pool: SwiotlbPool): BandDraw {
  const slot = human(pool.slotSize)
  const axis = brokenAxis(
    m.bounce.map((b) => ({ start: b.start, end: b.start + b.len })),
    { x0: X0, x1: X1, align: pool.slotSize },
  )
  const boxes = m.bounce.map((b): Box => {
    const { x0, x1 } = spanX(axis, b.start, b.len)
    return {
      x0,
      x1,
      lines: [b.slots === 1 ? `swiotlb slot ${b.slot}` : `swiotlb slots ${b.slot}-${b.slot + b.slots - 1} (${b.slots} x ${slot})`, `${hex(b.start)} +${hex(b.len)}`],
      data: {
        'data-kind': 'bounce-slot',
        'data-id': b.id,
        'data-tx': m.tx.name,
        'data-phys': hex(b.start),
        'data-len': hex(b.len),
        'data-slot': b.slot,
        'data-slots': b.slots,
      },
      title: `swiotlb bounce buffer: slots ${b.slot}..${b.slot + b.slots - 1} of the pool, physical ${hex(b.start)}..${hex(b.start + b.len - 1n)}; the device reads and writes these, the kernel copies to and from the original memory`,
      fill: COLORS.bounceFill,
      fillOpacity: 1,
      stroke: COLORS.bounce,
      pattern: 'url(#dp-bounce)',
      overlays: dedupe(usedOverlays(m, b.id, (a) => axis.x(a))).map((o) => ({ ...o, strip: true, opacity: 0.85 })),
      ticks: innerTicks(axis, b.start, b.len, pool.slotSize),
    }
  })
  const poolText = `swiotlb pool at ${hex(pool.start)} (${pool.slots} slots)`
  return {
    key: 'bounce',
    title: 'swiotlb bounce slots',
    subtitle: `${slot} each, physical`,
    axis,
    boxes,
    axisTexts: axisTexts(axis, () => poolText, ''),
    below: false,
    boxTop: 0,
  }
}
