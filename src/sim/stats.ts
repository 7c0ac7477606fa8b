/**
 * Counters of what the kernel did, per transaction and in total. The model
 * counts into whatever transaction is running (the runner sets it), so a
 * flush triggered by the lazy-flush timer lands in the total only.
 *
 * Counting happens in per-page loops, so counters live in typed arrays
 * indexed by constants (C.pteWrites ...) rather than in keyed objects.
 */
import type { Allocations } from './allocations.js'

export interface Counters {
  /** IOVA granules allocated (after power-of-two rounding and padding). */
  iovaPages: number
  /** Leaf IOMMU page-table entries written (set or cleared). */
  pteWrites: number
  /** Ranged IOTLB invalidations (strict unmaps, dma_iova_unlink). */
  iotlbSyncs: number
  /** Full IOTLB flushes (flush queue). */
  iotlbFlushAll: number
  /** iommu_sync_map() calls (map-side syncs: dma_iova_sync, iommu_map). */
  syncMaps: number
  /** swiotlb slots allocated. */
  bounceSlots: number
  /** Bytes swiotlb copied from the original buffer into a bounce slot. */
  bounceBytesToDevice: number
  /** Bytes swiotlb copied from a bounce slot back into the original buffer. */
  bounceBytesToCpu: number
  /** arch_sync_dma_for_device()/for_cpu() calls (cache maintenance on non-coherent devices). */
  cacheMaintenance: number
}

export const COUNTER_NAMES = [
  'iovaPages',
  'pteWrites',
  'iotlbSyncs',
  'iotlbFlushAll',
  'syncMaps',
  'bounceSlots',
  'bounceBytesToDevice',
  'bounceBytesToCpu',
  'cacheMaintenance',
] as const satisfies readonly (keyof Counters)[]

/** Indices of the counters. */
export const C = {
  iovaPages: 0,
  pteWrites: 1,
  iotlbSyncs: 2,
  iotlbFlushAll: 3,
  syncMaps: 4,
  bounceSlots: 5,
  bounceBytesToDevice: 6,
  bounceBytesToCpu: 7,
  cacheMaintenance: 8,
} as const satisfies Record<keyof Counters, number>

export const newCounters = (): Float64Array => new Float64Array(COUNTER_NAMES.length)

export function toCounters(a: Float64Array): Counters {
  const out = {} as Counters
  for (let i = 0; i < COUNTER_NAMES.length; i++) out[COUNTER_NAMES[i] as keyof Counters] = a[i] as number
  return out
}

export class Stats {
  readonly total = newCounters()
  current: Float64Array | undefined
  /** The running transaction's record of what it allocated (src/sim/allocations.ts). */
  allocations: Allocations | undefined

  add(index: number, n: number): void {
    this.total[index] = (this.total[index] as number) + n
    const c = this.current
    if (c !== undefined) c[index] = (c[index] as number) + n
  }
}
