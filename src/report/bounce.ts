/**
 * swiotlb slots a transaction uses on the dma-direct path. There the DMA
 * address of a bounced segment is the physical address of its slot in the
 * pool (phys_to_dma() is the identity on the modelled x86 platform), so the
 * slots are where the segment points, in 2 KiB units (IO_TLB_SIZE). Behind
 * an IOMMU the segment holds an IOVA and the slot cannot be told from the
 * result (model.ts says so under the picture).
 */
import { alignDown, alignUp } from './hex.js'
import type { Span } from './hex.js'
import type { BounceSlots, Segment } from './model.js'

/** IO_TLB_SIZE: one swiotlb slot. */
export const IO_TLB_SIZE = 2048n

export function bounceSlots(tx: string, segments: readonly Segment[], pool: Span | undefined): BounceSlots[] {
  if (pool === undefined) return []
  const out: BounceSlots[] = []
  for (const s of segments) {
    if (s.addr !== 'swiotlb') continue
    const start = alignDown(s.dma, IO_TLB_SIZE)
    const end = alignUp(s.dma + s.len, IO_TLB_SIZE)
    if (out.some((b) => b.start === start)) continue
    out.push({
      id: `${tx}/bounce/${out.length}`,
      start,
      len: end - start,
      slot: Number((start - pool.start) / IO_TLB_SIZE),
      slots: Number((end - start) / IO_TLB_SIZE),
    })
  }
  return out
}
