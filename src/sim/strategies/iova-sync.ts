/**
 * Syncing part of an IOVA-API range. There is no IOVA-specific sync call
 * (drivers/iommu/dma-iommu.c): drivers use dma_sync_single_*() on the IOVA, which looks up the
 * physical address of the first granule only. A range is therefore synced
 * in pieces that never cross a granule boundary of the physical range where
 * a bounce could sit: the unaligned head granule, the aligned middle
 * (physically contiguous), and the unaligned tail granule (K-R32).
 */
import { PAGE_SIZE_N } from '../consts.js'
import type { DmaApi } from '../dma/api.js'
import type { TxContext } from './strategy.js'

/**
 * The IOMMU granule as the generated C finds it: dma_get_merge_boundary()
 * + 1 (kernel/dma/mapping.c; the granule mask under dma-iommu), a page
 * without dma-iommu. The untraced variant: the simulated call sequence
 * does not record this query.
 */
export function granuleOf(api: DmaApi): bigint {
  const mask = api.dma_get_merge_boundary_untraced()
  return mask === 0n ? PAGE_SIZE_N : mask + 1n
}

export function syncIovaRange(ctx: TxContext, dma: bigint, phys: bigint, len: bigint, toCpu: boolean): void {
  const g = granuleOf(ctx.api)
  const pieces: [bigint, bigint][] = []
  let off = 0n
  const head = phys % g === 0n ? 0n : g - (phys % g)
  if (head > 0n) {
    const n = head < len ? head : len
    pieces.push([0n, n])
    off = n
  }
  const tail = (phys + len) % g
  const middleEnd = len - (off < len && tail !== 0n ? tail : 0n)
  if (middleEnd > off) pieces.push([off, middleEnd - off])
  if (middleEnd < len && middleEnd >= off) pieces.push([middleEnd, len - middleEnd])
  for (const [o, n] of pieces) {
    if (toCpu) ctx.api.dma_sync_single_for_cpu(dma + o, n, ctx.dir)
    else ctx.api.dma_sync_single_for_device(dma + o, n, ctx.dir)
  }
}
