/**
 * struct scatterlist / struct sg_table (lib/scatterlist.c). An entry has a
 * CPU side (page + offset, length) and a DMA side (dma_address, dma_length,
 * the bus-address flag); the list head carries the swiotlb flag.
 *
 * The sg strategy builds its table like sg_alloc_table_from_pages_segment()
 * would for each region on its own: a region is cut into entries of at most
 * max_segment bytes (rounded down to pages), the first entry ending on a
 * page boundary; regions are never merged with each other, so the CPU view
 * is exactly the plan's regions in order.
 */
import { sgEntryLengths } from '../../plan/sg-entries.js'
import { DMA_MAPPING_ERROR, PAGE_SIZE, SG_MAX_SINGLE_ALLOC, SIZEOF_SCATTERLIST, SIZEOF_SG_TABLE } from '../consts.js'

export interface ScatterEntry {
  /** sg_phys(): page_to_phys(page) + offset. */
  phys: bigint
  length: number
  dmaAddress: bigint
  dmaLength: number
  busAddress: boolean
  /** Which plan region the entry belongs to and where in it (for reports). */
  readonly region: string
  readonly regionOffset: bigint
}

export interface SgTable {
  readonly sgl: ScatterEntry[]
  nents: number
  readonly origNents: number
  /** sg_dma_mark_swiotlb() on the list head. */
  swiotlb: boolean
  /** Entries sg_alloc_table() allocated, chain entries included. */
  readonly allocatedEntries: number
}

export interface SgRange {
  readonly region: string
  readonly phys: bigint
  readonly len: bigint
}

/** __sg_alloc_table(): 128-entry chunks, each but the last giving one entry to the chain link. */
export function sgAllocatedEntries(nents: number): number {
  let left = nents
  let total = 0
  while (left > 0) {
    const alloc = Math.min(left, SG_MAX_SINGLE_ALLOC)
    const used = left > SG_MAX_SINGLE_ALLOC ? SG_MAX_SINGLE_ALLOC - 1 : alloc
    total += alloc
    left -= used
  }
  return total
}

export function sgTableBytes(sgt: SgTable): number {
  return SIZEOF_SG_TABLE + SIZEOF_SCATTERLIST * sgt.allocatedEntries
}

/** Entries for one physically contiguous range, as the driver cuts them (src/plan/sg-entries.ts). */
export function splitRange(phys: bigint, len: bigint, maxSegment: number): { phys: bigint; len: number; offset: bigint }[] {
  const out: { phys: bigint; len: number; offset: bigint }[] = []
  let off = 0n
  for (const n of sgEntryLengths(phys % BigInt(PAGE_SIZE), len, maxSegment)) {
    out.push({ phys: phys + off, len: Number(n), offset: off })
    off += n
  }
  return out
}

export function buildSgTable(ranges: readonly SgRange[], maxSegment: number): SgTable {
  const sgl: ScatterEntry[] = []
  for (const r of ranges)
    for (const c of splitRange(r.phys, r.len, maxSegment))
      sgl.push({ phys: c.phys, length: c.len, dmaAddress: 0n, dmaLength: 0, busAddress: false, region: r.region, regionOffset: c.offset })
  return { sgl, nents: 0, origNents: sgl.length, swiotlb: false, allocatedEntries: sgAllocatedEntries(sgl.length) }
}

/** The DMA view: the first `nents` entries' (sg_dma_address, sg_dma_len). */
export function dmaSegments(sgt: SgTable): { dma: bigint; len: number; bus: boolean }[] {
  return sgt.sgl.slice(0, sgt.nents).map((s) => ({ dma: s.dmaAddress, len: s.dmaLength, bus: s.busAddress }))
}

export function invalidateDma(sgt: SgTable): void {
  for (const s of sgt.sgl) {
    s.dmaAddress = DMA_MAPPING_ERROR
    s.dmaLength = 0
    s.busAddress = false
  }
}
