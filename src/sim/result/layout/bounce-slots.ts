/**
 * The swiotlb pool and the slots a transaction bounced through, as the
 * simulator recorded them where swiotlb_tbl_map_single() took them
 * (kernel/dma/swiotlb.c; src/sim/allocations.ts): on the dma-direct path,
 * where the device gets the slot's physical address, and behind an IOMMU,
 * where the slot is mapped at an IOVA (iommu_dma_map_phys() bouncing a
 * sub-granule buffer of an untrusted device).
 */
import { IO_TLB_SIZE } from '../../consts.js'
import type { SimResult, TransactionResult } from '../schema.js'
import type { BounceSlots, SwiotlbPool } from './types.js'

/** The platform's swiotlb pool, if it has one. */
export function swiotlbPool(result: SimResult): SwiotlbPool | undefined {
  const pool = result.platform.swiotlb
  if (pool === null) return undefined
  const start = BigInt(pool.base)
  const slotSize = BigInt(IO_TLB_SIZE)
  return { start, end: start + BigInt(pool.slots) * slotSize, slots: pool.slots, slotSize }
}

export function bounceSlots(tx: TransactionResult, pool: SwiotlbPool | undefined): BounceSlots[] {
  if (pool === undefined) return []
  const out: BounceSlots[] = []
  for (const a of tx.allocations.swiotlb) {
    const start = pool.start + BigInt(a.slot) * pool.slotSize
    // A slot taken again (a second map of the same memory) is one box, the copies of both drawn to it.
    if (out.some((b) => b.start === start && b.slots === a.slots)) continue
    out.push({
      id: `${tx.name}/bounce/${out.length}`,
      start,
      len: BigInt(a.slots) * pool.slotSize,
      slot: a.slot,
      slots: a.slots,
    })
  }
  return out
}

/** The bounce address of physical address phys, if one of the transaction's slot runs holds a copy of it: the last to take it. */
export function bouncedAt(tx: TransactionResult, phys: bigint, len: bigint, dma?: bigint): bigint | undefined {
  let found: bigint | undefined
  for (const a of tx.allocations.swiotlb) {
    const orig = BigInt(a.orig)
    if (phys < orig || phys + len > orig + BigInt(a.size)) continue
    const at = BigInt(a.addr) + (phys - orig)
    if (at === dma) return at
    found = at
  }
  return found
}
