/** The scatter-gather band: each entry the device is programmed with, on the transfer's (or the HMM mirror's) axis. */
import { brokenAxis } from '../axis.js'
import type { BrokenAxis } from '../axis.js'
import { hex, human } from '../hex.js'
import type { TxModel } from '../model.js'
import { COLORS } from '../palette.js'
import { axisTexts, dedupe, usedOverlays } from './band.js'
import type { BandDraw, Box } from './band.js'
import { X0, X1 } from './geometry.js'

/** Where an address of a segment sits on the device axis. */
export function segX(axis: BrokenAxis, m: TxModel): (id: string, addr: bigint) => number {
  const byId = new Map(m.segments.map((s) => [s.id, s]))
  return (id, addr) => {
    const s = byId.get(id)
    if (s === undefined) return X0
    return axis.x(s.at + (addr - s.dma))
  }
}

export function segBand(m: TxModel): BandDraw {
  const axis = brokenAxis(m.view.total > 0n ? [{ start: 0n, end: m.view.total }] : [], { x0: X0, x1: X1, align: m.view.mirror ? m.view.page : 1n })
  const sx = segX(axis, m)
  const addrWord = { iova: 'IOVA', bus: 'bus address', phys: 'phys', swiotlb: 'swiotlb slot' } as const
  const boxes = m.segments.map((s): Box => {
    const x0 = axis.x(s.at)
    const x1 = Math.max(axis.x(s.at + s.len), x0 + 2)
    // A run of equal, contiguous entries is one box: its entries' numbers, count and length.
    const n = s.repeat ?? 1
    const each = s.len / BigInt(n)
    const which = n > 1 ? `#${s.index}..#${s.index + n - 1}` : `#${s.index}`
    return {
      x0,
      x1,
      lines: [`${which}${s.entries > 1 ? ` (${s.entries} pages)` : ''} · ${addrWord[s.addr]}`, `dma ${hex(s.dma)} len ${hex(each)}${n > 1 ? ` × ${n}` : ''}`],
      data: {
        'data-kind': 'segment',
        'data-id': s.id,
        'data-tx': m.tx.name,
        'data-index': s.index,
        'data-dma': hex(s.dma),
        'data-len': hex(each),
        ...(n > 1 ? { 'data-repeat': n } : {}),
        'data-entries': s.entries,
        'data-first': s.first,
        'data-addr': s.addr,
      },
      title: `${n > 1 ? `scatter-gather entries ${which}: ${n} of length ${hex(each)} (${human(each)}) from DMA address ${hex(s.dma)}` : `scatter-gather entry #${s.index}: DMA address ${hex(s.dma)}`} (${addrWord[s.addr]})${n > 1 ? '' : `, length ${hex(s.len)} (${human(s.len)})`}${m.view.mirror ? `, mirror pages ${s.first}..${s.first + s.entries - 1}` : ''}`,
      fill: COLORS.segmentFill,
      fillOpacity: 1,
      stroke: COLORS.segment,
      // Bytes of the entry no region holds: the rest of a whole HMM page, or a list longer than its data.
      pattern: 'url(#dp-unreached)',
      patternWhereUnused: true,
      overlays: dedupe(usedOverlays(m, s.id, (a) => sx(s.id, a))),
      ticks: [],
    }
  })
  const unit = m.view.mirror ? ` (${m.view.total / m.view.page} pages of ${human(m.view.page)})` : ''
  const caption = m.view.mirror ? 'HMM mirror, by page index' : 'offset in the transfer'
  const empty =
    m.segments.length > 0
      ? undefined
      : m.tx.status === 'failed'
        ? `no scatter-gather list: ${m.tx.error ?? 'the mapping failed'}`
        : 'no scatter-gather list'
  return {
    key: 'seg',
    title: 'Scatter-gather list',
    subtitle: 'programmed into the device',
    axis,
    boxes,
    axisTexts: axis.islands.length ? axisTexts(axis, () => caption + unit, '') : [],
    ...(empty !== undefined ? { empty } : {}),
    below: true,
    boxTop: 0,
  }
}
