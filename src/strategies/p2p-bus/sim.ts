/**
 * Strategy "p2p-bus": switch-local peer memory reached by PCI bus address
 * (K-P5), nothing through the IOMMU or swiotlb. Only the kernel can tell a
 * page's P2P type to a module: pci_p2pdma_state() is an inline around
 * __pci_p2pdma_update_state(), which is not exported (nor is
 * pci_p2pdma_map_type()), so a driver asks the scatterlist helpers, which
 * decide it inside the kernel, and requires a bus address of every entry:
 *
 *   ret = sg_alloc_table(&sgt, nents, GFP_KERNEL);  sg_set_page() per entry;
 *   ret = dma_map_sgtable(dev, &sgt, dir, 0);       (-EREMOTEIO: unreachable)
 *   if (ret) { sg_free_table(&sgt); return ret; }
 *   for_each_sgtable_dma_sg(): if (!sg_dma_is_bus_address(sg))
 *       { dma_unmap_sgtable(); sg_free_table(); return -EREMOTEIO; }
 * unmap: dma_unmap_sgtable(dev, &sgt, dir, 0); sg_free_table(&sgt);
 */
import { dmaSegmentRuns, sgTableBytes } from '../../sim/dma/scatterlist.js'
import type { SgTable } from '../../sim/dma/scatterlist.js'
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext } from '../../sim/strategies/strategy.js'

/** The DMA entries of a mapped table that are not bus addresses (sg_dma_is_bus_address() false). */
export function notBusAddresses(sgt: SgTable): number {
  let n = 0
  for (let i = 0; i < sgt.nents; i++) if (!sgt.busAddress(i)) n++
  return n
}

export function mapP2pBus(ctx: TxContext): MapOutcome {
  const { api, regions } = ctx
  const sgt = api.sg_alloc_table(regions.map((r) => ({ region: r.name, phys: r.phys, len: r.bytes })))
  if (typeof sgt === 'number') return { ok: false, error: `sg_alloc_table() failed (${sgt})` }
  const ret = api.dma_map_sgtable(sgt, ctx.dir, 0)
  if (ret) {
    api.sg_free_table(sgt)
    return { ok: false, error: `dma_map_sgtable() failed (${ret})` }
  }
  const other = notBusAddresses(sgt)
  if (other > 0) {
    api.dma_unmap_sgtable(sgt, ctx.dir, 0)
    api.sg_free_table(sgt)
    return { ok: false, error: `${other} of ${sgt.nents} DMA segments are not PCI bus addresses (-EREMOTEIO)` }
  }
  const segs = dmaSegmentRuns(sgt).map((s) => ({ dma: s.dma, len: BigInt(s.len), count: s.count }))
  const view = new BufferView(regions, segs)
  return {
    ok: true,
    mapping: {
      path: 'bus address',
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: () => {},
      unmap: () => {
        api.dma_unmap_sgtable(sgt, ctx.dir, 0)
        api.sg_free_table(sgt)
      },
      metadataBytes: () => sgTableBytes(sgt),
      stateBytes: () => 0,
    },
  }
}
