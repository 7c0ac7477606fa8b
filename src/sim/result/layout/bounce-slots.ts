/**
 * The swiotlb pool and the slots a transaction uses on the dma-direct path.
 * There the DMA address of a bounced segment is the physical address of its
 * slot in the pool (phys_to_dma() is the identity on the modelled x86
 * platform, kernel/dma/swiotlb.c swiotlb_tbl_map_single()), so the slots are
 * where the segment points, in IO_TLB_SIZE units. Behind an IOMMU the
 * segment holds an IOVA and the slot cannot be told from the result.
 */
import { alignDown, alignUp } from '../../addr.js'
import { IO_TLB_SIZE } from '../../consts.js'
import type { SimResult } from '../schema.js'
import type { BounceSlots, Segment, SwiotlbPool } from './types.js'

/** The platform's swiotlb pool, if it has one. */
export function swiotlbPool(result: SimResult): SwiotlbPool | undefined {
  const pool = result.platform.swiotlb
  if (pool === null) return undefined
  const start = BigInt(pool.base)
  const slotSize = BigInt(IO_TLB_SIZE)
  return { start, end: start + BigInt(pool.slots) * slotSize, slots: pool.slots, slotSize }
}

export function bounceSlots(tx: string, segments: readonly Segment[], pool: SwiotlbPool | undefined): BounceSlots[] {
  if (pool === undefined) return []
  const out: BounceSlots[] = []
  for (const s of segments) {
    if (s.addr !== 'swiotlb') continue
    const start = alignDown(s.dma, pool.slotSize)
    const end = alignUp(s.dma + s.len, pool.slotSize)
    if (out.some((b) => b.start === start)) continue
    out.push({
      id: `${tx}/bounce/${out.length}`,
      start,
      len: end - start,
      slot: Number((start - pool.start) / pool.slotSize),
      slots: Number((end - start) / pool.slotSize),
    })
  }
  return out
}
