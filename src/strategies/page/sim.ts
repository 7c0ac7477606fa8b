/**
 * Strategy "page": one streaming mapping per range (classic DMA API).
 *
 *   max = dma_max_mapping_size(dev);
 *   for each region, for each piece of at most max bytes:
 *       addr = dma_map_phys(dev, phys, len, dir, attrs);   (dma_map_page_attrs / dma_map_resource before 6.18)
 *       if (dma_mapping_error(dev, addr)) goto unwind;
 *       tx->addr[n] = addr; tx->len[n++] = len;
 *   return 0;
 * unwind:
 *   while (n--) dma_unmap_phys(dev, tx->addr[n], tx->len[n], dir, attrs);
 *   return -ENOMEM;
 *
 * Sync: dma_sync_single_for_{cpu,device}() per piece; unmap: dma_unmap_phys() per piece.
 */
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext } from '../../sim/strategies/strategy.js'
import { mapRegionRanges, syncRanges, unmapRange } from '../../sim/strategies/ranges.js'
import type { RangeMapping } from '../../sim/strategies/ranges.js'

export function mapPage(ctx: TxContext): MapOutcome {
  const max = ctx.api.dma_max_mapping_size()
  const list: RangeMapping[] = []
  for (let ri = 0; ri < ctx.regions.length; ri++) {
    if (!mapRegionRanges(ctx, ri, max, list)) {
      for (let n = list.length - 1; n >= 0; n--) unmapRange(ctx, list[n] as RangeMapping)
      return { ok: false, error: `mapping ${ctx.regions[ri]?.name ?? '?'} failed (DMA_MAPPING_ERROR)` }
    }
  }
  const segs = list.map((m) => ({ dma: m.addr, len: m.len }))
  const view = new BufferView(ctx.regions, segs)
  return {
    ok: true,
    mapping: {
      path: 'per-range',
      segments: () => segmentsOf(segs),
      locate: (r, off, len) => view.locate(r, off, len),
      sync: (toCpu, region) => syncRanges(ctx, list, toCpu, region),
      unmap: () => {
        for (const m of list) unmapRange(ctx, m)
      },
      metadataBytes: () => list.length * 16,
      stateBytes: () => 0,
    },
  }
}
