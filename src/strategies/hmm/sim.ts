/**
 * Strategy "hmm": the HMM mirror of on-demand paging (mm/hmm.c, 6.16+).
 *
 *   err = hmm_dma_map_alloc(dev, &map, npages, PAGE_SIZE);
 *   if (err) return err;
 *   hmm_range_fault(&range);                    fills map.pfn_list
 *   for (i = 0; i < npages; i++) {              (populate; else per hmm-fault step)
 *       dma = hmm_dma_map_pfn(dev, &map, i, &p2p);
 *       if (dma_mapping_error(dev, dma)) goto unwind;
 *       mr->pas[i] = dma;                       the device's page table
 *   }
 *   return 0;
 * unwind:
 *   while (i--) hmm_dma_unmap_pfn(dev, &map, i);
 *   hmm_dma_map_free(dev, &map);
 *   return -EFAULT;
 * invalidate (hmm-invalidate): hmm_dma_unmap_pfn(dev, &map, i); mr->pas[i] = invalid
 * unmap: for each i: hmm_dma_unmap_pfn(dev, &map, i); hmm_dma_map_free(dev, &map);
 *
 * HMM never syncs: it refuses devices that would need it.
 */
import { Hmm } from '../../sim/dma/hmm.js'
import { DeviceTable } from '../../sim/dma/hmm-entries.js'
import type { HmmDmaMap } from '../../sim/dma/hmm.js'
import { newP2pState } from '../../sim/dma/p2pdma.js'
import type { DevicePiece, HwSegment, MapOutcome, TxContext } from '../../sim/strategies/strategy.js'

export function mapHmm(ctx: TxContext): MapOutcome {
  const { m, regions } = ctx
  const hmm = m.hmm
  const nr = regions.reduce((n, r) => n + r.pages, 0)
  const { err, map } = hmm.hmm_dma_map_alloc(nr, 4096)
  if (err || map === undefined) return { ok: false, error: `hmm_dma_map_alloc() failed (${err})` }
  // hmm_range_fault(): every mirrored page is present (the plan's regions are resident).
  const base: number[] = []
  let idx = 0
  for (const r of regions) {
    base.push(idx)
    const firstPfn = Number((r.phys - (r.phys % 4096n)) / 4096n)
    hmm.setPfnRange(map, idx, firstPfn, r.pages)
    idx += r.pages
  }
  hmm.hmm_range_fault(nr)
  const table = new DeviceTable(nr)
  const p2p = newP2pState()
  if (ctx.step.populate) {
    const failed = hmm.hmm_dma_map_pfns(map, 0, nr, p2p, table)
    if (failed >= 0) {
      if (failed > 0) hmm.hmm_dma_unmap_pfns(map, 0, failed, table, 'last-first')
      hmm.hmm_dma_map_free(map)
      return { ok: false, error: `hmm_dma_map_pfn() of page ${failed} failed` }
    }
  }
  return { ok: true, mapping: hmmMapping(ctx, hmm, map, table, base) }
}

function hmmMapping(ctx: TxContext, hmm: Hmm, map: HmmDmaMap, table: DeviceTable, base: readonly number[]): import('../../sim/strategies/strategy.js').TxMapping {
  const { api, regions } = ctx
  const p2p = newP2pState()
  return {
    path: map.state.size !== 0n ? 'hmm (iova)' : 'hmm (per page)',
    segments: () => hmmSegments(table, map.nr),
    locate: (ri, off, len) => {
      const r = regions[ri]
      if (r === undefined) return 'no such region'
      let pos = BigInt(base[ri] ?? 0) * 4096n + (r.phys % 4096n) + off
      let left = len
      const out: DevicePiece[] = []
      while (left > 0n) {
        const page = Number(pos / 4096n)
        const inPage = pos % 4096n
        if (!table.valid(page)) return `page ${page} of the mirror is not mapped (the device would take an ODP page fault)`
        const n = left < 4096n - inPage ? left : 4096n - inPage
        out.push({ dma: table.get(page) + inPage, len: Number(n) })
        pos += n
        left -= n
      }
      return out
    },
    sync: () => {},
    hmmFault: (i) => {
      const failed = hmm.hmm_dma_map_pfns(map, i, i + 1, p2p, table)
      if (failed >= 0) api.dev_err('MAP', `hmm_dma_map_pfn() of page ${i} failed`)
    },
    hmmInvalidate: (i) => hmm.hmm_dma_unmap_pfns(map, i, i + 1, table),
    unmap: () => {
      hmm.hmm_dma_unmap_pfns(map, 0, map.nr, table)
      hmm.hmm_dma_map_free(map)
    },
    metadataBytes: () => 16 + Hmm.kernelBytes(map),
    stateBytes: () => Hmm.stateBytes(map) + table.bytes,
  }
}

/** The device page table as runs of DMA-contiguous valid entries. */
function hmmSegments(table: DeviceTable, n: number): HwSegment[] {
  return table.runs(n, 4096).map((r) => ({ dma: r.dma, len: BigInt(r.entries) * 4096n, entries: r.entries, first: r.first }))
}
