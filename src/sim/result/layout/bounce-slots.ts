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

/**
 * Where the transaction's slot runs hold copies of memory: for [phys, phys +
 * len), the bounce address of the last run that took all of it. The runs are
 * read from the result once.
 */
export function bounceAddresses(tx: TransactionResult): (phys: bigint, len: bigint) => bigint | undefined {
  const runs = tx.allocations.swiotlb.map((a) => ({ orig: BigInt(a.orig), size: BigInt(a.size), addr: BigInt(a.addr) }))
  return (phys, len) => {
    let found: bigint | undefined
    for (const r of runs) if (phys >= r.orig && phys + len <= r.orig + r.size) found = r.addr + (phys - r.orig)
    return found
  }
}
