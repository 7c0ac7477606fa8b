/**
 * Which bytes of which region each segment of the hardware list carries,
 * the way the strategies define the device's view of a transaction:
 * - every strategy but hmm lays the transaction's regions end to end and
 *   reaches byte p of that buffer through the segment whose running length
 *   passes p (src/sim/strategies/strategy.ts, BufferView);
 * - hmm mirrors the regions page by page (each region from the page that
 *   holds its first byte, mm/hmm.c hmm_dma_map_pfn()), and a segment covers
 *   mirror pages [first, first + entries) of dma_entry_size each.
 */
import { max, min } from '../../addr.js'
import { PAGE_SIZE } from '../../consts.js'
import type { TransactionResult } from '../schema.js'
import { expandSegments } from '../segments.js'
import type { DeviceView, Piece, Segment } from './types.js'
import { descriptor } from '../../../strategies/index.js'

interface RegionLike {
  readonly phys: bigint
  readonly bytes: bigint
}

export type RawPiece = Omit<Piece, 'route'>

/** A segment as the layout draws it: an entry of the hardware list, or a run of equal, contiguous entries as one span. */
export type LaidSegment = Pick<Segment, 'index' | 'dma' | 'len' | 'entries' | 'first' | 'repeat'>

export interface DeviceLayout extends DeviceView {
  readonly pieces: readonly RawPiece[]
  readonly segments: readonly LaidSegment[]
  /** Where each segment starts on the device axis. */
  readonly segmentAt: readonly bigint[]
}

/**
 * The hardware list as the layout draws it: a run of DMA-contiguous entries
 * is one span (a terabyte at 64 KiB is one box, not sixteen million), except
 * in an HMM mirror, whose entries sit at their own page indices.
 */
function laidSegments(tx: TransactionResult, mirror: boolean): LaidSegment[] {
  const out: LaidSegment[] = []
  let index = 0
  for (const s of mirror ? expandSegments(tx.segments) : tx.segments) {
    const n = s.repeat ?? 1
    const len = BigInt(s.len) * BigInt(n)
    out.push(n > 1 ? { index, dma: BigInt(s.dma), len, entries: s.entries, first: s.first, repeat: n } : { index, dma: BigInt(s.dma), len, entries: s.entries, first: s.first })
    index += n
  }
  return out
}

/** dma_entry_size of the transaction's hmm_dma_map_alloc() call, if it made one. */
function entrySize(tx: TransactionResult): bigint {
  const call = tx.calls.find((c) => c.fn === 'hmm_dma_map_alloc')
  const size = call?.args['dma_entry_size']
  return typeof size === 'number' && size > 0 ? BigInt(size) : BigInt(PAGE_SIZE)
}

export function deviceView(tx: TransactionResult, regions: readonly RegionLike[]): DeviceLayout {
  const mirror = descriptor(tx.strategy).perPage
  const segments = laidSegments(tx, mirror)
  const segs = segments.map((s) => ({ dma: s.dma, len: s.len, first: BigInt(s.first) }))
  const out: RawPiece[] = []
  if (mirror) {
    const page = entrySize(tx)
    const starts: bigint[] = []
    let pages = 0n
    for (const r of regions) {
      starts.push(pages * page + (r.phys % page))
      pages += (r.phys % page + r.bytes + page - 1n) / page
    }
    segs.forEach((s, si) => {
      const ss = s.first * page
      const se = ss + s.len
      regions.forEach((r, ri) => {
        const rs = starts[ri] ?? 0n
        const lo = max(rs, ss)
        const hi = min(rs + r.bytes, se)
        if (lo < hi) out.push({ region: ri, offset: lo - rs, len: hi - lo, phys: r.phys + (lo - rs), dma: s.dma + (lo - ss), segment: si })
      })
    })
    out.sort((a, b) => a.region - b.region || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0))
    return { pieces: out, segments, segmentAt: segs.map((s) => s.first * page), total: pages * page, mirror: true, page }
  }
  const starts: bigint[] = []
  let at = 0n
  for (const r of regions) {
    starts.push(at)
    at += r.bytes
  }
  const segmentAt: bigint[] = []
  let ss = 0n
  segs.forEach((s) => {
    segmentAt.push(ss)
    ss += s.len
  })
  regions.forEach((r, ri) => {
    const rs = starts[ri] ?? 0n
    segs.forEach((s, si) => {
      const sa = segmentAt[si] ?? 0n
      const lo = max(rs, sa)
      const hi = min(rs + r.bytes, sa + s.len)
      if (lo < hi) out.push({ region: ri, offset: lo - rs, len: hi - lo, phys: r.phys + (lo - rs), dma: s.dma + (lo - sa), segment: si })
    })
  })
  return { pieces: out, segments, segmentAt, total: max(at, ss), mirror: false, page: BigInt(PAGE_SIZE) }
}
