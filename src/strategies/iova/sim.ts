/**
 * Strategy "iova": the two-step IOVA API with the per-range fallback the
 * kernel documentation prescribes (Documentation/core-api/dma-api.rst,
 * "Part Ie").
 *
 *   if (dma_iova_try_alloc(dev, &state, phys(first region), total)) {
 *       for (off = 0, each region) {
 *           err = dma_iova_link(dev, &state, phys, off, len, dir, attrs);
 *           if (err) { dma_iova_destroy(dev, &state, off, dir, attrs); return err; }
 *           off += len;
 *       }
 *       err = dma_iova_sync(dev, &state, 0, off);
 *       if (err) { dma_iova_destroy(dev, &state, off, dir, attrs); return err; }
 *       program one DMA range: state.addr, total
 *   } else {
 *       per-range dma_map_phys() like the page strategy, unwinding on error;
 *       need_unmap = dma_need_unmap(dev);   (after all maps: a bounce flips it)
 *       remember the addresses only if need_unmap
 *   }
 * unmap: dma_use_iova(&state) ? dma_iova_destroy(dev, &state, total, dir, attrs)
 *                             : need_unmap ? dma_unmap_phys() each : nothing
 *
 * unlink of region i (a plan step): dma_iova_unlink(dev, &state, offset of i,
 * len, dir, attrs), or in the fallback the unmaps of i's ranges. An unmap
 * after an unlink cannot use dma_iova_destroy(), which needs [0, mapped_len)
 * all linked (drivers/iommu/dma-iommu.c): each run of regions still linked
 * is unlinked, then dma_iova_free().
 *
 * Host-bridge P2P memory is linked with DMA_ATTR_MMIO.
 */
import { MMIO, SIZEOF_DMA_IOVA_STATE } from '../../sim/consts.js'
import { newIovaState } from '../../sim/dma/iova-api.js'
import { syncIovaRange } from '../../sim/strategies/iova-sync.js'
import { isMmio, mapRegionRanges, syncRanges, unmapRange } from '../../sim/strategies/ranges.js'
import type { RangeMapping } from '../../sim/strategies/ranges.js'
import { BufferView, segmentsOf } from '../../sim/strategies/strategy.js'
import type { MapOutcome, TxContext, TxMapping } from '../../sim/strategies/strategy.js'

export function mapIova(ctx: TxContext): MapOutcome {
  const { api, regions } = ctx
  const first = regions[0]
  if (first === undefined) return { ok: false, error: 'the transaction maps no region' }
  const total = regions.reduce((n, r) => n + r.bytes, 0n)
  const attrs = ctx.attrs | (ctx.m.has('dma-map-phys') && regions.some(isMmio) ? MMIO : 0)
  const state = newIovaState()
  if (api.dma_iova_try_alloc(state, first.phys, total)) {
    let off = 0n
    for (const r of regions) {
      const err = api.dma_iova_link(state, r.phys, off, r.bytes, ctx.dir, attrs)
      if (err) {
        api.dma_iova_destroy(state, off, ctx.dir, attrs)
        return { ok: false, error: `dma_iova_link() of ${r.name} failed (${err})` }
      }
      off += r.bytes
    }
    const err = api.dma_iova_sync(state, 0n, off)
    if (err) {
      api.dma_iova_destroy(state, off, ctx.dir, attrs)
      return { ok: false, error: `dma_iova_sync() failed (${err})` }
    }
    const segs = [{ dma: state.addr, len: total }]
    const view = new BufferView(regions, segs)
    const unlinked = new Set<number>()
    const mapping: TxMapping = {
      path: 'iova',
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: (toCpu, region) => {
        regions.forEach((r, i) => {
          if ((region === undefined || region === i) && !unlinked.has(i)) syncIovaRange(ctx, state.addr + view.start(i), r.phys, r.bytes, toCpu)
        })
      },
      unlink: (i) => {
        const r = regions[i]
        if (r === undefined || unlinked.has(i)) return
        api.dma_iova_unlink(state, view.start(i), r.bytes, ctx.dir, attrs)
        unlinked.add(i)
      },
      unmap: () => {
        if (unlinked.size === 0) return api.dma_iova_destroy(state, total, ctx.dir, attrs)
        // Runs of regions still linked, each unlinked in one call, then the IOVA space freed.
        for (let i = 0; i < regions.length; ) {
          if (unlinked.has(i)) {
            i++
            continue
          }
          const from = view.start(i)
          let len = 0n
          for (; i < regions.length && !unlinked.has(i); i++) len += (regions[i] as (typeof regions)[number]).bytes
          api.dma_iova_unlink(state, from, len, ctx.dir, attrs)
        }
        api.dma_iova_free(state)
      },
      metadataBytes: () => SIZEOF_DMA_IOVA_STATE,
      stateBytes: () => 0,
    }
    return { ok: true, mapping }
  }
  return mapFallback(ctx)
}

/** The per-range fallback when dma_iova_try_alloc() says no (no IOMMU-DMA, or no IOVA space). */
function mapFallback(ctx: TxContext): MapOutcome {
  const { api, regions } = ctx
  const max = api.dma_max_mapping_size()
  const list: RangeMapping[] = []
  for (let ri = 0; ri < regions.length; ri++) {
    if (!mapRegionRanges(ctx, ri, max, list)) {
      for (let n = list.length - 1; n >= 0; n--) unmapRange(ctx, list[n] as RangeMapping)
      return { ok: false, error: `fallback mapping of ${regions[ri]?.name ?? '?'} failed (DMA_MAPPING_ERROR)` }
    }
  }
  const needUnmap = api.dma_need_unmap()
  const segs = list.map((m) => ({ dma: m.addr, len: m.len }))
  const view = new BufferView(regions, segs)
  const unlinked = new Set<number>()
  const release = (m: RangeMapping) => {
    // Without dma_need_unmap() the driver kept no addresses and calls nothing.
    if (needUnmap) unmapRange(ctx, m)
    else ctx.api.dma_unmap_skipped(m.addr, m.len)
  }
  return {
    ok: true,
    mapping: {
      path: needUnmap ? 'fallback' : 'fallback (no unmap needed)',
      segments: () => segmentsOf(segs),
      locate: (r, o, l) => view.locate(r, o, l),
      sync: (toCpu, region) =>
        syncRanges(
          ctx,
          list.filter((m) => !unlinked.has(m.region)),
          toCpu,
          region,
        ),
      unlink: (i) => {
        if (unlinked.has(i)) return
        for (const m of list) if (m.region === i) release(m)
        unlinked.add(i)
      },
      unmap: () => {
        for (const m of list) if (!unlinked.has(m.region)) release(m)
      },
      metadataBytes: () => SIZEOF_DMA_IOVA_STATE + (needUnmap ? list.length * 16 : 0),
      stateBytes: () => 0,
    },
  }
}
