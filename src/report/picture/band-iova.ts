/**
 * The IOVA band: the transaction's IOVA ranges, coloured where linked, and
 * marked where reserved but never linked (an HMM mirror reserves IOVA for
 * every page, and a page reached by bus address leaves its granules empty;
 * docs/strategies.md). When a link passes the band by (a PCI bus address),
 * the band's axis ends short of the picture's edge and the link goes
 * through the lane that leaves, never over the reserved granules.
 */
import { brokenAxis } from '../axis.js'
import { hex, human } from '../hex.js'
import type { IovaRange, TxModel } from '../model.js'
import { COLORS } from '../palette.js'
import { axisTexts, dedupe, usedOverlays } from './band.js'
import type { BandDraw, Box, Overlay } from './band.js'
import { innerTicks, spanX, X0, X1 } from './geometry.js'

/** Width of the lane to the right of the IOVA band that links passing it by go through. */
export const BYPASS_LANE = 40

/** The runs of an IOVA range that no link reaches: reserved, never linked. */
export function reservedRuns(m: TxModel, r: IovaRange): { start: bigint; len: bigint }[] {
  const used = m.links
    .filter((l) => l.to.id === r.id)
    .map((l) => ({ start: l.to.addr, end: l.to.addr + l.len }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const out: { start: bigint; len: bigint }[] = []
  let at = r.start
  for (const u of used) {
    if (u.start > at) out.push({ start: at, len: u.start - at })
    if (u.end > at) at = u.end
  }
  if (at < r.start + r.len) out.push({ start: at, len: r.start + r.len - at })
  return out
}

function reservedOverlays(m: TxModel, r: IovaRange, x: (a: bigint) => number): Overlay[] {
  return reservedRuns(m, r).map((run, i) => {
    const granules = run.len / m.granule
    return {
      x0: x(run.start),
      x1: Math.max(x(run.start + run.len), x(run.start) + 1),
      fill: 'url(#dp-reserved)',
      opacity: 1,
      kind: 'iova-reserved',
      label: 'reserved · not linked',
      title: `IOVA ${hex(run.start)} +${hex(run.len)}${granules > 0n ? ` (${granules} granule${granules === 1n ? '' : 's'})` : ''}: reserved by ${r.call !== undefined ? `${r.call}()` : 'the kernel'} but never linked to memory; the device cannot reach anything through it`,
      data: { 'data-id': `${r.id}/reserved/${i}`, 'data-tx': m.tx.name, 'data-iova': hex(run.start), 'data-len': hex(run.len) },
    }
  })
}

export function iovaBand(m: TxModel, lane: boolean): BandDraw {
  const axis = brokenAxis(
    m.iova.map((r) => ({ start: r.start, end: r.start + r.len })),
    { x0: X0, x1: lane ? X1 - BYPASS_LANE : X1, align: m.granule },
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
      title: `IOVA range ${hex(r.start)}..${hex(r.start + r.len - 1n)} (${granules} x ${human(m.granule)} granules), ${r.call !== undefined ? `allocated by ${r.call}()` : 'allocated by the kernel'}; hatched: reserved but not linked to memory`,
      fill: COLORS.iovaFill,
      fillOpacity: 1,
      stroke: COLORS.iova,
      overlays: [...dedupe(usedOverlays(m, r.id, (a) => axis.x(a))), ...reservedOverlays(m, r, (a) => axis.x(a))],
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
