/** The IOVA band: the transaction's IOVA ranges, coloured where linked, hatched where allocated but not linked. */
import { brokenAxis } from '../axis.js'
import { hex, human } from '../hex.js'
import type { TxModel } from '../model.js'
import { COLORS } from '../palette.js'
import { axisTexts, dedupe, usedOverlays } from './band.js'
import type { BandDraw, Box } from './band.js'
import { innerTicks, spanX, X0, X1 } from './geometry.js'

export function iovaBand(m: TxModel): BandDraw {
  const axis = brokenAxis(
    m.iova.map((r) => ({ start: r.start, end: r.start + r.len })),
    { x0: X0, x1: X1, align: m.granule },
  )
  const boxes = m.iova.map((r): Box => {
    const { x0, x1 } = spanX(axis, r.start, r.len)
    const granules = r.granules
    return {
      x0,
      x1,
      lines: [`IOVA · ${granules} granule${granules === 1n ? '' : 's'}`, `${hex(r.start)} +${hex(r.len)}`],
      data: {
        'data-kind': 'iova-range',
        'data-id': r.id,
        'data-tx': m.tx.name,
        'data-iova': hex(r.start),
        'data-len': hex(r.len),
        ...(r.call !== undefined ? { 'data-call': r.call } : {}),
      },
      title: `IOVA range ${hex(r.start)}..${hex(r.start + r.len - 1n)} (${granules} x ${human(m.granule)} granules), ${r.call !== undefined ? `allocated by ${r.call}()` : 'allocated by the kernel'}; hatched: allocated but not linked to memory`,
      fill: COLORS.iovaFill,
      fillOpacity: 1,
      stroke: COLORS.iova,
      pattern: 'url(#dp-unused)',
      patternWhereUnused: true,
      overlays: dedupe(usedOverlays(m, r.id, (a) => axis.x(a))),
      ticks: innerTicks(axis, r.start, r.len, m.granule),
    }
  })
  const empty =
    m.iova.length > 0
      ? undefined
      : m.tx.status === 'failed'
        ? 'no IOVA was allocated before the mapping failed'
        : m.pieces.length > 0 && m.pieces.every((p) => p.route === 'bus')
          ? 'no IOVA: the device reaches this memory by PCI bus address, past the IOMMU'
          : 'no IOVA allocated'
  return {
    key: 'iova',
    title: 'IOVA space',
    subtitle: `granule ${human(m.granule)}, ${m.tx.counters.iovaPages} allocated`,
    axis,
    boxes,
    axisTexts: axisTexts(axis, () => 'IOVA', ''),
    ...(empty !== undefined ? { empty } : {}),
    below: false,
    boxTop: 0,
  }
}
