/**
 * Strategy "sg": a scatterlist mapped with dma_map_sgtable(). On an IOMMU
 * the kernel coalesces entries by its own rules (K-C1 to K-C8), so the device gets
 * sgt.nents DMA segments that need not match the regions.
 *
 *   ret = sg_alloc_table(&sgt, nents, GFP_KERNEL);  sg_set_page() per entry;
 *   if (ret) return ret;
 *   ret = dma_map_sgtable(dev, &sgt, dir, attrs);
 *   if (ret) { sg_free_table(&sgt); return ret; }
 *   program the first sgt.nents (sg_dma_address, sg_dma_len) pairs
 * sync:  dma_sync_sgtable_for_{cpu,device}(dev, &sgt, dir)   (the whole table:
 *        a partial list would hide the swiotlb flag, which lives on the head)
 * unmap: dma_unmap_sgtable(dev, &sgt, dir, attrs); sg_free_table(&sgt);
 */
import { dmaSegmentRuns, sgTableBytes } from '../../sim/dma/scatterlist.js'
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext } from '../../sim/strategies/strategy.js'

export function mapSg(ctx: TxContext): MapOutcome {
  const { api } = ctx
  const sgt = api.sg_alloc_table(ctx.regions.map((r) => ({ region: r.name, phys: r.phys, len: r.bytes })))
  if (typeof sgt === 'number') return { ok: false, error: `sg_alloc_table() failed (${sgt})` }
  const ret = api.dma_map_sgtable(sgt, ctx.dir, ctx.attrs)
  if (ret) {
    api.sg_free_table(sgt)
    return { ok: false, error: `dma_map_sgtable() failed (${ret})` }
  }
  const segs = dmaSegmentRuns(sgt).map((s) => ({ dma: s.dma, len: BigInt(s.len), count: s.count }))
  const view = new BufferView(ctx.regions, segs)
  return {
    ok: true,
    mapping: {
      path: sgt.swiotlb ? 'sg (swiotlb, entry by entry)' : `sg (${sgt.origNents} entries -> ${sgt.nents} segments)`,
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: (toCpu) => (toCpu ? api.dma_sync_sgtable_for_cpu(sgt, ctx.dir) : api.dma_sync_sgtable_for_device(sgt, ctx.dir)),
      unmap: () => {
        api.dma_unmap_sgtable(sgt, ctx.dir, ctx.attrs)
        api.sg_free_table(sgt)
      },
      metadataBytes: () => sgTableBytes(sgt),
      stateBytes: () => 0,
    },
  }
}
