/**
 * Which bytes of which region each segment of the hardware list carries.
 *
 * The result lists the segments but not this correspondence, so it is
 * recomputed the way the simulator's strategies define the device's view:
 * - every strategy but hmm lays the transaction's regions end to end and
 *   reaches byte p of that buffer through the segment whose running length
 *   passes p (src/sim/strategies/strategy.ts, BufferView);
 * - hmm mirrors the regions page by page (each region from the page that
 *   holds its first byte), and a segment covers mirror pages
 *   [first, first + entries).
 */
import type { TransactionResult } from '../sim/result/schema.js'
import { maxB, minB } from './hex.js'

interface RegionLike {
  readonly phys: bigint
  readonly bytes: bigint
}

export interface RawPiece {
  readonly region: number
  readonly offset: bigint
  readonly len: bigint
  readonly phys: bigint
  readonly dma: bigint
  readonly segment: number
}

export interface Layout {
  readonly pieces: RawPiece[]
  /** Where each segment starts on the device axis. */
  readonly segmentAt: bigint[]
  /** Length of the device axis. */
  readonly total: bigint
  /** The axis is the HMM mirror (page-indexed), not the transfer. */
  readonly mirror: boolean
  /** The mirror's page size (dma_entry_size). */
  readonly page: bigint
}

const PAGE = 4096n

/** dma_entry_size of the transaction's hmm_dma_map_alloc() call, if it made one. */
function entrySize(tx: TransactionResult): bigint {
  const call = tx.calls.find((c) => c.fn === 'hmm_dma_map_alloc')
  const size = call?.args['dma_entry_size']
  return typeof size === 'number' && size > 0 ? BigInt(size) : PAGE
}

export function pieces(tx: TransactionResult, regions: readonly RegionLike[]): Layout {
  const segs = tx.segments.map((s) => ({ dma: BigInt(s.dma), len: BigInt(s.len), first: BigInt(s.first), entries: BigInt(s.entries) }))
  const out: RawPiece[] = []
  if (tx.strategy === 'hmm') {
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
        const lo = maxB(rs, ss)
        const hi = minB(rs + r.bytes, se)
        if (lo < hi) out.push({ region: ri, offset: lo - rs, len: hi - lo, phys: r.phys + (lo - rs), dma: s.dma + (lo - ss), segment: si })
      })
    })
    out.sort((a, b) => a.region - b.region || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0))
    return { pieces: out, segmentAt: segs.map((s) => s.first * page), total: pages * page, mirror: true, page }
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
      const lo = maxB(rs, sa)
      const hi = minB(rs + r.bytes, sa + s.len)
      if (lo < hi) out.push({ region: ri, offset: lo - rs, len: hi - lo, phys: r.phys + (lo - rs), dma: s.dma + (lo - sa), segment: si })
    })
  })
  return { pieces: out, segmentAt, total: maxB(at, ss), mirror: false, page: PAGE }
}
