/**
 * Strategy "coherent": dma_alloc_coherent() memory for rings and
 * descriptors, one allocation per region (the region sits at its in-page
 * offset inside the allocation). Both sides see the memory at any time:
 * no syncs, no bounce; zeroed; decrypted in a confidential guest.
 *
 *   for each region:
 *       cpu = dma_alloc_coherent(dev, size, &handle, GFP_KERNEL);
 *       if (!cpu) goto unwind;
 * unwind / unmap: dma_free_coherent(dev, size, cpu, handle) for each allocation.
 */
import { alignUp } from '../../sim/addr.js'
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext } from '../../sim/strategies/strategy.js'

export function mapCoherent(ctx: TxContext): MapOutcome {
  const { api, regions } = ctx
  const allocs: { phys: bigint; size: bigint; handle: bigint }[] = []
  for (const r of regions) {
    const off = r.phys % 4096n
    const phys = r.phys - off
    const size = alignUp(off + r.bytes, 4096n)
    const handle = api.dma_alloc_coherent(size, phys)
    if (handle === undefined) {
      for (let n = allocs.length - 1; n >= 0; n--) {
        const a = allocs[n] as { phys: bigint; size: bigint; handle: bigint }
        api.dma_free_coherent(a.size, a.phys, a.handle)
      }
      return { ok: false, error: `dma_alloc_coherent() for ${r.name} returned NULL` }
    }
    allocs.push({ phys, size, handle })
  }
  const segs = regions.map((r, i) => ({ dma: (allocs[i]?.handle ?? 0n) + (r.phys % 4096n), len: r.bytes }))
  const view = new BufferView(regions, segs)
  return {
    ok: true,
    mapping: {
      path: api.use_dma_iommu() ? 'coherent (IOVA)' : 'coherent',
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: () => {},
      unmap: () => {
        for (const a of allocs) api.dma_free_coherent(a.size, a.phys, a.handle)
      },
      metadataBytes: () => allocs.length * 16,
      stateBytes: () => 0,
    },
  }
}
