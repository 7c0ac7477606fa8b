/**
 * The IOVA ranges of a transaction, as the simulator recorded them where the
 * domain allocated them (src/sim/allocations.ts): whole granules, including
 * what the allocator's power-of-two rounding reserved beyond the request
 * (drivers/iommu/iova.c alloc_iova_fast()), with the kernel call that
 * allocated each. A failed transaction keeps the ranges its error path
 * released: they are worth drawing.
 */
import type { TransactionResult } from '../schema.js'
import type { IovaRange } from './types.js'

export function iovaRanges(tx: TransactionResult, granule: bigint): IovaRange[] {
  return tx.allocations.iova
    .map((r) => ({ start: BigInt(r.start), len: BigInt(r.len), call: r.call }))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map((r, i) => ({ id: `${tx.name}/iova/${i}`, start: r.start, len: r.len, granules: r.len / granule, ...(r.call !== undefined ? { call: r.call } : {}) }))
}
